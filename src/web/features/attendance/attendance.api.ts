import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { attendanceDueList } from '../../../features/attendance/attendance-due.schemas';
import { type AttendanceEntry, type MarkHalfDay, attendanceGrid } from '../../../features/attendance/attendance.schemas';
import { request } from '../../lib/api';

/** Ended half-days of the last `days` days whose enrolled learners are not all marked. */
export function useAttendanceDue(days = 14) {
  return useQuery({
    queryKey: ['attendance', 'due', days],
    queryFn: ({ signal }) => request('GET', `/api/attendance/due?days=${days}`, attendanceDueList, { signal }),
  });
}

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
    onSuccess: (grid) => {
      queryClient.setQueryData(['attendance', sessionId], grid);
      void queryClient.invalidateQueries({ queryKey: ['attendance', 'due'] });
    },
  });
}

export function useMarkHalfDay(sessionId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (values: Pick<MarkHalfDay, 'date' | 'slot'> & Partial<MarkHalfDay>) => request('POST', `/api/sessions/${sessionId}/attendance/bulk`, attendanceGrid, { body: values }),
    onSuccess: (grid) => {
      queryClient.setQueryData(['attendance', sessionId], grid);
      void queryClient.invalidateQueries({ queryKey: ['attendance', 'due'] });
    },
  });
}
