/** A session: its header (dates, trainer, seats) and tabs for the roster, schedule, attendance and grades. */
import { useState } from 'react';
import { Link, Outlet, useNavigate, useOutletContext, useParams } from 'react-router-dom';
import type { Session } from '../../../features/sessions/session.schemas';
import { DeleteDialog } from '../../components/Dialog';
import { PageHeader } from '../../components/PageHeader';
import { ErrorState, Loading } from '../../components/States';
import { TabLinks } from '../../components/Tabs';
import { useI18n } from '../../lib/i18n';
import { useFormat } from '../../lib/organization';
import { useCan, useCanWrite } from '../auth/permissions';
import { SessionFormDialog } from './SessionFormDialog';
import { Seats, SessionStatusBadge } from './SessionStatusBadge';
import { useDeleteSession, useSession } from './sessions.api';

export type SessionOutletContext = { session: Session };

export function useSessionContext(): SessionOutletContext {
  return useOutletContext<SessionOutletContext>();
}

export function SessionPage() {
  const { id = '' } = useParams();
  const { t } = useI18n();
  const format = useFormat();
  const navigate = useNavigate();
  const canWrite = useCanWrite();
  const canReadGrades = useCan('readGrades');
  const session = useSession(id);
  const remove = useDeleteSession();
  const [editing, setEditing] = useState(false);
  const [deleting, setDeleting] = useState(false);

  if (session.isPending) return <Loading />;
  if (session.isError) return <ErrorState error={session.error} onRetry={() => void session.refetch()} />;
  const data = session.data;
  const base = `/dashboard/sessions/${id}`;

  return (
    <>
      <PageHeader
        back={{ to: '/dashboard/sessions', label: t('sessions.title') }}
        title={<>{data.name} <SessionStatusBadge status={data.status} /></>}
        subtitle={<><Link to={`/dashboard/formations/${data.formation_id}`}>{data.formation_name}</Link>{data.program_name ? ` · ${data.program_name}` : ''}</>}
        actions={canWrite && (
          <>
            <button type="button" className="btn" onClick={() => setEditing(true)}>{t('common.edit')}</button>
            <button type="button" className="btn" onClick={() => setDeleting(true)}>{t('common.delete')}</button>
          </>
        )}
      />
      <section className="card card-body" aria-label={t('sessions.dates')}>
        <dl className="details">
          <div><dt>{t('sessions.dates')}</dt><dd>{format.dateRange(data.start_date, data.end_date)}</dd></div>
          <div><dt>{t('sessions.schedule')}</dt><dd>{data.slot_count === 0 ? t('sessions.hours_unknown') : t('sessions.schedule_summary', {
            slots: t(data.slot_count === 1 ? 'sessions.slot_count.one' : 'sessions.slot_count.other', { count: format.number(data.slot_count) }),
            hours: format.number(data.planned_minutes / 60, 2),
          })}</dd></div>
          <div><dt>{t('sessions.teacher')}</dt><dd>{data.teacher_name ?? t('sessions.no_teacher')}</dd></div>
          <div><dt>{t('sessions.location')}</dt><dd>{data.location ?? '—'}</dd></div>
          <div><dt>{t('sessions.seats')}</dt><dd><Seats session={data} /></dd></div>
          <div><dt>{t('sessions.waitlisted')}</dt><dd>{data.waitlisted_count}</dd></div>
        </dl>
      </section>
      <div style={{ height: 20 }} />
      <TabLinks
        label={t('sessions.tabs')}
        tabs={[
          { to: base, label: t('sessions.tab.roster'), end: true },
          { to: `${base}/planning`, label: t('sessions.tab.planning') },
          { to: `${base}/attendance`, label: t('sessions.tab.attendance') },
          ...(canReadGrades ? [{ to: `${base}/grades`, label: t('sessions.tab.grades') }] : []),
        ]}
      />
      <Outlet context={{ session: data } satisfies SessionOutletContext} />
      {editing && <SessionFormDialog session={data} onClose={() => setEditing(false)} />}
      {deleting && (
        <DeleteDialog
          title={t('sessions.delete_title')}
          body={t('sessions.delete_body', { name: data.name })}
          pending={remove.isPending}
          onClose={() => setDeleting(false)}
          onDeleted={() => navigate('/dashboard/sessions')}
          onDelete={(outcome) => remove.mutate(id, outcome)}
        />
      )}
    </>
  );
}
