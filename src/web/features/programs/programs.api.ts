import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { z } from 'zod';
import { type CreateProgram, type UpdateProgram, program, programList } from '../../../features/programs/program.schemas';
import { queryString, request, requestVoid } from '../../lib/api';

export type ProgramListParams = { q?: string; is_active?: string; sort?: string; order?: string; page?: string; page_size?: string };

export function usePrograms(params: ProgramListParams) {
  return useQuery({
    queryKey: ['programs', 'list', params],
    queryFn: ({ signal }) => request('GET', `/api/programs${queryString(params)}`, programList, { signal }),
    placeholderData: keepPreviousData,
  });
}

/** Every programme, for pickers (filters and the formation form). */
export function useProgramOptions() {
  return useQuery({
    queryKey: ['programs', 'options'],
    queryFn: ({ signal }) => request('GET', '/api/programs?page_size=200&sort=name', programList, { signal }),
    staleTime: 60_000,
    select: (list) => list.items,
  });
}

export function useProgram(id: string) {
  return useQuery({
    queryKey: ['programs', 'one', id],
    queryFn: ({ signal }) => request('GET', `/api/programs/${id}`, program, { signal }),
  });
}

export function useSaveProgram() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, values }: { id?: string; values: CreateProgram | UpdateProgram }) => (id
      ? request('PATCH', `/api/programs/${id}`, program, { body: values })
      : request('POST', '/api/programs', program, { body: values })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['programs'] }),
  });
}

export function useDeleteProgram() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => requestVoid('DELETE', `/api/programs/${id}`),
    onSuccess: () => Promise.all([
      queryClient.invalidateQueries({ queryKey: ['programs'] }),
      queryClient.invalidateQueries({ queryKey: ['formations'] }),
    ]),
  });
}

const linkResult = z.object({ linked: z.number().int(), program });

export function useLinkFormations(programId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (formationIds: string[]) => request('POST', `/api/programs/${programId}/formations`, linkResult, { body: { formation_ids: formationIds } }),
    onSuccess: () => Promise.all([
      queryClient.invalidateQueries({ queryKey: ['programs'] }),
      queryClient.invalidateQueries({ queryKey: ['formations'] }),
    ]),
  });
}
