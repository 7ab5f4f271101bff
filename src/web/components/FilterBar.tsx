/** The row of filters above a list; a search landmark. */
import type { ReactNode } from 'react';
import { useI18n } from '../lib/i18n';

export function FilterBar({ label, children, onReset, active }: { label: string; children: ReactNode; onReset?: () => void; active?: boolean }) {
  const { t } = useI18n();
  return (
    <div role="search" className="filter-bar" aria-label={label}>
      {children}
      {onReset && active && <button type="button" className="btn btn-ghost" onClick={onReset}>{t('common.reset_filters')}</button>}
    </div>
  );
}
