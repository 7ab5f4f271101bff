import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type UpdateEnrollment, enrollment, roster, updatedEnrollment } from '../../../features/enrollments/enrollment.schemas';
import { request } from '../../lib/api';

export function useRoster(sessionId: string) {
  return useQuery({
    queryKey: ['roster', sessionId],
    queryFn: ({ signal }) => request('GET', `/api/sessions/${sessionId}/enrollments?page_size=200`, roster, { signal }),
  });
}

/** Everything a change of the roster can move: seats, waitlist, attendance and grade sheets. */
function useInvalidateSession(sessionId: string) {
  const queryClient = useQueryClient();
  return () => Promise.all([
    queryClient.invalidateQueries({ queryKey: ['roster', sessionId] }),
    queryClient.invalidateQueries({ queryKey: ['sessions'] }),
    queryClient.invalidateQueries({ queryKey: ['attendance', sessionId] }),
    queryClient.invalidateQueries({ queryKey: ['grades', sessionId] }),
  ]);
}

export function useEnroll(sessionId: string) {
  const invalidate = useInvalidateSession(sessionId);
  return useMutation({
    mutationFn: (studentId: string) => request('POST', '/api/enrollments', enrollment, { body: { session_id: sessionId, student_id: studentId, status: 'confirmed' } }),
    onSuccess: invalidate,
  });
}

export function useCancelEnrollment(sessionId: string) {
  const invalidate = useInvalidateSession(sessionId);
  return useMutation({
    mutationFn: (enrollmentId: string) => request('PATCH', `/api/enrollments/${enrollmentId}`, updatedEnrollment, { body: { status: 'cancelled' } }),
    onSuccess: invalidate,
  });
}

/** The payment of an enrollment (payment_status, amount_due, amount_paid): no seat moves. */
export function useUpdatePayment(sessionId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ enrollmentId, values }: { enrollmentId: string; values: Pick<UpdateEnrollment, 'payment_status' | 'amount_due' | 'amount_paid'> }) =>
      request('PATCH', `/api/enrollments/${enrollmentId}`, updatedEnrollment, { body: values }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['roster', sessionId] }),
  });
}
