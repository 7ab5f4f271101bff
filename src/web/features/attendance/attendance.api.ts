import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { attendanceDueList } from '../../../features/attendance/attendance-due.schemas';
import { type AttendanceEntry, type MarkSlot, attendanceGrid } from '../../../features/attendance/attendance.schemas';
import { request } from '../../lib/api';

/** Ended slots of the last `days` days whose enrolled learners are not all marked. */
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

/** Marks every enrolled learner on one slot (by default only those not marked yet). */
export function useMarkSlot(sessionId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (values: Pick<MarkSlot, 'slot_id'> & Partial<MarkSlot>) => request('POST', `/api/sessions/${sessionId}/attendance/bulk`, attendanceGrid, { body: values }),
    onSuccess: (grid) => {
      queryClient.setQueryData(['attendance', sessionId], grid);
      void queryClient.invalidateQueries({ queryKey: ['attendance', 'due'] });
    },
  });
}
