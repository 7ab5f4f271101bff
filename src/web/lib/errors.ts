/** Explains an API failure in words for a toast or an alert; 400s go to the fields instead. */
import { ApiError } from './api';
import type { Translate } from './i18n';

export function describeError(error: unknown, t: Translate): string {
  if (!(error instanceof ApiError)) return error instanceof TypeError ? t('error.network') : t('common.error');
  switch (error.code) {
    case 'FORBIDDEN':
    case 'CSRF_REJECTED':
      return t('error.forbidden');
    case 'DUPLICATE':
      return `${t('error.duplicate')} (${error.message})`;
    case 'HAS_DEPENDENTS': {
      const dependents = describeDependents(error.details, t);
      return dependents ? t('error.has_dependents_list', { dependents }) : `${t('error.has_dependents')} (${error.message})`;
    }
    case 'SESSION_FULL':
      return t('error.session_full');
    case 'SESSION_CANCELLED':
      return t('error.session_cancelled');
    case 'CONFLICT':
      return `${t('error.conflict')} (${error.message})`;
    case 'VALIDATION_FAILED':
      return error.message || t('common.invalid');
    default:
      return error.message || t('common.error');
  }
}

const DEPENDENT_KEYS = {
  enrollments: 'error.dependents.enrollments',
  attendance: 'error.dependents.attendance',
  grades: 'error.dependents.grades',
  sessions: 'error.dependents.sessions',
} as const;

/** A 409 HAS_DEPENDENTS's `details.dependents` ({ enrollments: 2, grades: 1 }) in words, or null. */
export function describeDependents(details: unknown, t: Translate): string | null {
  const dependents = (details as { dependents?: unknown } | null | undefined)?.dependents;
  if (!dependents || typeof dependents !== 'object') return null;
  const parts = Object.entries(dependents as Record<string, unknown>)
    .filter((entry): entry is [keyof typeof DEPENDENT_KEYS, number] => entry[0] in DEPENDENT_KEYS && typeof entry[1] === 'number' && entry[1] > 0)
    .map(([kind, count]) => t(DEPENDENT_KEYS[kind], { count }));
  return parts.length > 0 ? parts.join(', ') : null;
}
