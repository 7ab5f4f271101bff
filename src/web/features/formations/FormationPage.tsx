import { useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import { Badge } from '../../components/Badge';
import { DeleteDialog } from '../../components/Dialog';
import { PageHeader } from '../../components/PageHeader';
import { ErrorState, Loading, QueryState } from '../../components/States';
import { useI18n } from '../../lib/i18n';
import { useFormat } from '../../lib/organization';
import { useNavigate } from 'react-router-dom';
import { useCanWrite } from '../auth/permissions';
import { SessionFormDialog } from '../sessions/SessionFormDialog';
import { SessionsTable } from '../sessions/SessionsTable';
import { useSessions } from '../sessions/sessions.api';
import { formatDuration } from './duration';
import { useDeleteFormation, useFormation } from './formations.api';

export function FormationPage() {
  const { id = '' } = useParams();
  const { t } = useI18n();
  const format = useFormat();
  const navigate = useNavigate();
  const canWrite = useCanWrite();
  const formation = useFormation(id);
  const sessions = useSessions({ formation_id: id, page_size: '200', sort: 'start_date' }, { enabled: formation.isSuccess });
  const remove = useDeleteFormation();
  const [deleting, setDeleting] = useState(false);
  const [creating, setCreating] = useState(false);

  if (formation.isPending) return <Loading />;
  if (formation.isError) return <ErrorState error={formation.error} onRetry={() => void formation.refetch()} />;
  const data = formation.data;

  return (
    <>
      <PageHeader
        back={{ to: '/dashboard/formations', label: t('formations.title') }}
        title={data.name}
        subtitle={<>{data.code}{data.subtitle ? ` · ${data.subtitle}` : ''}</>}
        actions={canWrite && (
          <>
            <Link className="btn" to={`/dashboard/formations/${id}/edit`}>{t('common.edit')}</Link>
            <button type="button" className="btn" onClick={() => setDeleting(true)}>{t('common.delete')}</button>
            <button type="button" className="btn btn-primary" onClick={() => setCreating(true)}>+ {t('sessions.new')}</button>
          </>
        )}
      />
      <section className="card card-body" aria-label={t('formations.section.general')}>
        <dl className="details">
          <div><dt>{t('formations.program')}</dt><dd>{data.program_id ? <Link to={`/dashboard/programs/${data.program_id}`}>{data.program_name}</Link> : t('formations.no_program')}</dd></div>
          <div><dt>{t('common.category')}</dt><dd>{data.category ?? '—'}</dd></div>
          <div><dt>{t('formations.duration')}</dt><dd>{formatDuration(data, t, format)}</dd></div>
          <div><dt>{t('formations.price')}</dt><dd>{format.money(data.price, data.currency)}</dd></div>
          <div><dt>{t('formations.field.capacity_max')}</dt><dd>{data.capacity_max ?? '—'}</dd></div>
          <div><dt>{t('formations.field.modalities')}</dt><dd>{data.modalities ?? '—'}</dd></div>
          <div><dt>{t('formations.cpf')}</dt><dd>{data.eligible_cpf ? `${t('common.yes')}${data.cpf_code ? ` (${data.cpf_code})` : ''}` : t('common.no')}</dd></div>
          <div><dt>{t('common.status')}</dt><dd><Badge tone={data.is_active ? 'success' : 'neutral'}>{data.is_active ? t('common.active') : t('common.inactive')}</Badge></dd></div>
        </dl>
      </section>
      <section className="card" aria-labelledby="formation-sessions">
        <div className="card-header"><h2 id="formation-sessions">{t('formations.sessions_of')}</h2><Badge tone="accent">{data.session_count}</Badge></div>
        <QueryState query={sessions}>{(list) => (
          <SessionsTable sessions={list.items} hideFormation />
        )}</QueryState>
      </section>
      {creating && <SessionFormDialog defaultFormationId={id} onClose={() => setCreating(false)} onSaved={(session) => navigate(`/dashboard/sessions/${session.id}`)} />}
      {deleting && (
        <DeleteDialog
          title={t('formations.delete_title')}
          body={t('formations.delete_body', { name: data.name })}
          pending={remove.isPending}
          onClose={() => setDeleting(false)}
          onDeleted={() => navigate('/dashboard/formations')}
          onDelete={(outcome) => remove.mutate(id, outcome)}
        />
      )}
    </>
  );
}
