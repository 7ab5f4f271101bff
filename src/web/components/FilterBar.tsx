/** The row of filters above a list; a search landmark. */
import type { ReactNode } from 'react';
import { useI18n } from '../lib/i18n';
import { SelectField } from './Field';

export function FilterBar({ label, children, onReset, active }: { label: string; children: ReactNode; onReset?: () => void; active?: boolean }) {
  const { t } = useI18n();
  return (
    <div role="search" className="filter-bar" aria-label={label}>
      {children}
      {onReset && active && <button type="button" className="btn btn-ghost" onClick={onReset}>{t('common.reset_filters')}</button>}
    </div>
  );
}

/** The active / inactive filter of a list (`''` for both), held as the text of `is_active`. */
export function ActiveFilter({ value, onChange }: { value: string; onChange: (value: string) => void }) {
  const { t } = useI18n();
  return (
    <SelectField label={t('common.status')} value={value} onChange={(event) => onChange(event.target.value)}>
      <option value="">{t('common.all')}</option>
      <option value="true">{t('common.active')}</option>
      <option value="false">{t('common.inactive')}</option>
    </SelectField>
  );
}
