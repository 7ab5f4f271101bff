/**
 * A session's Planning tab: its slots as a list or a week grid (the view and the week are in
 * the URL), the total planned hours, and for admin and secretary the slot dialog, cancel,
 * delete and generation from a weekly pattern.
 */
import { useState } from 'react';
import type { Slot } from '../../../features/sessions/slot.schemas';
import { DeleteDialog } from '../../components/Dialog';
import { ErrorState, Loading } from '../../components/States';
import { useI18n } from '../../lib/i18n';
import { useFormat, useOrganization } from '../../lib/organization';
import { hoursOf, slotHours } from '../../lib/slots';
import { useUrlState } from '../../lib/url-state';
import { isCalendarDate, mondayOf, todayIn } from '../../lib/week';
import { useCanWrite } from '../auth/permissions';
import { useSessionContext } from '../sessions/SessionPage';
import { CancelSlotDialog } from './CancelSlotDialog';
import { GenerateDialog } from './GenerateDialog';
import { SessionWeek } from './SessionWeek';
import { SlotDialog } from './SlotDialog';
import { SlotTable } from './SlotTable';
import { useDeleteSlot, useSessionSlots } from './slots.api';

const KEYS = ['view', 'week'] as const;
type View = 'list' | 'week';

export function PlanningTab() {
  const { session } = useSessionContext();
  const { t } = useI18n();
  const format = useFormat();
  const organization = useOrganization();
  const canWrite = useCanWrite();
  const slots = useSessionSlots(session.id);
  const remove = useDeleteSlot(session.id);
  const { values, update } = useUrlState(KEYS);
  const [editing, setEditing] = useState<Slot | 'new' | null>(null);
  const [cancelling, setCancelling] = useState<Slot | null>(null);
  const [deleting, setDeleting] = useState<Slot | null>(null);
  const [generating, setGenerating] = useState(false);

  const view: View = values.view === 'week' ? 'week' : 'list';
  // The week asked for, else this week while the session runs, else its first week.
  const now = todayIn(organization?.timezone ?? 'Europe/Paris');
  const monday = isCalendarDate(values.week)
    ? mondayOf(values.week)
    : mondayOf(now >= session.start_date && now <= session.end_date ? now : session.start_date);

  if (slots.isPending) return <Loading />;
  if (slots.isError) return <ErrorState error={slots.error} onRetry={() => void slots.refetch()} />;
  const { items, planned_minutes: plannedMinutes } = slots.data;
  const cancelledCount = items.filter((slot) => slot.status === 'cancelled').length;

  return (
    <section aria-labelledby="session-planning-title">
      <div className="page-header planning-tab-header">
        <div>
          <h2 id="session-planning-title">{t('slots.title')}</h2>
          <p className="page-subtitle">
            {t('sessions.schedule_summary', {
              slots: t(items.length === 1 ? 'sessions.slot_count.one' : 'sessions.slot_count.other', { count: format.number(items.length) }),
              hours: format.number(hoursOf(plannedMinutes), 2),
            })}
            {cancelledCount > 0 && ` · ${t('slots.summary_cancelled', { count: cancelledCount })}`}
          </p>
        </div>
        <div className="page-actions">
          <div className="segmented" role="group" aria-label={t('slots.view')}>
            <button type="button" aria-pressed={view === 'list'} onClick={() => update({ view: null })}>{t('slots.view.list')}</button>
            <button type="button" aria-pressed={view === 'week'} onClick={() => update({ view: 'week' })}>{t('slots.view.week')}</button>
          </div>
          {canWrite && (
            <>
              <button type="button" className="btn" onClick={() => setGenerating(true)}>{t('slots.generate.open')}</button>
              <button type="button" className="btn btn-primary" onClick={() => setEditing('new')}>+ {t('slots.new')}</button>
            </>
          )}
        </div>
      </div>
      {view === 'list'
        ? <SlotTable session={session} slots={items} actions={canWrite ? { edit: setEditing, cancel: setCancelling, remove: setDeleting } : undefined} />
        : <SessionWeek session={session} slots={items} monday={monday} onWeek={(week) => update({ week })} onOpen={canWrite ? setEditing : undefined} />}
      {editing && (
        <SlotDialog
          session={session}
          slot={editing === 'new' ? undefined : editing}
          defaultDate={view === 'week' && monday > session.start_date && monday <= session.end_date ? monday : undefined}
          onClose={() => setEditing(null)}
        />
      )}
      {cancelling && <CancelSlotDialog sessionId={session.id} slot={cancelling} onClose={() => setCancelling(null)} />}
      {deleting && (
        <DeleteDialog
          title={t('slots.delete_title')}
          body={t('slots.delete_body', { date: format.date(deleting.date, 'long'), hours: slotHours(t, deleting) })}
          pending={remove.isPending}
          onClose={() => setDeleting(null)}
          onDeleted={() => setDeleting(null)}
          onDelete={(outcome) => remove.mutate(deleting.id, outcome)}
        />
      )}
      {generating && <GenerateDialog session={session} onClose={() => setGenerating(false)} />}
    </section>
  );
}
