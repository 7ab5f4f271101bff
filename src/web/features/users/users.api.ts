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
