import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type AttendanceEntry, type MarkHalfDay, attendanceGrid } from '../../../features/attendance/attendance.schemas';
import { request } from '../../lib/api';

export function useAttendance(sessionId: string) {
  return useQuery({
    queryKey: ['attendance', sessionId],
    queryFn: ({ signal }) => request('GET', `/api/sessions/${sessionId}/attendance`, attendanceGrid, { signal }),
  });
}

/** Saves entries; the answer is the whole updated grid, put straight into the cache. */
export function useSaveAttendance(sessionId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (entries: AttendanceEntry[]) => request('PUT', `/api/sessions/${sessionId}/attendance`, attendanceGrid, { body: { entries } }),
    onSuccess: (grid) => queryClient.setQueryData(['attendance', sessionId], grid),
  });
}

export function useMarkHalfDay(sessionId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (values: Pick<MarkHalfDay, 'date' | 'slot'> & Partial<MarkHalfDay>) => request('POST', `/api/sessions/${sessionId}/attendance/bulk`, attendanceGrid, { body: values }),
    onSuccess: (grid) => queryClient.setQueryData(['attendance', sessionId], grid),
  });
}
