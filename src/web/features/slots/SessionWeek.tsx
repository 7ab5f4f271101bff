/** One week of the session's schedule on the week grid; a writer opens a slot by clicking it. */
import { useMemo } from 'react';
import type { Session } from '../../../features/sessions/session.schemas';
import type { Slot } from '../../../features/sessions/slot.schemas';
import { WeekGrid, WeekNavigation } from '../../components/WeekGrid';
import { useI18n } from '../../lib/i18n';
import { useFormat, useOrganization } from '../../lib/organization';
import { partOfDayName, slotHours } from '../../lib/slots';
import { addDays, dayFlag, layoutWeek, mondayOf, todayIn, weekDates } from '../../lib/week';
import { slotPlace, slotTrainers } from './slot-text';

export function SessionWeek({ session, slots, monday, onWeek, onOpen }: {
  session: Session;
  slots: Slot[];
  monday: string;
  onWeek: (monday: string) => void;
  /** Opens a slot for editing; read-only without it. */
  onOpen?: (slot: Slot) => void;
}) {
  const { t, language } = useI18n();
  const format = useFormat();
  const organization = useOrganization();
  const country = organization?.country ?? 'FR';
  const days = useMemo(() => {
    const sunday = addDays(monday, 6);
    return layoutWeek(weekDates(monday), slots.filter((slot) => slot.date >= monday && slot.date <= sunday));
  }, [monday, slots]);
  const firstWeek = mondayOf(session.start_date);
  const inWeek = days.reduce((count, day) => count + day.blocks.length, 0);

  function renderSlot(slot: Slot) {
    const place = slotPlace(slot, session).text;
    const content = (
      <>
        <span className="slot-block-time">{slotHours(t, slot)}</span>
        <strong className="slot-block-title">{slot.module_title ?? partOfDayName(t, slot.part_of_day)}</strong>
        {slot.status === 'cancelled' && <span className="slot-block-line">{t('slots.status.cancelled')}</span>}
        {place && <span className="slot-block-line">{place}</span>}
        <span className="slot-block-line">{slotTrainers(t, slot, session).text}</span>
      </>
    );
    const className = `slot-block ${slot.status === 'cancelled' ? 'is-cancelled' : ''}`;
    return onOpen
      ? <button type="button" className={className} onClick={() => onOpen(slot)} title={t('slots.edit')}>{content}</button>
      : <div className={className}>{content}</div>;
  }

  return (
    <>
      <WeekNavigation monday={monday} onChange={onWeek}>
        <button type="button" className="btn btn-small" disabled={monday === firstWeek} onClick={() => onWeek(firstWeek)}>{t('slots.first_week')}</button>
      </WeekNavigation>
      {inWeek === 0 && <p className="muted">{t('slots.week_empty')}</p>}
      <WeekGrid
        label={t('slots.week_label', { name: session.name })}
        days={days}
        today={todayIn(organization?.timezone ?? 'Europe/Paris')}
        dayLabel={(date) => format.weekday(date)}
        dayFlag={(day) => dayFlag(country, day)?.name[language] ?? null}
        renderBlock={renderSlot}
      />
    </>
  );
}
