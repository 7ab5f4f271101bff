import { describe, expect, it } from 'vitest';
import { type ScheduleSlot, buildAttendanceGrid, localDateTime } from './attendance-grid';

const session = { id: '00000000-0000-4000-8000-000000000001', name: 'S', status: 'ongoing', start_date: '2026-03-02', end_date: '2026-03-03' };
const student = { student_id: '00000000-0000-4000-8000-000000000002', first_name: 'A', last_name: 'B', student_number: null, enrollment_status: 'confirmed' };

function slot(id: number, date: string, part: 'morning' | 'afternoon', status = 'planned'): ScheduleSlot {
  const [start_time, end_time] = part === 'morning' ? ['09:00:00', '12:30:00'] : ['13:30:00', '17:00:00'];
  return { id: `00000000-0000-4000-8000-0000000001${String(id).padStart(2, '0')}`, date, start_time, end_time, part_of_day: part, module_title: null, status };
}

// Monday and Tuesday, a morning and an afternoon each; and a slot called off beside them.
const slots = [
  slot(1, '2026-03-02', 'morning'),
  slot(2, '2026-03-02', 'afternoon'),
  slot(3, '2026-03-03', 'morning'),
  slot(4, '2026-03-03', 'afternoon'),
];
const cancelled = slot(5, '2026-03-02', 'afternoon', 'cancelled');

describe('attendance grid', () => {
  it('reads the organisation’s local time, whatever the server’s time zone', () => {
    expect(localDateTime(new Date('2026-03-02T11:30:00Z'), 'Europe/Paris')).toBe('2026-03-02 12:30');
    expect(localDateTime(new Date('2026-07-01T22:15:00Z'), 'Europe/Paris')).toBe('2026-07-02 00:15');
    expect(localDateTime(new Date('2026-03-02T11:30:00Z'), 'Not/AZone')).toBe('2026-03-02 11:30');
  });

  it('counts a slot as elapsed from its end time, and unmarked elapsed slots against the rate', () => {
    const grid = buildAttendanceGrid({
      session, slots, roster: [student], now: '2026-03-02 17:00',
      marks: [
        { student_id: student.student_id, slot_id: slots[0]!.id, status: 'late', late_minutes: 300, notes: null },
        { student_id: student.student_id, slot_id: slots[2]!.id, status: 'excused', late_minutes: null, notes: null },
        // Not a slot of the session: neither shown nor counted.
        { student_id: student.student_id, slot_id: '00000000-0000-4000-8000-000000000199', status: 'present', late_minutes: null, notes: null },
      ],
    });
    expect(grid.slots.map((column) => column.elapsed)).toEqual([true, true, false, false]);
    expect(grid.slots[0]).toMatchObject({ start_time: '09:00', end_time: '12:30', minutes: 210 });
    expect(grid.students[0]?.cells.map((cell) => cell.attended_minutes)).toEqual([0, 0, 0, 0]);
    expect(grid.students[0]?.summary).toMatchObject({
      marked_slots: 2, elapsed_slots: 2, elapsed_minutes: 420, late_count: 1, excused_absence_count: 1,
      attended_minutes: 0, attendance_rate_marked: 50, attendance_rate_elapsed: 50, attended_minutes_rate: 0,
    });
  });

  it('counts a slot as started from its start time, before it has elapsed', () => {
    const grid = buildAttendanceGrid({ session, slots, roster: [student], marks: [], now: '2026-03-02 13:30' });
    expect(grid.slots.map((column) => [column.started, column.elapsed])).toEqual([[true, true], [true, false], [false, false], [false, false]]);
    expect(grid.students[0]?.summary).toMatchObject({ elapsed_slots: 1, elapsed_minutes: 210, attendance_rate_elapsed: 0, attendance_rate_marked: null });
  });

  it('leaves a cancelled slot out of the columns, the planned minutes and the rates', () => {
    const withCancelled = buildAttendanceGrid({
      session, slots: [...slots, cancelled], roster: [student], now: '2026-03-04 08:00',
      marks: [
        { student_id: student.student_id, slot_id: slots[0]!.id, status: 'present', late_minutes: null, notes: null },
        { student_id: student.student_id, slot_id: cancelled.id, status: 'present', late_minutes: null, notes: null },
      ],
    });
    expect(withCancelled.slots.map((column) => column.id)).toEqual(slots.map((column) => column.id));
    expect(withCancelled.students[0]?.cells.map((cell) => cell.slot_id)).not.toContain(cancelled.id);
    expect(withCancelled.students[0]?.summary).toMatchObject({
      planned_slots: 4, planned_minutes: 840, elapsed_slots: 4, marked_slots: 1, attended_minutes: 210,
      attendance_rate_elapsed: 25, attended_minutes_rate: 25,
    });
  });
});
