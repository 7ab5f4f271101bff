/**
 * Weeks of calendar dates ('YYYY-MM-DD', UTC arithmetic, never shifted by a time zone) and the
 * layout of timed blocks in a week grid: blocks that share a moment sit side by side in lanes.
 * Pure, so the planning page can memoise it and tests can reason about it.
 */
import { type NonWorkingDay, isoWeekday, nonWorkingDay } from '../../shared/holidays';
import { minutesOfDay } from '../../shared/slots';

const MILLISECONDS_PER_DAY = 86_400_000;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

export function isCalendarDate(value: string): boolean {
  return ISO_DATE.test(value) && !Number.isNaN(Date.parse(`${value}T00:00:00Z`));
}

export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * MILLISECONDS_PER_DAY).toISOString().slice(0, 10);
}

/** The Monday of the week holding `date`. */
export function mondayOf(date: string): string {
  return addDays(date, 1 - isoWeekday(date));
}

/** Monday to Sunday of the week starting on `monday`. */
export function weekDates(monday: string): string[] {
  return Array.from({ length: 7 }, (_, index) => addDays(monday, index));
}

/** Today's calendar date in a time zone (the organisation's). */
export function todayIn(timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());
}

export type TimedBlock = { id: string; date: string; start_time: string; end_time: string };

export type PlacedBlock<B extends TimedBlock> = {
  block: B;
  /** Minutes since midnight. */
  start: number;
  end: number;
  /** Its lane, and the lanes of the group of blocks it overlaps (directly or through others). */
  lane: number;
  lanes: number;
};

export type DayLayout<B extends TimedBlock> = { date: string; blocks: PlacedBlock<B>[]; lanes: number };

/**
 * One column per date; in each, blocks in chronological order, each in the first lane free at
 * its start. A group of blocks that overlap one another shares its lane count, so they split
 * the column's width evenly. O(n log n) per day.
 */
export function layoutWeek<B extends TimedBlock>(dates: readonly string[], blocks: readonly B[]): DayLayout<B>[] {
  const byDate = new Map<string, B[]>(dates.map((date) => [date, []]));
  for (const block of blocks) byDate.get(block.date)?.push(block);
  return dates.map((date) => {
    const timed = (byDate.get(date) ?? [])
      .map((block) => ({ block, start: minutesOfDay(block.start_time), end: minutesOfDay(block.end_time), lane: 0, lanes: 1 }))
      .sort((left, right) => left.start - right.start || right.end - left.end);
    let dayLanes = 0;
    let group: PlacedBlock<B>[] = [];
    let groupEnd = -1;
    let laneEnds: number[] = [];
    const closeGroup = () => {
      for (const placed of group) placed.lanes = laneEnds.length;
      dayLanes = Math.max(dayLanes, laneEnds.length);
      group = [];
      laneEnds = [];
    };
    for (const placed of timed) {
      if (placed.start >= groupEnd) closeGroup();
      let lane = laneEnds.findIndex((end) => end <= placed.start);
      if (lane === -1) lane = laneEnds.push(placed.end) - 1;
      else laneEnds[lane] = placed.end;
      placed.lane = lane;
      group.push(placed);
      groupEnd = Math.max(groupEnd, placed.end);
    }
    closeGroup();
    return { date, blocks: timed, lanes: dayLanes };
  });
}

/** The hours a grid shows: `first`–`last` by default, widened to whole hours around any block. */
export function hourRange<B extends TimedBlock>(days: readonly DayLayout<B>[], first: number, last: number): { first: number; last: number } {
  let from = first * 60;
  let to = last * 60;
  for (const day of days) {
    for (const placed of day.blocks) {
      from = Math.min(from, placed.start);
      to = Math.max(to, placed.end);
    }
  }
  return { first: Math.floor(from / 60), last: Math.min(24, Math.ceil(to / 60)) };
}

/**
 * What a day's header says about it: a public holiday always, a Sunday only when something is
 * planned on it (every Sunday saying "Sunday" would be noise).
 */
export function dayFlag(country: string, day: { date: string; blocks: readonly unknown[] }): NonWorkingDay | null {
  const reason = nonWorkingDay(country, day.date);
  if (!reason) return null;
  return reason.kind === 'holiday' || day.blocks.length > 0 ? reason : null;
}
