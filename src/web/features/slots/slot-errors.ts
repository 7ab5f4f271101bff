/**
 * A schedule change the API refused, in words. An overlap names the slot in the way; marks
 * on a slot keep it in place whatever was asked (move, cancel, delete), so the API's own
 * sentence says it better than the generic "cannot delete" of other resources.
 */
import { ApiError } from '../../lib/api';
import { describeError } from '../../lib/errors';
import type { Translate } from '../../lib/i18n';
import type { Formatters } from '../../lib/organization';

type OverlapDetails = { date?: string; start_time?: string; end_time?: string };

export function describeSlotRefusal(error: unknown, t: Translate, format: Formatters): string {
  if (error instanceof ApiError && error.code === 'SLOT_OVERLAP') {
    const other = (error.details ?? {}) as OverlapDetails;
    if (other.date && other.start_time && other.end_time) {
      return t('slots.error.overlap', { date: format.date(other.date), start: other.start_time, end: other.end_time });
    }
    return error.message;
  }
  if (error instanceof ApiError && error.code === 'HAS_DEPENDENTS' && error.message) return error.message;
  return describeError(error, t);
}
