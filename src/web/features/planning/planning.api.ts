import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { planning } from '../../../features/sessions/slot.schemas';
import { queryString, request } from '../../lib/api';

export type PlanningParams = { from: string; to: string; teacher_id?: string; location?: string };

/** The organisation's slots between two dates, across sessions, with their conflicts: one request for the whole week. */
export function usePlanning(params: PlanningParams) {
  return useQuery({
    queryKey: ['planning', params],
    queryFn: ({ signal }) => request('GET', `/api/slots${queryString(params)}`, planning, { signal }),
    placeholderData: keepPreviousData,
  });
}
