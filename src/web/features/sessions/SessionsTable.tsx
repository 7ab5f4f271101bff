import { Link } from 'react-router-dom';
import type { Session } from '../../../features/sessions/session.schemas';
import { Badge } from '../../components/Badge';
import { type Column, DataTable } from '../../components/DataTable';
import { useI18n } from '../../lib/i18n';
import { useFormat } from '../../lib/organization';
import { Seats, SessionStatusBadge } from './SessionStatusBadge';

export function SessionsTable({ sessions, hideFormation, sort, order, onSort }: {
  sessions: Session[];
  hideFormation?: boolean;
  sort?: string;
  order?: 'asc' | 'desc';
  onSort?: (sort: string, order: 'asc' | 'desc') => void;
}) {
  const { t } = useI18n();
  const format = useFormat();
  const columns: Column<Session>[] = [
    {
      key: 'name', header: t('common.name'), sortKey: 'name',
      render: (session) => (
        <>
          <Link to={`/dashboard/sessions/${session.id}`}>{session.name}</Link>
          {!hideFormation && <span className="cell-sub">{session.formation_name}{session.program_name ? ` · ${session.program_name}` : ''}</span>}
        </>
      ),
    },
    { key: 'dates', header: t('sessions.dates'), sortKey: 'start_date', render: (session) => <span className="nowrap">{format.dateRange(session.start_date, session.end_date)}</span> },
    { key: 'teacher', header: t('sessions.teacher'), render: (session) => session.teacher_name ?? <span className="muted">{t('sessions.no_teacher')}</span> },
    { key: 'location', header: t('sessions.location'), render: (session) => session.location ?? '—' },
    { key: 'seats', header: t('sessions.seats'), render: (session) => <Seats session={session} /> },
    {
      key: 'waitlisted', header: t('sessions.waitlisted'), align: 'center',
      render: (session) => (session.waitlisted_count > 0 ? <Badge tone="warning">{t('sessions.waitlisted_count', { count: session.waitlisted_count })}</Badge> : <span className="muted">0</span>),
    },
    { key: 'status', header: t('common.status'), sortKey: 'status', render: (session) => <SessionStatusBadge status={session.status} /> },
  ];
  return (
    <DataTable
      caption={t('sessions.title')}
      columns={columns}
      rows={sessions}
      rowKey={(session) => session.id}
      sort={sort}
      order={order}
      onSort={onSort}
      empty={t('sessions.empty')}
    />
  );
}
