/**
 * The day's overview: today's sessions, the next ones, those full or nearly full (from the
 * sessions list API), and the ended slots whose attendance still needs marking
 * (GET /api/attendance/due), each with its date, part of the day and hours.
 */
import { Link } from 'react-router-dom';
import type { Session } from '../../../features/sessions/session.schemas';
import { Badge } from '../../components/Badge';
import { PageHeader } from '../../components/PageHeader';
import { Empty, ErrorState, Loading } from '../../components/States';
import { useI18n } from '../../lib/i18n';
import { useFormat, useOrganization } from '../../lib/organization';
import { slotName } from '../../lib/slots';
import { useAttendanceDue } from '../attendance/attendance.api';
import { useCurrentUser } from '../auth/auth.api';
import { Seats, SessionStatusBadge } from '../sessions/SessionStatusBadge';
import { useSessions } from '../sessions/sessions.api';

/** Today in the organisation's time zone, as YYYY-MM-DD. */
function todayIn(timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());
}

/** How far back the overview looks for unmarked slots. */
const DUE_DAYS = 14;

function addDays(date: string, days: number): string {
  const value = new Date(`${date}T12:00:00Z`);
  value.setUTCDate(value.getUTCDate() + days);
  return value.toISOString().slice(0, 10);
}

export function OverviewPage() {
  const { t } = useI18n();
  const format = useFormat();
  const organization = useOrganization();
  const me = useCurrentUser().data;
  const today = todayIn(organization?.timezone ?? 'Europe/Paris');
  const running = useSessions({ from: today, to: today, page_size: '50', sort: 'start_date' });
  const upcoming = useSessions({ from: addDays(today, 1), to: addDays(today, 60), page_size: '50', sort: 'start_date' });
  const current = useSessions({ from: today, page_size: '200', sort: 'start_date' });

  const todays = (running.data?.items ?? []).filter((session) => session.status !== 'cancelled');
  const next = (upcoming.data?.items ?? []).filter((session) => session.start_date > today && session.status !== 'cancelled').slice(0, 8);
  const full = (current.data?.items ?? []).filter((session) => session.status !== 'cancelled' && session.capacity_max !== null
    && session.enrolled_count / session.capacity_max >= 0.8);
  const due = useAttendanceDue(DUE_DAYS);

  function list(query: typeof running, sessions: Session[], empty: string, extra?: (session: Session) => React.ReactNode) {
    if (query.isPending) return <Loading />;
    if (query.isError) return <ErrorState error={query.error} onRetry={() => void query.refetch()} />;
    if (sessions.length === 0) return <Empty>{empty}</Empty>;
    return (
      <ul className="list">
        {sessions.map((session) => (
          <li key={session.id}>
            <span>
              <Link to={`/dashboard/sessions/${session.id}`}>{session.name}</Link>
              <span className="cell-sub">{session.formation_name} · {format.dateRange(session.start_date, session.end_date)}{session.teacher_name ? ` · ${session.teacher_name}` : ''}</span>
            </span>
            {extra ? extra(session) : <SessionStatusBadge status={session.status} />}
          </li>
        ))}
      </ul>
    );
  }

  function dueList() {
    if (due.isPending) return <Loading />;
    if (due.isError) return <ErrorState error={due.error} onRetry={() => void due.refetch()} />;
    if (due.data.items.length === 0) return <Empty>{t('overview.no_to_mark')}</Empty>;
    return (
      <ul className="list">
        {due.data.items.map((item) => {
          const slot = slotName(t, item);
          return (
            <li key={item.slot_id}>
              <span>
                <Link to={`/dashboard/sessions/${item.session_id}`}>{item.session_name}</Link>
                <span className="cell-sub">{item.formation_name} · {format.weekday(item.date)} · {slot} · {t('overview.unmarked', { unmarked: item.unmarked_count, enrolled: item.enrolled_count })}</span>
              </span>
              <Link
                className="btn btn-small btn-primary"
                to={`/dashboard/sessions/${item.session_id}/attendance`}
                aria-label={t('overview.mark_label', { session: item.session_name, date: format.date(item.date), slot })}
              >{t('overview.mark_now')}</Link>
            </li>
          );
        })}
      </ul>
    );
  }

  return (
    <>
      <PageHeader title={t('overview.title')} subtitle={<>{t('overview.welcome', { name: me?.user.full_name ?? me?.user.email ?? '' })} · {format.date(today, 'long')}</>} />
      <div className="stats">
        <div className="card stat"><div className="stat-value">{todays.length}</div><div className="stat-label">{t('overview.today')}</div></div>
        <div className="card stat"><div className="stat-value">{upcoming.data?.total ?? '—'}</div><div className="stat-label">{t('overview.upcoming')}</div></div>
        <div className="card stat"><div className="stat-value">{full.length}</div><div className="stat-label">{t('overview.full')}</div></div>
        <div className="card stat"><div className="stat-value">{due.data?.total ?? '—'}</div><div className="stat-label">{t('overview.to_mark')}</div></div>
      </div>
      <div className="grid-2">
        <section className="card" aria-labelledby="overview-today">
          <div className="card-header"><h2 id="overview-today">{t('overview.today')}</h2></div>
          {list(running, todays, t('overview.no_today'))}
        </section>
        <section className="card" aria-labelledby="overview-to-mark">
          <div className="card-header"><h2 id="overview-to-mark">{t('overview.to_mark')}</h2></div>
          <p className="muted card-note">{t('overview.to_mark_hint', { days: DUE_DAYS })}</p>
          {dueList()}
        </section>
        <section className="card" aria-labelledby="overview-upcoming">
          <div className="card-header"><h2 id="overview-upcoming">{t('overview.upcoming')}</h2></div>
          {list(upcoming, next, t('overview.no_upcoming'))}
        </section>
        <section className="card" aria-labelledby="overview-full">
          <div className="card-header"><h2 id="overview-full">{t('overview.full')}</h2></div>
          {list(current, full, t('overview.no_full'), (session) => (
            <span style={{ display: 'flex', gap: 8, alignItems: 'center' }}>
              <Seats session={session} />
              {session.waitlisted_count > 0 && <Badge tone="warning">{t('sessions.waitlisted_count', { count: session.waitlisted_count })}</Badge>}
            </span>
          ))}
        </section>
      </div>
    </>
  );
}
