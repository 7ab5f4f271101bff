import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type CreateFormation, type UpdateFormation, formation, formationList } from '../../../features/formations/formation.schemas';
import { queryString, request, requestVoid } from '../../lib/api';

export type FormationListParams = {
  program_id?: string; category?: string; is_active?: string; q?: string;
  sort?: string; order?: string; page?: string; page_size?: string;
};

export function useFormations(params: FormationListParams, options: { enabled?: boolean } = {}) {
  return useQuery({
    queryKey: ['formations', 'list', params],
    queryFn: ({ signal }) => request('GET', `/api/formations${queryString(params)}`, formationList, { signal }),
    placeholderData: keepPreviousData,
    enabled: options.enabled,
  });
}

/** Every formation, for pickers. */
export function useFormationOptions() {
  return useQuery({
    queryKey: ['formations', 'options'],
    queryFn: ({ signal }) => request('GET', '/api/formations?page_size=200&sort=name', formationList, { signal }),
    staleTime: 60_000,
    select: (list) => list.items,
  });
}

export function useFormation(id: string | undefined) {
  return useQuery({
    queryKey: ['formations', 'one', id],
    queryFn: ({ signal }) => request('GET', `/api/formations/${id}`, formation, { signal }),
    enabled: Boolean(id),
  });
}

export function useSaveFormation() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, values }: { id?: string; values: CreateFormation | UpdateFormation }) => (id
      ? request('PATCH', `/api/formations/${id}`, formation, { body: values })
      : request('POST', '/api/formations', formation, { body: values })),
    onSuccess: () => Promise.all([
      queryClient.invalidateQueries({ queryKey: ['formations'] }),
      queryClient.invalidateQueries({ queryKey: ['programs'] }),
    ]),
  });
}

export function useDeleteFormation() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => requestVoid('DELETE', `/api/formations/${id}`),
    onSuccess: () => Promise.all([
      queryClient.invalidateQueries({ queryKey: ['formations'] }),
      queryClient.invalidateQueries({ queryKey: ['programs'] }),
    ]),
  });
}
