import { describe, expect, it } from 'vitest';
import { formatTimeOfDay, minutesOfDay, sessionDates, sessionHalfDays, sessionScheduledMinutes } from './session-days';

const week = {
  // Monday 2 March 2026 to Sunday 8 March 2026
  start_date: '2026-03-02',
  end_date: '2026-03-08',
  start_time: '09:00:00',
  am_end_time: '12:30:00',
  pm_start_time: '13:30:00',
  end_time: '17:00:00',
};

describe('sessionHalfDays', () => {
  it('splits each weekday into a morning and an afternoon with their times and minutes', () => {
    const days = sessionHalfDays({ ...week, end_date: '2026-03-02' });
    expect(days).toEqual([
      { date: '2026-03-02', slot: 'am', start_time: '09:00', end_time: '12:30', minutes: 210 },
      { date: '2026-03-02', slot: 'pm', start_time: '13:30', end_time: '17:00', minutes: 210 },
    ]);
  });

  it('leaves out Saturdays and Sundays by default', () => {
    const days = sessionHalfDays(week);
    expect(days).toHaveLength(10);
    expect(new Set(days.map((day) => day.date))).toEqual(
      new Set(['2026-03-02', '2026-03-03', '2026-03-04', '2026-03-05', '2026-03-06']),
    );
  });

  it('includes weekends on request', () => {
    expect(sessionHalfDays(week, { includeWeekends: true })).toHaveLength(14);
    expect(sessionDates(week, { includeWeekends: true }).at(-1)).toBe('2026-03-08');
  });

  it('returns nothing for a session held only on a weekend', () => {
    expect(sessionHalfDays({ ...week, start_date: '2026-03-07', end_date: '2026-03-08' })).toEqual([]);
  });

  it('leaves out a half-day of zero minutes', () => {
    const afternoonOnly = { ...week, end_date: '2026-03-02', start_time: '13:30', am_end_time: '13:30', pm_start_time: '13:30' };
    expect(sessionHalfDays(afternoonOnly)).toEqual([
      { date: '2026-03-02', slot: 'pm', start_time: '13:30', end_time: '17:00', minutes: 210 },
    ]);
  });

  it('crosses month, year and leap-day boundaries as calendar dates', () => {
    expect(sessionDates({ start_date: '2028-02-28', end_date: '2028-03-01' })).toEqual(['2028-02-28', '2028-02-29', '2028-03-01']);
    expect(sessionDates({ start_date: '2025-12-31', end_date: '2026-01-02' })).toEqual(['2025-12-31', '2026-01-01', '2026-01-02']);
  });

  it('returns nothing when the dates are reversed (legacy rows)', () => {
    expect(sessionHalfDays({ ...week, start_date: '2026-03-05', end_date: '2026-03-02' })).toEqual([]);
  });

  it('sums the scheduled minutes', () => {
    expect(sessionScheduledMinutes(week)).toBe(10 * 210);
  });
});

describe('times of day', () => {
  it('reads HH:MM and HH:MM:SS and formats as HH:MM', () => {
    expect(minutesOfDay('09:05')).toBe(545);
    expect(minutesOfDay('23:59:59')).toBe(1439);
    expect(formatTimeOfDay('08:30:00')).toBe('08:30');
    expect(() => minutesOfDay('nine')).toThrow(RangeError);
  });
});
