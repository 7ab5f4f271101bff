/**
 * Two organisations, every tenant table, straight SQL under the `authenticated` role (the
 * superuser the tests connect as bypasses RLS, so withTenant switches role): organisation A
 * can neither read, insert, update nor delete organisation B's rows, and cannot write a row
 * of its own that points at one of B's rows.
 */
import { type Kysely, sql } from 'kysely';
import { beforeAll, expect, it } from 'vitest';
import type { Database } from '../../src/db/schema';
import { withTenant } from '../../src/db/tenant';
import { describeEachEngine } from '../support/engines';
import { claimsFor, createTenant } from '../support/factories';

type Tenant = Awaited<ReturnType<typeof createTenant>>;

const TENANT_TABLES = [
  'organizations', 'users', 'students', 'programs', 'formations', 'sessions', 'session_slots',
  'session_slot_trainers', 'enrollments', 'attendance', 'grades', 'change_log',
] as const;

type TenantTable = (typeof TENANT_TABLES)[number];

async function expectRefused(promise: Promise<unknown>, code: string) {
  await expect(promise).rejects.toMatchObject({ code });
}

/**
 * The column and value that pick a tenant's own row of a table: its id, or for
 * session_slot_trainers (keyed by slot and user) its slot, which has one trainer here.
 */
function rowKeyOf(tenant: Tenant, table: TenantTable): { column: string; value: string } {
  switch (table) {
    case 'organizations': return { column: 'id', value: tenant.organization.id };
    case 'users': return { column: 'id', value: tenant.staff.id };
    case 'students': return { column: 'id', value: tenant.student.id };
    case 'programs': return { column: 'id', value: tenant.program.id };
    case 'formations': return { column: 'id', value: tenant.formation.id };
    case 'sessions': return { column: 'id', value: tenant.session.id };
    case 'session_slots': return { column: 'id', value: tenant.slot.id };
    case 'session_slot_trainers': return { column: 'slot_id', value: tenant.slot.id };
    case 'enrollments': return { column: 'id', value: tenant.enrollment.id };
    case 'attendance': return { column: 'id', value: tenant.attendance.id };
    case 'grades': return { column: 'id', value: tenant.grade.id };
    case 'change_log': return { column: 'row_id', value: tenant.attendance.id };
  }
}

/** Who trains the tenant's slot: the session's teacher, named on the slot. */
async function assignSlotTrainer(db: Kysely<Database>, tenant: Tenant) {
  await db.insertInto('session_slot_trainers')
    .values({ organization_id: tenant.organization.id, slot_id: tenant.slot.id, user_id: tenant.teacher.id, role: 'lead' })
    .execute();
}

describeEachEngine('row-level security between organisations', (ctx) => {
  let a: Tenant;
  let b: Tenant;

  beforeAll(async () => {
    a = await createTenant(ctx.db);
    b = await createTenant(ctx.db);
    for (const tenant of [a, b]) await assignSlotTrainer(ctx.db, tenant);
  });

  const asAdminOfA = <T>(work: (trx: Kysely<Database>) => Promise<T>) => withTenant(ctx.db, claimsFor(a.admin), work);

  it('RLS is enabled on every tenant table', async () => {
    const result = await sql<{ relname: string; relrowsecurity: boolean }>`
      select relname, relrowsecurity from pg_class
      where relnamespace = 'public'::regnamespace and relname = any(${[...TENANT_TABLES]})`.execute(ctx.db);
    expect(result.rows).toHaveLength(TENANT_TABLES.length);
    for (const row of result.rows) expect(row, row.relname).toMatchObject({ relrowsecurity: true });
  });

  it('revoked_sessions is the server\'s alone: a signed-in user can neither read nor write it, even their own rows', async () => {
    await ctx.db.insertInto('revoked_sessions')
      .values({ jti: `rls-${a.admin.id}`, organization_id: a.organization.id, user_id: a.admin.id, expires_at: new Date(Date.now() + 3_600_000) })
      .execute();
    await expect(asAdminOfA((trx) => trx.selectFrom('revoked_sessions').select('jti').execute())).rejects.toThrow(/permission denied/);
    await expect(asAdminOfA((trx) => trx.deleteFrom('revoked_sessions').execute())).rejects.toThrow(/permission denied/);
    const kept = await ctx.db.selectFrom('revoked_sessions').select('jti').where('jti', '=', `rls-${a.admin.id}`).execute();
    expect(kept).toHaveLength(1);
  });

  for (const table of TENANT_TABLES) {
    it(`${table}: A sees its own rows and none of B's`, async () => {
      const [own, other] = [rowKeyOf(a, table), rowKeyOf(b, table)];
      const visible = await asAdminOfA(async (trx) => {
        const ownRows = await sql<{ n: number }>`select count(*)::int as n from ${sql.table(table)} where ${sql.ref(own.column)} = ${own.value}`.execute(trx);
        const others = await sql<{ n: number }>`select count(*)::int as n from ${sql.table(table)} where ${sql.ref(other.column)} = ${other.value}`.execute(trx);
        const foreignOrg = table === 'organizations'
          ? await sql<{ n: number }>`select count(*)::int as n from organizations where id = ${b.organization.id}`.execute(trx)
          : await sql<{ n: number }>`select count(*)::int as n from ${sql.table(table)} where organization_id = ${b.organization.id}`.execute(trx);
        return { own: ownRows.rows[0]!.n, others: others.rows[0]!.n, foreignOrg: foreignOrg.rows[0]!.n };
      });
      expect(visible).toEqual({ own: 1, others: 0, foreignOrg: 0 });
    });
  }

  for (const table of TENANT_TABLES.filter((name) => name !== 'change_log')) {
    it(`${table}: A can neither update nor delete B's rows`, async () => {
      const other = rowKeyOf(b, table);
      // session_slot_trainers has no updated_at: its role is what an update would change.
      const change = table === 'session_slot_trainers' ? sql`role = 'assistant'` : sql`updated_at = now()`;
      const updated = await asAdminOfA(async (trx) => {
        const result = await sql`update ${sql.table(table)} set ${change} where ${sql.ref(other.column)} = ${other.value}`.execute(trx);
        return Number(result.numAffectedRows);
      });
      expect(updated).toBe(0);
      const deleteForeignRow = asAdminOfA(async (trx) => {
        const result = await sql`delete from ${sql.table(table)} where ${sql.ref(other.column)} = ${other.value}`.execute(trx);
        return Number(result.numAffectedRows);
      });
      // Nobody deletes an organisation through the API role at all; elsewhere RLS hides B's row.
      if (table === 'organizations') await expectRefused(deleteForeignRow, '42501');
      else expect(await deleteForeignRow).toBe(0);
      const stillThere = await sql<{ n: number }>`select count(*)::int as n from ${sql.table(table)} where ${sql.ref(other.column)} = ${other.value}`.execute(ctx.db);
      expect(stillThere.rows[0]!.n).toBe(1);
    });
  }

  it('A cannot insert rows carrying B’s organisation', async () => {
    const org = b.organization.id;
    const inserts: Array<(trx: Kysely<Database>) => Promise<unknown>> = [
      (trx) => trx.insertInto('programs').values({ organization_id: org, code: 'X1', name: 'x' }).execute(),
      (trx) => trx.insertInto('formations').values({ organization_id: org, code: 'X1', name: 'x' }).execute(),
      (trx) => trx.insertInto('students').values({ organization_id: org, first_name: 'x', last_name: 'y' }).execute(),
      (trx) => trx.insertInto('sessions').values({ organization_id: org, formation_id: b.formation.id, name: 'x', start_date: '2026-01-01', end_date: '2026-01-02' }).execute(),
      (trx) => trx.insertInto('enrollments').values({ organization_id: org, session_id: b.session.id, student_id: b.student.id, status: 'pending' }).execute(),
      (trx) => trx.insertInto('session_slots').values({ organization_id: org, session_id: b.session.id, date: '2026-03-03', start_time: '09:00', end_time: '12:30', part_of_day: 'morning' }).execute(),
      (trx) => trx.insertInto('session_slot_trainers').values({ organization_id: org, slot_id: b.slot.id, user_id: b.admin.id }).execute(),
      (trx) => trx.insertInto('attendance').values({ organization_id: org, session_id: b.session.id, slot_id: b.slot.id, student_id: b.student.id, date: '2026-03-02', status: 'present' }).execute(),
      (trx) => trx.insertInto('grades').values({ organization_id: org, session_id: b.session.id, student_id: b.student.id, subject: 'x', score: '1' }).execute(),
      (trx) => trx.insertInto('users').values({ id: a.staff.id, organization_id: org, email: 'x@example.test', role: 'admin' }).execute(),
    ];
    for (const insert of inserts) await expectRefused(asAdminOfA(insert), '42501');
    const counts = await sql<{ n: number }>`select count(*)::int as n from programs where organization_id = ${org}`.execute(ctx.db);
    expect(counts.rows[0]!.n).toBe(1);
    const slots = await sql<{ n: number }>`select count(*)::int as n from session_slots where organization_id = ${org}`.execute(ctx.db);
    expect(slots.rows[0]!.n).toBe(1);
  });

  it('A cannot write a row of its own that points at B’s rows', async () => {
    const org = a.organization.id;
    // A learner of A not yet marked on A's slot, so that only the foreign key can refuse the mark.
    const newcomer = await ctx.db.insertInto('students').values({ organization_id: org, first_name: 'Nina', last_name: 'Roux' }).returning('id').executeTakeFirstOrThrow();
    const crossing: Array<(trx: Kysely<Database>) => Promise<unknown>> = [
      (trx) => trx.insertInto('enrollments').values({ organization_id: org, session_id: b.session.id, student_id: a.student.id }).execute(),
      (trx) => trx.insertInto('enrollments').values({ organization_id: org, session_id: a.session.id, student_id: b.student.id }).execute(),
      (trx) => trx.insertInto('session_slots').values({ organization_id: org, session_id: b.session.id, date: '2026-03-03', start_time: '09:00', end_time: '12:30', part_of_day: 'morning' }).execute(),
      (trx) => trx.insertInto('session_slot_trainers').values({ organization_id: org, slot_id: b.slot.id, user_id: a.admin.id }).execute(),
      (trx) => trx.insertInto('session_slot_trainers').values({ organization_id: org, slot_id: a.slot.id, user_id: b.teacher.id }).execute(),
      (trx) => trx.insertInto('attendance').values({ organization_id: org, session_id: b.session.id, slot_id: a.slot.id, student_id: newcomer.id, date: '2026-03-02', status: 'present' }).execute(),
      (trx) => trx.insertInto('grades').values({ organization_id: org, session_id: a.session.id, student_id: b.student.id, subject: 'x', score: '1' }).execute(),
      (trx) => trx.insertInto('sessions').values({ organization_id: org, formation_id: b.formation.id, name: 'x', start_date: '2026-01-01', end_date: '2026-01-02' }).execute(),
      (trx) => trx.insertInto('sessions').values({ organization_id: org, formation_id: a.formation.id, teacher_id: b.teacher.id, name: 'x', start_date: '2026-01-01', end_date: '2026-01-02' }).execute(),
      (trx) => trx.insertInto('formations').values({ organization_id: org, program_id: b.program.id, code: 'CROSS', name: 'x' }).execute(),
      (trx) => trx.updateTable('formations').set({ program_id: b.program.id }).where('id', '=', a.formation.id).execute(),
    ];
    for (const write of crossing) await expectRefused(asAdminOfA(write), '23503');
    // A mark of A's own session on one of B's slots: the trigger that copies the slot's date
    // finds no such slot in A, so the row is refused before its foreign key is even checked.
    const markOnForeignSlot = asAdminOfA((trx) => trx.insertInto('attendance')
      .values({ organization_id: org, session_id: a.session.id, slot_id: b.slot.id, student_id: newcomer.id, date: '2026-03-02', status: 'present' }).execute());
    await expect(markOnForeignSlot).rejects.toMatchObject({ code: expect.stringMatching(/^23/) });
    const marks = await sql<{ n: number }>`select count(*)::int as n from attendance where slot_id = ${b.slot.id}`.execute(ctx.db);
    expect(marks.rows[0]!.n).toBe(1);
  });

  it('A cannot move its own rows into B', async () => {
    await expectRefused(
      asAdminOfA((trx) => trx.updateTable('programs').set({ organization_id: b.organization.id }).where('id', '=', a.program.id).execute()),
      '42501',
    );
    await expectRefused(
      asAdminOfA((trx) => trx.updateTable('session_slot_trainers').set({ organization_id: b.organization.id }).where('slot_id', '=', a.slot.id).execute()),
      '42501',
    );
  });
});
