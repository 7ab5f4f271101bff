import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type CreateStudent, type UpdateStudent, importReport, student, studentList } from '../../../features/students/student.schemas';
import { ApiError, queryString, request, requestVoid } from '../../lib/api';

export type StudentListParams = { q?: string; status?: string; sort?: string; order?: string; page?: string; page_size?: string };

export function useStudents(params: StudentListParams, options: { enabled?: boolean } = {}) {
  return useQuery({
    queryKey: ['students', 'list', params],
    queryFn: ({ signal }) => request('GET', `/api/students${queryString(params)}`, studentList, { signal }),
    placeholderData: keepPreviousData,
    enabled: options.enabled,
  });
}

export function useSaveStudent() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, values }: { id?: string; values: CreateStudent | UpdateStudent }) => (id
      ? request('PATCH', `/api/students/${id}`, student, { body: values })
      : request('POST', '/api/students', student, { body: values })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['students'] }),
  });
}

/**
 * CSV import: a dry run checks every row; the real run creates all or nothing. A rejected file
 * comes back as a 400 whose details carry the same report.
 */
export function useImportStudents() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async ({ csv, dryRun }: { csv: string; dryRun: boolean }) => {
      try {
        return await request('POST', `/api/students/import${queryString({ dry_run: dryRun })}`, importReport, { text: { content: csv, type: 'text/csv' } });
      } catch (error) {
        if (error instanceof ApiError && error.status === 400) {
          const report = importReport.safeParse(error.details);
          if (report.success) return report.data;
        }
        throw error;
      }
    },
    onSuccess: (report) => {
      if (report.imported) void queryClient.invalidateQueries({ queryKey: ['students'] });
    },
  });
}

/** Refused with a 409 HAS_DEPENDENTS while enrollments, attendance or grades refer to the learner. */
export function useDeleteStudent() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => requestVoid('DELETE', `/api/students/${id}`),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['students'] }),
  });
}
