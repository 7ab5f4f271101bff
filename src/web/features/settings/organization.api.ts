import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type UpdateOrganization, organization } from '../../../features/organizations/organization.schemas';
import { request } from '../../lib/api';
import { ME_KEY } from '../auth/auth.api';

const ORGANIZATION_KEY = ['organization'] as const;

/** The caller's organisation as GET /api/organization gives it, with its usual hours. */
export function useCurrentOrganization() {
  return useQuery({
    queryKey: ORGANIZATION_KEY,
    queryFn: ({ signal }) => request('GET', '/api/organization', organization, { signal }),
  });
}

/**
 * Sets the usual hours. The forms that generate slots read them from /api/auth/me, so that query
 * is refetched before the mutation counts as done: the next session dialog opened gets the new hours.
 */
export function useUpdateOrganization() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (values: UpdateOrganization) => request('PATCH', '/api/organization', organization, { body: values }),
    onSuccess: (saved) => {
      queryClient.setQueryData(ORGANIZATION_KEY, saved);
      return queryClient.invalidateQueries({ queryKey: ME_KEY });
    },
  });
}
