/**
 * The session's slots as a table, in chronological order, with edit / cancel / delete for those
 * who write. The date cell carries the weekday and the Sunday / holiday flag, the hours cell the
 * part of the day and the length, so the table fits beside the sidebar.
 */
import type { Session } from '../../../features/sessions/session.schemas';
import type { Slot } from '../../../features/sessions/slot.schemas';
import { Badge, type BadgeTone } from '../../components/Badge';
import { type Column, DataTable } from '../../components/DataTable';
import { useI18n } from '../../lib/i18n';
import { useFormat } from '../../lib/organization';
import { hoursOf, partOfDayName, slotHours } from '../../lib/slots';
import { nonWorkingDayName, slotPlace, slotTrainers } from './slot-text';

const STATUS_TONES: Record<Slot['status'], BadgeTone> = { planned: 'info', held: 'success', cancelled: 'neutral' };

export type SlotActions = { edit: (slot: Slot) => void; cancel: (slot: Slot) => void; remove: (slot: Slot) => void };

export function SlotTable({ session, slots, actions }: { session: Session; slots: Slot[]; actions?: SlotActions }) {
  const { t, language } = useI18n();
  const format = useFormat();
  const weekday = new Intl.DateTimeFormat(format.locale, { weekday: 'long', timeZone: 'UTC' });
  const describe = (slot: Slot) => `${format.date(slot.date)} ${slotHours(t, slot)}`;

  const columns: Column<Slot>[] = [
    {
      key: 'date', header: t('slots.date'),
      render: (slot) => {
        const flag = nonWorkingDayName(slot, language);
        return (
          <>
            <span className="nowrap">{format.date(slot.date)}</span>
            <span className="cell-sub">{weekday.format(new Date(`${slot.date}T12:00:00Z`))}</span>
            {flag && <Badge tone="warning">⚑ {flag}</Badge>}
          </>
        );
      },
    },
    {
      key: 'hours', header: t('slots.hours'),
      render: (slot) => (
        <>
          <span className={`nowrap ${slot.status === 'cancelled' ? 'struck' : ''}`}>{slotHours(t, slot)}</span>
          <span className="cell-sub nowrap">{partOfDayName(t, slot.part_of_day)} · {t('slots.hours_value', { hours: format.number(hoursOf(slot.minutes), 2) })}</span>
        </>
      ),
    },
    { key: 'module', header: t('slots.module_title'), render: (slot) => slot.module_title ?? '—' },
    {
      key: 'place', header: t('slots.location'),
      render: (slot) => {
        const place = slotPlace(slot, session);
        return (
          <>
            <span className={place.inherited ? 'muted' : undefined}>{place.text ?? '—'}</span>
            {slot.virtual_room_url && <a className="cell-sub" href={slot.virtual_room_url} target="_blank" rel="noreferrer">{t('slots.virtual_room')}</a>}
          </>
        );
      },
    },
    {
      key: 'trainers', header: t('slots.trainers'),
      render: (slot) => {
        const trainers = slotTrainers(t, slot, session);
        return <span className={trainers.inherited ? 'muted' : undefined}>{trainers.text}</span>;
      },
    },
    {
      key: 'status', header: t('common.status'),
      render: (slot) => (
        <>
          <Badge tone={STATUS_TONES[slot.status]}>{t(`slots.status.${slot.status}`)}</Badge>
          {slot.cancellation_reason && <span className="cell-sub">{slot.cancellation_reason}</span>}
        </>
      ),
    },
    { key: 'marks', header: t('slots.marks'), align: 'end', render: (slot) => slot.marked_count },
  ];
  if (actions) {
    columns.push({
      key: 'actions', header: <span className="visually-hidden">{t('common.actions')}</span>, align: 'end',
      render: (slot) => (
        <span className="row-actions">
          <button type="button" className="btn btn-small" aria-label={t('slots.edit_label', { slot: describe(slot) })} onClick={() => actions.edit(slot)}>{t('common.edit')}</button>
          {slot.status !== 'cancelled' && (
            <button type="button" className="btn btn-small" aria-label={t('slots.cancel_label', { slot: describe(slot) })} onClick={() => actions.cancel(slot)}>{t('slots.cancel')}</button>
          )}
          <button type="button" className="btn btn-small" aria-label={t('slots.delete_label', { slot: describe(slot) })} onClick={() => actions.remove(slot)}>{t('common.delete')}</button>
        </span>
      ),
    });
  }
  return <DataTable caption={t('slots.list_caption', { name: session.name })} columns={columns} rows={slots} rowKey={(slot) => slot.id} empty={t('slots.empty')} />;
}
