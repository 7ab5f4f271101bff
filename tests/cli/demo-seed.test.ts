import { sql } from 'kysely';
import { expect, it } from 'vitest';
import { seedDemo } from '../../src/seed/demo';
import { isoWeekday, nonWorkingDay } from '../../src/shared/holidays';
import { describeEachEngine } from '../support/engines';

describeEachEngine('demo seed', (ctx) => {
  it('creates one French training centre with past, current and future sessions, once', async () => {
    const result = await seedDemo(ctx.db, { today: new Date(2026, 10, 26) });
    expect(result.created).toBe(true);
    if (!result.created) return;
    expect(result.counts).toMatchObject({ programs: 3, formations: 8, sessions: 20, students: 60 });
    expect(result.counts.slots).toBeGreaterThan(100);
    expect(result.counts.enrollments).toBeGreaterThan(100);
    expect(result.counts.attendance).toBeGreaterThan(100);
    expect(result.counts.grades).toBeGreaterThan(20);

    const statuses = await sql<{ status: string; n: number }>`
      select status, count(*)::int as n from sessions group by status order by status`.execute(ctx.db);
    const byStatus = Object.fromEntries(statuses.rows.map((row) => [row.status, row.n]));
    expect(byStatus.completed).toBeGreaterThan(0);
    expect(byStatus.ongoing).toBeGreaterThan(0);
    expect(byStatus.planned).toBeGreaterThan(0);

    // No session over capacity: the rest of the queue waits.
    const overbooked = await sql<{ n: number }>`
      select count(*)::int as n from sessions s
      where s.capacity_max < (select count(*) from enrollments e where e.session_id = s.id and e.status in ('confirmed', 'pending'))`.execute(ctx.db);
    expect(overbooked.rows[0]!.n).toBe(0);
    const waitlisted = await sql<{ n: number }>`select count(*)::int as n from enrollments where status = 'waitlisted'`.execute(ctx.db);
    expect(waitlisted.rows[0]!.n).toBeGreaterThan(0);

    // Attendance only on weekdays, only inside the session, never in the future.
    const misplaced = await sql<{ n: number }>`
      select count(*)::int as n from attendance a join sessions s on s.id = a.session_id
      where extract(isodow from a.date) > 5 or a.date < s.start_date or a.date > s.end_date or a.date >= date '2026-11-26'`.execute(ctx.db);
    expect(misplaced.rows[0]!.n).toBe(0);
    // Every mark sits on a slot of its session, on the slot's date; every slot lies within its
    // session's dates, on a weekday that is no public holiday.
    const offSlot = await sql<{ n: number }>`
      select count(*)::int as n from attendance a
      left join session_slots x on x.id = a.slot_id and x.session_id = a.session_id and x.date = a.date
      where x.id is null`.execute(ctx.db);
    expect(offSlot.rows[0]!.n).toBe(0);
    const slotDates = await sql<{ date: string; inside: boolean }>`
      select distinct x.date::text as date, x.date between s.start_date and s.end_date as inside
      from session_slots x join sessions s on s.id = x.session_id`.execute(ctx.db);
    expect(slotDates.rows.filter((slot) => !slot.inside || isoWeekday(slot.date) > 5 || nonWorkingDay('FR', slot.date))).toEqual([]);
    const parts = await sql<{ part_of_day: string; n: number }>`
      select part_of_day, count(distinct session_id)::int as n from session_slots group by part_of_day order by part_of_day`.execute(ctx.db);
    expect(parts.rows).toEqual([{ part_of_day: 'afternoon', n: 18 }, { part_of_day: 'evening', n: 1 }, { part_of_day: 'morning', n: 19 }]);

    const again = await seedDemo(ctx.db);
    expect(again.created).toBe(false);
    const organizations = await sql<{ n: number }>`select count(*)::int as n from organizations`.execute(ctx.db);
    expect(organizations.rows[0]!.n).toBe(1);
  });
});
