/** Loading, error and empty states, the same on every page. */
import type { UseQueryResult } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { ApiError } from '../lib/api';
import { describeError } from '../lib/errors';
import { useI18n } from '../lib/i18n';
import { NotFound } from './NotFound';

export function Loading({ label }: { label?: string }) {
  const { t } = useI18n();
  return (
    <div className="state state-loading" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" />
      <span>{label ?? t('common.loading')}</span>
    </div>
  );
}

export function ErrorState({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const { t } = useI18n();
  if (error instanceof ApiError && error.status === 404) return <NotFound />;
  return (
    <div className="state state-error" role="alert">
      <p>{describeError(error, t)}</p>
      {onRetry && <button type="button" className="btn" onClick={onRetry}>{t('common.retry')}</button>}
    </div>
  );
}

export function Empty({ children, action }: { children: ReactNode; action?: ReactNode }) {
  return (
    <div className="state state-empty">
      <p>{children}</p>
      {action}
    </div>
  );
}

/** A query's loading and error states, or its data handed to `children`; `retry` offers a retry button. */
export function QueryState<T>({ query, retry = false, children }: { query: UseQueryResult<T>; retry?: boolean; children: (data: T) => ReactNode }) {
  if (query.isPending) return <Loading />;
  if (query.isError) return <ErrorState error={query.error} onRetry={retry ? () => void query.refetch() : undefined} />;
  return <>{children(query.data)}</>;
}
