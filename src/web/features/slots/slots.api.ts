import { type QueryClient, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type CreateSlot, type GenerateSlots, type UpdateSlot, generateSlotsResult, slot, slotList } from '../../../features/sessions/slot.schemas';
import { request, requestVoid } from '../../lib/api';

/** A session's schedule, in chronological order, with its planned minutes. */
export function useSessionSlots(sessionId: string) {
  return useQuery({
    queryKey: ['slots', sessionId],
    queryFn: ({ signal }) => request('GET', `/api/sessions/${sessionId}/slots`, slotList, { signal }),
  });
}

/** What reads slots: the schedule, the session (its slot count and hours), attendance and the planning. */
function invalidateSchedule(queryClient: QueryClient, sessionId: string) {
  return Promise.all([
    queryClient.invalidateQueries({ queryKey: ['slots', sessionId] }),
    queryClient.invalidateQueries({ queryKey: ['sessions'] }),
    queryClient.invalidateQueries({ queryKey: ['attendance'] }),
    queryClient.invalidateQueries({ queryKey: ['planning'] }),
  ]);
}

export function useSaveSlot(sessionId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, values }: { id?: string; values: CreateSlot | UpdateSlot }) => (id
      ? request('PATCH', `/api/sessions/${sessionId}/slots/${id}`, slot, { body: values })
      : request('POST', `/api/sessions/${sessionId}/slots`, slot, { body: values })),
    onSuccess: () => invalidateSchedule(queryClient, sessionId),
  });
}

export function useDeleteSlot(sessionId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => requestVoid('DELETE', `/api/sessions/${sessionId}/slots/${id}`),
    onSuccess: () => invalidateSchedule(queryClient, sessionId),
  });
}

/** Generates slots from a weekly pattern; with `preview: true` the API answers and writes nothing. */
export function useGenerateSlots(sessionId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (values: GenerateSlots) => request('POST', `/api/sessions/${sessionId}/slots/generate`, generateSlotsResult, { body: values }),
    onSuccess: (result) => (result.preview ? undefined : invalidateSchedule(queryClient, sessionId)),
  });
}
