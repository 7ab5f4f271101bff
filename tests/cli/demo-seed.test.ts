import { sql } from 'kysely';
import { expect, it } from 'vitest';
import { seedDemo } from '../../src/seed/demo';
import { describeEachEngine } from '../support/engines';

describeEachEngine('demo seed', (ctx) => {
  it('creates one French training centre with past, current and future sessions, once', async () => {
    const result = await seedDemo(ctx.db, { today: new Date(2026, 10, 26) });
    expect(result.created).toBe(true);
    if (!result.created) return;
    expect(result.counts).toMatchObject({ programs: 3, formations: 8, sessions: 20, students: 60 });
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

    const again = await seedDemo(ctx.db);
    expect(again.created).toBe(false);
    const organizations = await sql<{ n: number }>`select count(*)::int as n from organizations`.execute(ctx.db);
    expect(organizations.rows[0]!.n).toBe(1);
  });
});
