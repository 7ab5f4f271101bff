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
    case 'HAS_DEPENDENTS':
      return `${t('error.has_dependents')} (${error.message})`;
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
