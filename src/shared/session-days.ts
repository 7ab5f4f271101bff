/**
 * A session's addressable half-days: every training date between start_date and end_date, each
 * split into a morning (`am`: start_time → am_end_time) and an afternoon (`pm`: pm_start_time →
 * end_time). Attendance rows and, later, signature slots hang off (date, slot).
 *
 * Pure and dependency-free so that attendance, signatures and the dashboard can share it.
 * Rules:
 * - Saturdays and Sundays are left out unless `includeWeekends` is set: training days are
 *   weekdays.
 * - A half-day of zero minutes (e.g. am_end_time = start_time for an afternoon-only session) is
 *   not a slot and is left out.
 * - Durations are whole minutes; times are returned as 'HH:MM'.
 * Dates are handled as calendar dates (UTC arithmetic), never as instants, so the server's time
 * zone cannot shift a day.
 */

export type HalfDaySlot = 'am' | 'pm';

export type SessionSchedule = {
  start_date: string;
  end_date: string;
  start_time: string;
  am_end_time: string;
  pm_start_time: string;
  end_time: string;
};

export type SessionHalfDay = {
  date: string;
  slot: HalfDaySlot;
  start_time: string;
  end_time: string;
  minutes: number;
};

export type SessionHalfDayOptions = {
  includeWeekends?: boolean;
};

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

function parseCalendarDate(date: string): number {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!match) throw new RangeError(`not a calendar date: ${date}`);
  return Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]));
}

function formatCalendarDate(epochMilliseconds: number): string {
  return new Date(epochMilliseconds).toISOString().slice(0, 10);
}

function isWeekend(epochMilliseconds: number): boolean {
  const weekday = new Date(epochMilliseconds).getUTCDay();
  return weekday === 0 || weekday === 6;
}

/** The dates a session runs on, start to end inclusive (weekdays only unless told otherwise). */
export function sessionDates(session: Pick<SessionSchedule, 'start_date' | 'end_date'>, options: SessionHalfDayOptions = {}): string[] {
  const first = parseCalendarDate(session.start_date);
  const last = parseCalendarDate(session.end_date);
  const dates: string[] = [];
  for (let day = first; day <= last; day += MILLISECONDS_PER_DAY) {
    if (options.includeWeekends || !isWeekend(day)) dates.push(formatCalendarDate(day));
  }
  return dates;
}

/** Every (date, am|pm) half-day of the session, in chronological order. */
export function sessionHalfDays(session: SessionSchedule, options: SessionHalfDayOptions = {}): SessionHalfDay[] {
  const slots = [
    { slot: 'am' as const, start: session.start_time, end: session.am_end_time },
    { slot: 'pm' as const, start: session.pm_start_time, end: session.end_time },
  ]
    .map(({ slot, start, end }) => ({
      slot,
      start_time: formatTimeOfDay(start),
      end_time: formatTimeOfDay(end),
      minutes: minutesOfDay(end) - minutesOfDay(start),
    }))
    .filter((slot) => slot.minutes > 0);
  return sessionDates(session, options).flatMap((date) => slots.map((slot) => ({ date, ...slot })));
}

/** Total scheduled minutes of the session (the sum of its half-days). */
export function sessionScheduledMinutes(session: SessionSchedule, options: SessionHalfDayOptions = {}): number {
  return sessionHalfDays(session, options).reduce((total, halfDay) => total + halfDay.minutes, 0);
}
