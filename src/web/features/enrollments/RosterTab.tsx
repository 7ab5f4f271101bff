/**
 * The session's roster: enroll by searching learners, confirmed then waitlisted in order, cancel;
 * each enrollment's payment, which the accountant records too.
 */
import { useState } from 'react';
import { z } from 'zod';
import { PAYMENT_STATUSES, type PaymentStatus, type rosterEntry } from '../../../features/enrollments/enrollment.schemas';
import { Badge, type BadgeTone } from '../../components/Badge';
import { type Column, DataTable } from '../../components/DataTable';
import { ConfirmDialog } from '../../components/Dialog';
import { SelectField } from '../../components/Field';
import { FilterBar } from '../../components/FilterBar';
import { SearchInput } from '../../components/SearchInput';
import { ErrorState, Loading } from '../../components/States';
import { useToast } from '../../components/Toast';
import { describeError } from '../../lib/errors';
import { useI18n } from '../../lib/i18n';
import { useFormat } from '../../lib/organization';
import { useCan, useCanWrite } from '../auth/permissions';
import { useSessionContext } from '../sessions/SessionPage';
import { useStudents } from '../students/students.api';
import { useCancelEnrollment, useEnroll, useRoster } from './enrollments.api';
import { PaymentDialog } from './PaymentDialog';

type RosterEntry = z.infer<typeof rosterEntry>;

function fullName(student: { first_name: string; last_name: string }): string {
  return `${student.first_name} ${student.last_name}`;
}

const PAYMENT_TONES: Record<PaymentStatus, BadgeTone> = {
  pending: 'neutral', partial: 'info', paid: 'success', overdue: 'danger', refunded: 'neutral', waived: 'neutral',
};

export function RosterTab() {
  const { session } = useSessionContext();
  const { t } = useI18n();
  const format = useFormat();
  const toast = useToast();
  const canWrite = useCanWrite();
  const canRecordPayments = useCan('recordPayments');
  const [paymentFilter, setPaymentFilter] = useState('');
  const [editingPayment, setEditingPayment] = useState<RosterEntry | null>(null);
  const rosterQuery = useRoster(session.id);
  const cancel = useCancelEnrollment(session.id);
  const [cancelling, setCancelling] = useState<RosterEntry | null>(null);

  if (rosterQuery.isPending) return <Loading />;
  if (rosterQuery.isError) return <ErrorState error={rosterQuery.error} onRetry={() => void rosterQuery.refetch()} />;
  const entries = rosterQuery.data.items;
  const confirmed = entries.filter((entry) => entry.status !== 'waitlisted' && entry.status !== 'cancelled');
  const shownConfirmed = paymentFilter === '' ? confirmed : confirmed.filter((entry) => entry.payment_status === paymentFilter);
  const waitlisted = entries.filter((entry) => entry.status === 'waitlisted')
    .sort((a, b) => (a.waitlist_position ?? 0) - (b.waitlist_position ?? 0));
  const names = new Map(entries.map((entry) => [entry.student_id, fullName(entry.student)]));

  const actions: Column<RosterEntry> = {
    key: 'actions', header: <span className="visually-hidden">{t('common.actions')}</span>, align: 'end',
    render: (entry) => (
      <div className="row-actions">
        {canRecordPayments && entry.status !== 'waitlisted' && (
          <button type="button" className="btn btn-small" aria-label={`${t('roster.payment_edit')}${t('common.colon')}${fullName(entry.student)}`} onClick={() => setEditingPayment(entry)}>
            {t('roster.payment_edit')}
          </button>
        )}
        {canWrite && (
          <button type="button" className="btn btn-small" aria-label={`${t('roster.cancel')}${t('common.colon')}${fullName(entry.student)}`} onClick={() => setCancelling(entry)}>
            {t('roster.cancel')}
          </button>
        )}
      </div>
    ),
  };
  const paymentColumn: Column<RosterEntry> = {
    key: 'payment', header: t('roster.payment'),
    render: (entry) => (
      <>
        <Badge tone={PAYMENT_TONES[entry.payment_status]}>{t(`payment.status.${entry.payment_status}`)}</Badge>
        {entry.amount_due !== null && <span className="cell-sub">{t('roster.payment_amounts', { paid: format.money(entry.amount_paid), due: format.money(entry.amount_due) })}</span>}
      </>
    ),
  };
  const studentColumn: Column<RosterEntry> = {
    key: 'student', header: t('roster.student'),
    render: (entry) => <>{fullName(entry.student)}<span className="cell-sub">{[entry.student.student_number, entry.student.email].filter(Boolean).join(' · ')}</span></>,
  };
  const confirmedColumns: Column<RosterEntry>[] = [
    studentColumn,
    { key: 'date', header: t('roster.enrolled_at'), render: (entry) => format.date(entry.enrollment_date) },
    { key: 'status', header: t('common.status'), render: (entry) => <Badge tone={entry.status === 'confirmed' ? 'success' : 'neutral'}>{t(`roster.status.${entry.status}`)}</Badge> },
    paymentColumn,
    ...(canWrite || canRecordPayments ? [actions] : []),
  ];
  const waitlistColumns: Column<RosterEntry>[] = [
    { key: 'position', header: t('roster.position'), render: (entry) => <Badge tone="warning">#{entry.waitlist_position}</Badge> },
    studentColumn,
    { key: 'date', header: t('roster.enrolled_at'), render: (entry) => format.dateTime(entry.enrolled_at) },
    ...(canWrite ? [actions] : []),
  ];

  return (
    <>
      {canWrite && <EnrollPanel sessionId={session.id} enrolledIds={new Set(entries.map((entry) => entry.student_id))} />}
      <FilterBar label={t('roster.payment_filter')} onReset={() => setPaymentFilter('')} active={paymentFilter !== ''}>
        <SelectField label={t('roster.payment')} value={paymentFilter} onChange={(event) => setPaymentFilter(event.target.value)}>
          <option value="">{t('common.all')}</option>
          {PAYMENT_STATUSES.map((status) => <option key={status} value={status}>{t(`payment.status.${status}`)}</option>)}
        </SelectField>
      </FilterBar>
      <section className="card" aria-labelledby="roster-confirmed">
        <div className="card-header">
          <h2 id="roster-confirmed">{t('roster.confirmed')}</h2>
          <span className="row-actions">
            <Badge tone="accent">{session.capacity_max === null ? confirmed.length : `${confirmed.length} / ${session.capacity_max}`}</Badge>
            <a className="btn btn-small" href={`/api/sessions/${session.id}/export/enrollments.csv`} download>{t('roster.export_csv')}</a>
          </span>
        </div>
        <DataTable caption={t('roster.confirmed')} columns={confirmedColumns} rows={shownConfirmed} rowKey={(entry) => entry.id} empty={t(paymentFilter === '' ? 'roster.no_confirmed' : 'roster.no_payment_match')} />
      </section>
      <section className="card" aria-labelledby="roster-waitlist">
        <div className="card-header"><h2 id="roster-waitlist">{t('roster.waitlist')}</h2><Badge tone="warning">{waitlisted.length}</Badge></div>
        <DataTable caption={t('roster.waitlist')} columns={waitlistColumns} rows={waitlisted} rowKey={(entry) => entry.id} empty={t('roster.no_waitlist')} />
      </section>
      {editingPayment && <PaymentDialog entry={editingPayment} sessionId={session.id} onClose={() => setEditingPayment(null)} />}
      {cancelling && (
        <ConfirmDialog
          title={t('roster.cancel_title')}
          body={t('roster.cancel_body', { name: fullName(cancelling.student) })}
          confirmLabel={t('roster.cancel')}
          pending={cancel.isPending}
          onClose={() => setCancelling(null)}
          onConfirm={() => cancel.mutate(cancelling.id, {
            onSuccess: (result) => {
              toast.success(t('roster.cancelled'));
              if (result.promoted.length > 0) {
                toast.info(t('roster.promoted', { names: result.promoted.map((promoted) => names.get(promoted.student_id) ?? promoted.student_id).join(', ') }));
              }
              setCancelling(null);
            },
            onError: (error) => {
              toast.error(describeError(error, t));
              setCancelling(null);
            },
          })}
        />
      )}
    </>
  );
}

function EnrollPanel({ sessionId, enrolledIds }: { sessionId: string; enrolledIds: Set<string> }) {
  const { t } = useI18n();
  const toast = useToast();
  const [q, setQ] = useState('');
  const search = useStudents({ q, page_size: '8', sort: 'last_name' }, { enabled: q.trim().length >= 2 });
  const enroll = useEnroll(sessionId);

  return (
    <section className="card" aria-labelledby="roster-enroll">
      <div className="card-header"><h2 id="roster-enroll">{t('roster.enroll')}</h2></div>
      <div className="card-body">
        <SearchInput label={t('roster.search_student')} value={q} onChange={setQ} />
        <p className="field-hint">{t('roster.search_hint')}</p>
        {q.trim().length >= 2 && (search.isPending ? <Loading /> : search.isError ? <ErrorState error={search.error} /> : (
          <ul className="list" aria-label={t('common.search')}>
            {search.data.items.length === 0 && <li className="muted">{t('roster.no_match')}</li>}
            {search.data.items.map((student) => {
              const name = fullName(student);
              return (
                <li key={student.id}>
                  <span>{name}<span className="cell-sub">{[student.student_number, student.email, student.employer].filter(Boolean).join(' · ')}</span></span>
                  {enrolledIds.has(student.id) ? <Badge>{t('roster.already')}</Badge> : (
                    <button
                      type="button"
                      className="btn btn-small btn-primary"
                      aria-label={`${t('roster.enroll_action')} ${name}`}
                      disabled={enroll.isPending}
                      onClick={() => enroll.mutate(student.id, {
                        onSuccess: (created) => {
                          if (created.status === 'waitlisted') toast.info(t('roster.enrolled_waitlisted', { name, position: created.waitlist_position ?? '?' }));
                          else toast.success(t('roster.enrolled_confirmed', { name }));
                        },
                        onError: (error) => toast.error(describeError(error, t)),
                      })}
                    >
                      {t('roster.enroll_action')}
                    </button>
                  )}
                </li>
              );
            })}
          </ul>
        ))}
      </div>
    </section>
  );
}
