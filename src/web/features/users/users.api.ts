import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type CreateUser, type UpdateUser, createdStaffUser, staffUser, userList } from '../../../features/users/user.schemas';
import { queryString, request } from '../../lib/api';

export type UserListParams = { q?: string; role?: string; is_active?: string; sort?: string; order?: string; page?: string; page_size?: string };

export function useUsers(params: UserListParams) {
  return useQuery({
    queryKey: ['users', 'list', params],
    queryFn: ({ signal }) => request('GET', `/api/users${queryString(params)}`, userList, { signal }),
    placeholderData: keepPreviousData,
  });
}

/** Staff who can run a session (trainers and administrators), for pickers and filters. */
export function useTrainerOptions() {
  return useQuery({
    queryKey: ['users', 'trainers'],
    queryFn: ({ signal }) => request('GET', '/api/users?page_size=200&sort=full_name&is_active=true', userList, { signal }),
    staleTime: 60_000,
    retry: false,
    select: (list) => list.items.filter((user) => user.role === 'teacher' || user.role === 'admin'),
  });
}

export function useCreateUser() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (values: CreateUser) => request('POST', '/api/users', createdStaffUser, { body: values }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['users'] }),
  });
}

export function useUpdateUser() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, values }: { id: string; values: UpdateUser }) => request('PATCH', `/api/users/${id}`, staffUser, { body: values }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['users'] }),
  });
}
