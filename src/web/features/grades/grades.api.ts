import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type GradeEntry, sessionGrades } from '../../../features/grades/grade.schemas';
import { request, requestVoid } from '../../lib/api';

export function useGrades(sessionId: string) {
  return useQuery({
    queryKey: ['grades', sessionId],
    queryFn: ({ signal }) => request('GET', `/api/sessions/${sessionId}/grades`, sessionGrades, { signal }),
  });
}

export function useSaveGrades(sessionId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (grades: GradeEntry[]) => request('PUT', `/api/sessions/${sessionId}/grades`, sessionGrades, { body: { grades } }),
    onSuccess: (sheet) => queryClient.setQueryData(['grades', sessionId], sheet),
  });
}

export function useDeleteGrade(sessionId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (gradeId: string) => requestVoid('DELETE', `/api/sessions/${sessionId}/grades/${gradeId}`),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['grades', sessionId] }),
  });
}
