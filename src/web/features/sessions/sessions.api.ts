import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type CreateSession, type UpdateSession, session, sessionList, trainerList } from '../../../features/sessions/session.schemas';
import { queryString, request, requestVoid } from '../../lib/api';

export type SessionListParams = {
  formation_id?: string; program_id?: string; status?: string; teacher_id?: string; from?: string; to?: string; q?: string;
  sort?: string; order?: string; page?: string; page_size?: string;
};

export function useSessions(params: SessionListParams, options: { enabled?: boolean } = {}) {
  return useQuery({
    queryKey: ['sessions', 'list', params],
    queryFn: ({ signal }) => request('GET', `/api/sessions${queryString(params)}`, sessionList, { signal }),
    placeholderData: keepPreviousData,
    enabled: options.enabled,
  });
}

export function useSession(id: string) {
  return useQuery({
    queryKey: ['sessions', 'one', id],
    queryFn: ({ signal }) => request('GET', `/api/sessions/${id}`, session, { signal }),
  });
}

/** Who can run a session (active trainers and administrators), for pickers and filters; readable by every role. */
export function useTrainerOptions() {
  return useQuery({
    queryKey: ['sessions', 'trainers'],
    queryFn: ({ signal }) => request('GET', '/api/sessions/trainers', trainerList, { signal }),
    staleTime: 60_000,
    select: (list) => list.items,
  });
}

export function useSaveSession() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, values }: { id?: string; values: CreateSession | UpdateSession }) => (id
      ? request('PATCH', `/api/sessions/${id}`, session, { body: values })
      : request('POST', '/api/sessions', session, { body: values })),
    onSuccess: () => Promise.all([
      queryClient.invalidateQueries({ queryKey: ['sessions'] }),
      queryClient.invalidateQueries({ queryKey: ['formations'] }),
    ]),
  });
}

export function useDeleteSession() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => requestVoid('DELETE', `/api/sessions/${id}`),
    onSuccess: () => Promise.all([
      queryClient.invalidateQueries({ queryKey: ['sessions'] }),
      queryClient.invalidateQueries({ queryKey: ['formations'] }),
    ]),
  });
}
