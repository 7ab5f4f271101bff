import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { currentUser, loginResponse } from '../../../features/auth/auth.schemas';
import { ApiError, request, requestVoid, setCsrfToken } from '../../lib/api';

export const ME_KEY = ['auth', 'me'] as const;

/** The signed-in user and organisation, or null when nobody is signed in. */
export function useCurrentUser() {
  return useQuery({
    queryKey: ME_KEY,
    queryFn: async () => {
      try {
        const me = await request('GET', '/api/auth/me', currentUser);
        setCsrfToken(me.csrf_token);
        return me;
      } catch (error) {
        if (error instanceof ApiError && error.status === 401) return null;
        throw error;
      }
    },
    staleTime: 5 * 60_000,
    retry: false,
  });
}

export function useLogin() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (credentials: { email: string; password: string }) => request('POST', '/api/auth/login', loginResponse, { body: credentials }),
    onSuccess: (session) => {
      setCsrfToken(session.csrf_token);
      queryClient.clear();
      queryClient.setQueryData(ME_KEY, { user: session.user, organization: session.organization, csrf_token: session.csrf_token });
    },
  });
}

export function useLogout() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => requestVoid('POST', '/api/auth/logout'),
    onSettled: () => {
      setCsrfToken(null);
      queryClient.clear();
      queryClient.setQueryData(ME_KEY, null);
    },
  });
}
