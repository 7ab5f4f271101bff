/**
 * The organisation's settings, for administrators: its name and code (read only) and its usual
 * hours, the defaults of slot generation.
 */
import { PageHeader } from '../../components/PageHeader';
import { QueryState } from '../../components/States';
import { useI18n } from '../../lib/i18n';
import { DayHoursForm } from './DayHoursForm';
import { useCurrentOrganization } from './organization.api';

export function SettingsPage() {
  const { t } = useI18n();
  const organization = useCurrentOrganization();
  return (
    <>
      <PageHeader title={t('settings.title')} />
      <QueryState query={organization} retry>{(current) => (
        <>
          <section className="card settings-organization" aria-labelledby="settings-organization">
            <div className="card-header"><h2 id="settings-organization">{t('settings.organization')}</h2></div>
            <dl className="details card-body">
              <div><dt>{t('common.name')}</dt><dd>{current.name}</dd></div>
              <div><dt>{t('common.code')}</dt><dd>{current.code}</dd></div>
            </dl>
          </section>
          <DayHoursForm organization={current} />
        </>
      )}</QueryState>
    </>
  );
}
