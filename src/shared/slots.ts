/**
 * A session's schedule is made of slots: a date, a start and an end time, a part of the day.
 * This module holds the rules every side shares (server, dashboard, benchmarks): the parts of
 * the day, minutes of a slot, overlap, and generation from a weekly pattern that skips Sundays
 * and public holidays. Pure and dependency-free.
 *
 * - Durations are whole minutes; times are 'HH:MM' (a stored '09:00:00' is accepted).
 * - Dates are calendar dates ('YYYY-MM-DD', UTC arithmetic), never instants, so no time zone
 *   can shift a day.
 * - A slot ends after it starts, on the same day: an evening course ends by midnight.
 */
import { type NonWorkingDay, isoWeekday, nonWorkingDay } from './holidays';

export const PARTS_OF_DAY = ['morning', 'afternoon', 'evening'] as const;
export type PartOfDay = (typeof PARTS_OF_DAY)[number];

export const SLOT_STATUSES = ['planned', 'held', 'cancelled'] as const;
export type SlotStatus = (typeof SLOT_STATUSES)[number];

export const TRAINER_ROLES = ['lead', 'co_trainer', 'assistant'] as const;
export type TrainerRole = (typeof TRAINER_ROLES)[number];

/** ISO weekdays, 1 = Monday … 7 = Sunday. */
export const WEEKDAYS = [1, 2, 3, 4, 5, 6, 7] as const;

/** The most slots one generation may create: two a day for ten years. */
export const MAX_GENERATED_SLOTS = 7400;

const MILLISECONDS_PER_DAY = 86_400_000;

/** Minutes since midnight of '09:00' or '09:00:00'. */
export function minutesOfDay(time: string): number {
  const match = /^(\d{2}):(\d{2})(?::(\d{2}))?/.exec(time);
  if (!match) throw new RangeError(`not a time of day: ${time}`);
  return Number(match[1]) * 60 + Number(match[2]);
}

/** '09:00:00' → '09:00'. */
export function formatTimeOfDay(time: string): string {
  const minutes = minutesOfDay(time);
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}

export function slotMinutes(slot: { start_time: string; end_time: string }): number {
  return minutesOfDay(slot.end_time) - minutesOfDay(slot.start_time);
}

/** The part of the day a slot starting at `startTime` belongs to when nobody says. */
export function partOfDayAt(startTime: string): PartOfDay {
  const minutes = minutesOfDay(startTime);
  if (minutes < 12 * 60) return 'morning';
  if (minutes < 18 * 60) return 'afternoon';
  return 'evening';
}

type TimedSlot = { date: string; start_time: string; end_time: string };

/** Do two slots share a moment? Touching ends (12:30 and 12:30) do not overlap. */
export function slotsOverlap(left: TimedSlot, right: TimedSlot): boolean {
  return left.date === right.date
    && minutesOfDay(left.start_time) < minutesOfDay(right.end_time)
    && minutesOfDay(right.start_time) < minutesOfDay(left.end_time);
}

export type DayPart = { part_of_day: PartOfDay; start_time: string; end_time: string };

export type SlotPattern = {
  from: string;
  to: string;
  /** ISO weekdays the course runs on. */
  weekdays: readonly number[];
  /** The parts of each of those days, e.g. a morning and an afternoon, or one evening. */
  parts: readonly DayPart[];
  /** Leave out Sundays and the country's public holidays (true unless said otherwise). */
  skip_non_working_days: boolean;
};

export type GeneratedSlot = DayPart & { date: string; minutes: number };
export type SkippedDate = { date: string } & NonWorkingDay;

/** The organisation's usual hours, as stored on `organizations`. */
export type DayHours = {
  morning_start: string; morning_end: string;
  afternoon_start: string; afternoon_end: string;
  evening_start: string; evening_end: string;
};

export const DEFAULT_DAY_HOURS: DayHours = {
  morning_start: '09:00', morning_end: '12:30',
  afternoon_start: '13:30', afternoon_end: '17:00',
  evening_start: '18:00', evening_end: '21:00',
};

/** The hours of one part of the day in an organisation. */
export function dayPart(hours: DayHours, part: PartOfDay): DayPart {
  const start = hours[`${part}_start`];
  const end = hours[`${part}_end`];
  return { part_of_day: part, start_time: formatTimeOfDay(start), end_time: formatTimeOfDay(end) };
}

/** The default pattern of a session: weekdays, morning and afternoon at the organisation's hours. */
export function defaultPattern(hours: DayHours, dates: { start_date: string; end_date: string }): SlotPattern {
  return {
    from: dates.start_date,
    to: dates.end_date,
    weekdays: [1, 2, 3, 4, 5],
    parts: [dayPart(hours, 'morning'), dayPart(hours, 'afternoon')],
    skip_non_working_days: true,
  };
}

function parseCalendarDate(date: string): number {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!match) throw new RangeError(`not a calendar date: ${date}`);
  return Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]));
}

/** The dates from `from` to `to` inclusive. */
export function calendarDates(from: string, to: string): string[] {
  const dates: string[] = [];
  for (let day = parseCalendarDate(from); day <= parseCalendarDate(to); day += MILLISECONDS_PER_DAY) {
    dates.push(new Date(day).toISOString().slice(0, 10));
  }
  return dates;
}

/**
 * The slots of a pattern, in chronological order, and the dates it left out because they are
 * Sundays or public holidays of `country` (only dates on one of the pattern's weekdays).
 */
export function generateSlots(pattern: SlotPattern, country: string): { slots: GeneratedSlot[]; skipped: SkippedDate[] } {
  const weekdays = new Set(pattern.weekdays);
  const parts = [...pattern.parts].sort((left, right) => minutesOfDay(left.start_time) - minutesOfDay(right.start_time));
  const slots: GeneratedSlot[] = [];
  const skipped: SkippedDate[] = [];
  for (const date of calendarDates(pattern.from, pattern.to)) {
    if (!weekdays.has(isoWeekday(date))) continue;
    if (pattern.skip_non_working_days) {
      const reason = nonWorkingDay(country, date);
      if (reason) {
        skipped.push({ date, ...reason });
        continue;
      }
    }
    for (const part of parts) {
      slots.push({
        date,
        part_of_day: part.part_of_day,
        start_time: formatTimeOfDay(part.start_time),
        end_time: formatTimeOfDay(part.end_time),
        minutes: slotMinutes(part),
      });
    }
  }
  return { slots, skipped };
}

/** The planned minutes of a schedule: the sum of its slots that are not cancelled. */
export function plannedMinutes(slots: readonly { start_time: string; end_time: string; status: string }[]): number {
  return slots.reduce((total, slot) => (slot.status === 'cancelled' ? total : total + slotMinutes(slot)), 0);
}
