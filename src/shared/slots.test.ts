import { describe, expect, it } from 'vitest';
import { type DayPart, DEFAULT_DAY_HOURS, calendarDates, dayPart, defaultPattern, generateSlots, partOfDayAt, plannedMinutes, slotMinutes, slotsOverlap } from './slots';

const MORNING: DayPart = { part_of_day: 'morning', start_time: '09:00', end_time: '12:30' };
const AFTERNOON: DayPart = { part_of_day: 'afternoon', start_time: '13:30', end_time: '17:00' };
const EVENING: DayPart = { part_of_day: 'evening', start_time: '18:00', end_time: '21:00' };
const WEEKDAYS = [1, 2, 3, 4, 5];

function pattern(from: string, to: string, overrides: Partial<Parameters<typeof generateSlots>[0]> = {}) {
  return { from, to, weekdays: WEEKDAYS, parts: [MORNING, AFTERNOON], skip_non_working_days: true, ...overrides };
}

describe('generateSlots', () => {
  it('skips Christmas in the week of 21 December 2026: four days of two slots, 25 December reported', () => {
    const { slots, skipped } = generateSlots(pattern('2026-12-21', '2026-12-27'), 'FR');
    expect(slots).toHaveLength(8);
    expect([...new Set(slots.map((slot) => slot.date))]).toEqual(['2026-12-21', '2026-12-22', '2026-12-23', '2026-12-24']);
    expect(slots[0]).toEqual({ date: '2026-12-21', part_of_day: 'morning', start_time: '09:00', end_time: '12:30', minutes: 210 });
    expect(slots[1]).toEqual({ date: '2026-12-21', part_of_day: 'afternoon', start_time: '13:30', end_time: '17:00', minutes: 210 });
    // The weekend is not one of the pattern's weekdays: not reported as skipped.
    expect(skipped).toEqual([{ date: '2026-12-25', kind: 'holiday', name: { fr: 'Noël', en: 'Christmas Day' } }]);
  });

  it('makes evening courses of 180 minutes from 18:00 to 21:00', () => {
    const { slots, skipped } = generateSlots(pattern('2026-03-02', '2026-03-06', { parts: [EVENING] }), 'FR');
    expect(slots).toHaveLength(5);
    expect(slots.every((slot) => slot.part_of_day === 'evening' && slot.start_time === '18:00' && slot.end_time === '21:00' && slot.minutes === 180)).toBe(true);
    expect(skipped).toEqual([]);
  });

  it('makes one morning a day with a morning-only pattern, and reads stored times with seconds', () => {
    const { slots } = generateSlots(pattern('2026-03-02', '2026-03-08', { parts: [{ part_of_day: 'morning', start_time: '08:30:00', end_time: '12:00:00' }] }), 'FR');
    expect(slots.map((slot) => [slot.date, slot.start_time, slot.end_time, slot.minutes])).toEqual([
      ['2026-03-02', '08:30', '12:00', 210],
      ['2026-03-03', '08:30', '12:00', 210],
      ['2026-03-04', '08:30', '12:00', 210],
      ['2026-03-05', '08:30', '12:00', 210],
      ['2026-03-06', '08:30', '12:00', 210],
    ]);
  });

  it('keeps only the weekdays asked for (Tuesday and Thursday), in date order, parts sorted by time', () => {
    const { slots } = generateSlots(pattern('2026-03-01', '2026-03-14', { weekdays: [4, 2], parts: [AFTERNOON, MORNING] }), 'FR');
    expect(slots.map((slot) => `${slot.date} ${slot.part_of_day}`)).toEqual([
      '2026-03-03 morning', '2026-03-03 afternoon',
      '2026-03-05 morning', '2026-03-05 afternoon',
      '2026-03-10 morning', '2026-03-10 afternoon',
      '2026-03-12 morning', '2026-03-12 afternoon',
    ]);
  });

  it('keeps holidays and Sundays when skip_non_working_days is false', () => {
    const { slots, skipped } = generateSlots(pattern('2026-12-21', '2026-12-27', { weekdays: [1, 2, 3, 4, 5, 6, 7], parts: [MORNING], skip_non_working_days: false }), 'FR');
    expect(slots.map((slot) => slot.date)).toEqual(calendarDates('2026-12-21', '2026-12-27'));
    expect(slots.map((slot) => slot.date)).toContain('2026-12-25');
    expect(skipped).toEqual([]);
  });

  it('reports a Sunday asked for as skipped while skipping is on', () => {
    const { slots, skipped } = generateSlots(pattern('2026-03-02', '2026-03-08', { weekdays: [6, 7], parts: [MORNING] }), 'FR');
    expect(slots.map((slot) => slot.date)).toEqual(['2026-03-07']);
    expect(skipped).toEqual([{ date: '2026-03-08', kind: 'sunday', name: { fr: 'Dimanche', en: 'Sunday' } }]);
  });

  it('counts a year of weekday mornings and afternoons: 261 weekdays of 2027 less its 7 weekday holidays', () => {
    const { slots, skipped } = generateSlots(pattern('2027-01-01', '2027-12-31'), 'FR');
    expect(skipped.map((day) => day.date)).toEqual(['2027-01-01', '2027-03-29', '2027-05-06', '2027-05-17', '2027-07-14', '2027-11-01', '2027-11-11']);
    expect(slots).toHaveLength((261 - 7) * 2);
    expect(slots.at(0)).toMatchObject({ date: '2027-01-04', part_of_day: 'morning' });
    expect(slots.at(-1)).toMatchObject({ date: '2027-12-31', part_of_day: 'afternoon' });
  });

  it('skips no holiday in a country it does not know, only Sundays', () => {
    const { slots, skipped } = generateSlots(pattern('2026-12-21', '2026-12-27', { weekdays: [5, 7], parts: [MORNING] }), 'ZZ');
    expect(slots.map((slot) => slot.date)).toEqual(['2026-12-25']);
    expect(skipped).toEqual([{ date: '2026-12-27', kind: 'sunday', name: { fr: 'Dimanche', en: 'Sunday' } }]);
  });

  it('makes nothing over a weekend of a weekday pattern, and reports nothing skipped', () => {
    expect(generateSlots(pattern('2026-03-07', '2026-03-08'), 'FR')).toEqual({ slots: [], skipped: [] });
  });
});

describe('the default pattern', () => {
  it('is weekdays, morning and afternoon at the organisation’s hours over the session’s dates', () => {
    const hours = { ...DEFAULT_DAY_HOURS, morning_start: '08:30:00', afternoon_end: '16:30:00' };
    expect(defaultPattern(hours, { start_date: '2026-03-02', end_date: '2026-03-06' })).toEqual({
      from: '2026-03-02',
      to: '2026-03-06',
      weekdays: [1, 2, 3, 4, 5],
      parts: [
        { part_of_day: 'morning', start_time: '08:30', end_time: '12:30' },
        { part_of_day: 'afternoon', start_time: '13:30', end_time: '16:30' },
      ],
      skip_non_working_days: true,
    });
    expect(dayPart(DEFAULT_DAY_HOURS, 'evening')).toEqual(EVENING);
  });
});

describe('slotsOverlap', () => {
  const slot = (date: string, start_time: string, end_time: string) => ({ date, start_time, end_time });

  it('does not count touching ends as an overlap', () => {
    expect(slotsOverlap(slot('2026-03-02', '09:00', '12:30'), slot('2026-03-02', '12:30', '14:00'))).toBe(false);
    expect(slotsOverlap(slot('2026-03-02', '12:30', '14:00'), slot('2026-03-02', '09:00', '12:30'))).toBe(false);
  });

  it('counts any shared minute, containment and equality, in either order', () => {
    expect(slotsOverlap(slot('2026-03-02', '09:00', '12:30'), slot('2026-03-02', '12:29', '14:00'))).toBe(true);
    expect(slotsOverlap(slot('2026-03-02', '09:00', '17:00'), slot('2026-03-02', '10:00', '11:00'))).toBe(true);
    expect(slotsOverlap(slot('2026-03-02', '10:00', '11:00'), slot('2026-03-02', '09:00', '17:00'))).toBe(true);
    expect(slotsOverlap(slot('2026-03-02', '09:00', '12:30'), slot('2026-03-02', '09:00:00', '12:30:00'))).toBe(true);
  });

  it('never overlaps slots of different dates', () => {
    expect(slotsOverlap(slot('2026-03-02', '09:00', '12:30'), slot('2026-03-03', '09:00', '12:30'))).toBe(false);
  });
});

describe('partOfDayAt', () => {
  it('is the morning before noon, the afternoon before 18:00, the evening after', () => {
    expect(partOfDayAt('00:00')).toBe('morning');
    expect(partOfDayAt('11:59')).toBe('morning');
    expect(partOfDayAt('12:00')).toBe('afternoon');
    expect(partOfDayAt('17:59:00')).toBe('afternoon');
    expect(partOfDayAt('18:00')).toBe('evening');
    expect(partOfDayAt('23:30')).toBe('evening');
  });
});

describe('plannedMinutes', () => {
  it('sums the minutes of the slots that are not cancelled', () => {
    const slots = [
      { start_time: '09:00', end_time: '12:30', status: 'planned' },
      { start_time: '13:30:00', end_time: '17:00:00', status: 'held' },
      { start_time: '18:00', end_time: '21:00', status: 'cancelled' },
    ];
    expect(slotMinutes(slots[0]!)).toBe(210);
    expect(plannedMinutes(slots)).toBe(420);
    expect(plannedMinutes([])).toBe(0);
    expect(plannedMinutes(slots.filter((slot) => slot.status === 'cancelled'))).toBe(0);
  });
});
