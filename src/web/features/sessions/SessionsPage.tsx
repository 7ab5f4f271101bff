import { useState } from 'react';
import { useNavigate } from 'react-router-dom';
import { SESSION_STATUSES } from '../../../features/sessions/session.schemas';
import { PagedList } from '../../components/DataTable';
import { SelectField, TextField } from '../../components/Field';
import { FilterBar } from '../../components/FilterBar';
import { PageHeader } from '../../components/PageHeader';
import { SearchInput } from '../../components/SearchInput';
import { useI18n } from '../../lib/i18n';
import { useUrlState } from '../../lib/url-state';
import { useCanWrite, useRole } from '../auth/permissions';
import { useFormationOptions } from '../formations/formations.api';
import { useProgramOptions } from '../programs/programs.api';
import { SessionFormDialog } from './SessionFormDialog';
import { SessionsTable } from './SessionsTable';
import { useSessions, useTrainerOptions } from './sessions.api';

const KEYS = ['q', 'formation_id', 'program_id', 'status', 'teacher_id', 'from', 'to', 'sort', 'order', 'page'] as const;

export function SessionsPage() {
  const { t } = useI18n();
  const navigate = useNavigate();
  const canWrite = useCanWrite();
  const role = useRole();
  const { values, update, reset, sorting, showPage } = useUrlState(KEYS, { sort: 'start_date', order: 'asc', page: '1' });
  const sessions = useSessions({ ...values, page_size: '25' });
  const formations = useFormationOptions();
  const programs = useProgramOptions();
  const trainers = useTrainerOptions();
  const [creating, setCreating] = useState(false);
  const filtered = Boolean(values.q || values.formation_id || values.program_id || values.status || values.teacher_id || values.from || values.to);

  return (
    <>
      <PageHeader title={t('sessions.title')} actions={canWrite && <button type="button" className="btn btn-primary" onClick={() => setCreating(true)}>+ {t('sessions.new')}</button>} />
      <FilterBar label={t('common.filters')} onReset={reset} active={filtered}>
        <SearchInput label={t('sessions.search')} value={values.q} onChange={(q) => update({ q })} />
        <SelectField label={t('sessions.formation')} value={values.formation_id} onChange={(event) => update({ formation_id: event.target.value })}>
          <option value="">{t('common.all')}</option>
          {(formations.data ?? []).map((formation) => <option key={formation.id} value={formation.id}>{formation.name}</option>)}
        </SelectField>
        <SelectField label={t('sessions.program')} value={values.program_id} onChange={(event) => update({ program_id: event.target.value })}>
          <option value="">{t('common.all')}</option>
          <option value="none">{t('formations.no_program')}</option>
          {(programs.data ?? []).map((program) => <option key={program.id} value={program.id}>{program.name}</option>)}
        </SelectField>
        <SelectField label={t('common.status')} value={values.status} onChange={(event) => update({ status: event.target.value })}>
          <option value="">{t('common.all')}</option>
          {SESSION_STATUSES.map((status) => <option key={status} value={status}>{t(`sessions.status.${status}`)}</option>)}
        </SelectField>
        {role !== 'teacher' && (
          <SelectField label={t('sessions.teacher')} value={values.teacher_id} onChange={(event) => update({ teacher_id: event.target.value })}>
            <option value="">{t('common.all')}</option>
            {(trainers.data ?? []).map((trainer) => <option key={trainer.id} value={trainer.id}>{trainer.full_name ?? trainer.email}</option>)}
          </SelectField>
        )}
        <TextField label={t('common.from')} type="date" value={values.from} onChange={(event) => update({ from: event.target.value })} />
        <TextField label={t('common.to')} type="date" value={values.to} onChange={(event) => update({ to: event.target.value })} />
      </FilterBar>
      <PagedList query={sessions} onPage={showPage}>{(rows) => (
        <SessionsTable
          sessions={rows}
          {...sorting}
        />
      )}</PagedList>
      {creating && <SessionFormDialog onClose={() => setCreating(false)} onSaved={(session) => navigate(`/dashboard/sessions/${session.id}`)} />}
    </>
  );
}
