import { describe, expect, it } from 'vitest';
import { sessionHalfDays } from '../../shared/session-days';
import { buildAttendanceGrid, localDateTime } from './attendance-grid';

const session = { id: '00000000-0000-4000-8000-000000000001', name: 'S', status: 'ongoing', start_date: '2026-03-02', end_date: '2026-03-03' };
const halfDays = sessionHalfDays({ ...session, start_time: '09:00', am_end_time: '12:30', pm_start_time: '13:30', end_time: '17:00' });
const student = { student_id: '00000000-0000-4000-8000-000000000002', first_name: 'A', last_name: 'B', student_number: null, enrollment_status: 'confirmed' };

describe('attendance grid', () => {
  it('reads the organisation’s local time, whatever the server’s time zone', () => {
    expect(localDateTime(new Date('2026-03-02T11:30:00Z'), 'Europe/Paris')).toBe('2026-03-02 12:30');
    expect(localDateTime(new Date('2026-07-01T22:15:00Z'), 'Europe/Paris')).toBe('2026-07-02 00:15');
    expect(localDateTime(new Date('2026-03-02T11:30:00Z'), 'Not/AZone')).toBe('2026-03-02 11:30');
  });

  it('counts a half-day as elapsed from its end time, and unmarked elapsed half-days against the rate', () => {
    const grid = buildAttendanceGrid({
      session, halfDays, roster: [student], now: '2026-03-02 17:00',
      marks: [
        { student_id: student.student_id, date: '2026-03-02', slot: 'am', status: 'late', late_minutes: 300, notes: null },
        { student_id: student.student_id, date: '2026-03-03', slot: 'am', status: 'excused', late_minutes: null, notes: null },
        // Not a half-day of the session: neither shown nor counted.
        { student_id: student.student_id, date: '2026-03-04', slot: 'am', status: 'present', late_minutes: null, notes: null },
      ],
    });
    expect(grid.half_days.map((halfDay) => halfDay.elapsed)).toEqual([true, true, false, false]);
    expect(grid.students[0]?.cells.map((cell) => cell.attended_minutes)).toEqual([0, 0, 0, 0]);
    expect(grid.students[0]?.summary).toMatchObject({
      marked_half_days: 2, elapsed_half_days: 2, late_count: 1, excused_absence_count: 1,
      attended_minutes: 0, attendance_rate_marked: 50, attendance_rate_elapsed: 50,
    });
  });
});
