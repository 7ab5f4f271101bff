/**
 * How the dashboard names a slot of a session's schedule: its part of the day and its hours
 * ("Matin 09:00–12:30"), the same words in the grid, the overview and the forms. Durations are
 * shown in hours from the API's whole minutes.
 */
import { type PartOfDay, formatTimeOfDay } from '../../shared/slots';
import type { Translate } from './i18n';

type TimedSlot = { part_of_day: PartOfDay; start_time: string; end_time: string };

export function partOfDayName(t: Translate, part: PartOfDay): string {
  return t(`slot.part.${part}`);
}

/** '09:00–12:30' */
export function slotHours(t: Translate, slot: Pick<TimedSlot, 'start_time' | 'end_time'>): string {
  return t('slot.hours', { start: formatTimeOfDay(slot.start_time), end: formatTimeOfDay(slot.end_time) });
}

/** 'Matin 09:00–12:30': tells two slots of one day apart, even two in the same part of it. */
export function slotName(t: Translate, slot: TimedSlot): string {
  return `${partOfDayName(t, slot.part_of_day)} ${slotHours(t, slot)}`;
}

/** Minutes as hours, to the hundredth (210 → 3.5), for display only. */
export function hoursOf(minutes: number): number {
  return Math.round((minutes / 60) * 100) / 100;
}
