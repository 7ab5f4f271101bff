/**
 * The accountant's row of the permission matrix (docs/permissions.md), enforced by RLS itself:
 * straight SQL under the `authenticated` role, no API in between. Table by table: what an
 * accountant reads (what `staff` reads, but grades), and that the only write allowed is the
 * payment of an enrollment. Also: the role lists of SQL and TypeScript are the same list.
 */
import fs from 'node:fs';
import { type Kysely, sql } from 'kysely';
import { beforeAll, expect, it } from 'vitest';
import type { Database } from '../../src/db/schema';
import { withTenant } from '../../src/db/tenant';
import { STAFF_ROLES } from '../../src/shared/roles';
import { describeEachEngine } from '../support/engines';
import { claimsFor, createPortalAccount, createStaff, createTenant, uniqueCode } from '../support/factories';

type Tenant = Awaited<ReturnType<typeof createTenant>>;
type Staff = Tenant['admin'];

/** Every table an API user may reach, with whether an accountant reads its rows. */
const ACCOUNTANT_READS = {
  organizations: true,
  users: true,
  programs: true,
  formations: true,
  sessions: true,
  session_slots: true,
  session_slot_trainers: true,
  session_former_hours: true,
  students: true,
  enrollments: true,
  attendance: true,
  grades: false,
  change_log: false,
  portal_accounts: false,
} as const;

type ReadableTable = keyof typeof ACCOUNTANT_READS;

async function expectRefused(promise: Promise<unknown>) {
  await expect(promise).rejects.toMatchObject({ code: '42501' });
}

describeEachEngine('row-level security for the accountant', (ctx) => {
  let tenant: Tenant;
  let other: Tenant;
  let accountant: Staff;
  let otherAccountant: Staff;
  let otherSession: { id: string };

  beforeAll(async () => {
    tenant = await createTenant(ctx.db);
    other = await createTenant(ctx.db);
    accountant = await createStaff(ctx.db, tenant.organization.id, 'accountant');
    otherAccountant = await createStaff(ctx.db, other.organization.id, 'accountant');
    // A session the accountant does not train, taught by another teacher, with its own learner.
    const otherTeacher = await createStaff(ctx.db, tenant.organization.id, 'teacher');
    otherSession = await ctx.db.insertInto('sessions').values({
      organization_id: tenant.organization.id, formation_id: tenant.formation.id, name: 'Autre session',
      start_date: '2026-04-06', end_date: '2026-04-10', teacher_id: otherTeacher.id,
    }).returning('id').executeTakeFirstOrThrow();
    const learner = await ctx.db.insertInto('students')
      .values({ organization_id: tenant.organization.id, first_name: 'Hugo', last_name: 'Petit' }).returning('id').executeTakeFirstOrThrow();
    await ctx.db.insertInto('enrollments').values({ organization_id: tenant.organization.id, session_id: otherSession.id, student_id: learner.id }).execute();
    await ctx.db.insertInto('session_slot_trainers')
      .values({ organization_id: tenant.organization.id, slot_id: tenant.slot.id, user_id: tenant.teacher.id }).execute();
    await ctx.db.insertInto('session_former_hours').values({ organization_id: tenant.organization.id, session_id: tenant.session.id }).execute();
    await createPortalAccount(ctx.db, tenant.organization.id);
  });

  const as = <T>(user: Staff, work: (trx: Kysely<Database>) => Promise<T>) => withTenant(ctx.db, claimsFor(user), work);
  const count = async (trx: Kysely<Database>, table: ReadableTable) =>
    (await sql<{ n: number }>`select count(*)::int as n from ${sql.table(table)}`.execute(trx)).rows[0]!.n;
  const updated = async (query: Promise<{ numUpdatedRows: bigint }>) => Number((await query).numUpdatedRows);

  it('reads what staff reads, every session of the organisation included, but no grades, history or portal accounts', async () => {
    const tables = Object.keys(ACCOUNTANT_READS) as ReadableTable[];
    const seenBy = (user: Staff) => as(user, async (trx) => {
      const seen: Partial<Record<ReadableTable, number>> = {};
      for (const table of tables) seen[table] = await count(trx, table);
      return seen as Record<ReadableTable, number>;
    });
    const byAccountant = await seenBy(accountant);
    const byStaff = await seenBy(tenant.staff);
    for (const table of tables) {
      const owned = table === 'organizations'
        ? 1
        : (await sql<{ n: number }>`select count(*)::int as n from ${sql.table(table)} where organization_id = ${tenant.organization.id}`.execute(ctx.db)).rows[0]!.n;
      expect(owned, `${table} has rows to read`).toBeGreaterThan(0);
      expect(byAccountant[table], table).toBe(ACCOUNTANT_READS[table] ? owned : 0);
    }
    // The same rows as a staff member, but grades.
    expect({ ...byAccountant, grades: byStaff.grades }).toEqual(byStaff);
    expect(byStaff.grades).toBeGreaterThan(0);
    const sessions = await as(accountant, (trx) => trx.selectFrom('sessions').select('id').execute());
    expect(sessions.map((row) => row.id).sort()).toEqual([tenant.session.id, otherSession.id].sort());
    await expect(as(accountant, (trx) => trx.selectFrom('revoked_sessions').select('jti').execute())).rejects.toThrow(/permission denied/);
  });

  it('sees nothing of another organisation, and cannot change its enrollments', async () => {
    const tables = Object.keys(ACCOUNTANT_READS).filter((table) => table !== 'organizations') as ReadableTable[];
    for (const table of tables) {
      const foreign = await as(accountant, async (trx) =>
        (await sql<{ n: number }>`select count(*)::int as n from ${sql.table(table)} where organization_id = ${other.organization.id}`.execute(trx)).rows[0]!.n);
      expect(foreign, table).toBe(0);
    }
    const before = await ctx.db.selectFrom('enrollments').selectAll().where('id', '=', tenant.enrollment.id).executeTakeFirstOrThrow();
    expect(await as(otherAccountant, (trx) => updated(trx.updateTable('enrollments').set({ payment_status: 'waived' }).where('id', '=', tenant.enrollment.id).executeTakeFirst())))
      .toBe(0);
    const after = await ctx.db.selectFrom('enrollments').selectAll().where('id', '=', tenant.enrollment.id).executeTakeFirstOrThrow();
    expect(after).toEqual(before);
  });

  it('inserts into no table', async () => {
    const org = tenant.organization.id;
    const inserts: Record<string, (trx: Kysely<Database>) => Promise<unknown>> = {
      users: (trx) => trx.insertInto('users').values({ id: tenant.staff.id, organization_id: org, email: 'x@example.test', role: 'accountant' }).execute(),
      programs: (trx) => trx.insertInto('programs').values({ organization_id: org, code: uniqueCode('P'), name: 'x' }).execute(),
      formations: (trx) => trx.insertInto('formations').values({ organization_id: org, code: uniqueCode('F'), name: 'x' }).execute(),
      sessions: (trx) => trx.insertInto('sessions').values({ organization_id: org, formation_id: tenant.formation.id, name: 'x', start_date: '2026-05-04', end_date: '2026-05-05' }).execute(),
      session_slots: (trx) => trx.insertInto('session_slots').values({
        organization_id: org, session_id: tenant.session.id, date: '2026-03-03', start_time: '09:00', end_time: '12:30', part_of_day: 'morning',
      }).execute(),
      session_slot_trainers: (trx) => trx.insertInto('session_slot_trainers').values({ organization_id: org, slot_id: tenant.slot.id, user_id: accountant.id }).execute(),
      students: (trx) => trx.insertInto('students').values({ organization_id: org, first_name: 'x', last_name: 'y' }).execute(),
      enrollments: (trx) => trx.insertInto('enrollments').values({ organization_id: org, session_id: otherSession.id, student_id: tenant.student.id }).execute(),
      attendance: (trx) => trx.insertInto('attendance').values({
        organization_id: org, session_id: otherSession.id, slot_id: tenant.slot.id, student_id: tenant.student.id, date: '2026-03-02', status: 'present',
      }).execute(),
      grades: (trx) => trx.insertInto('grades').values({ organization_id: org, session_id: tenant.session.id, student_id: tenant.student.id, subject: 'x', score: '10' }).execute(),
      change_log: (trx) => trx.insertInto('change_log').values({ organization_id: org, table_name: 'grades', row_id: tenant.grade.id, operation: 'DELETE' }).execute(),
      session_former_hours: (trx) => trx.insertInto('session_former_hours').values({ organization_id: org, session_id: otherSession.id }).execute(),
      portal_accounts: (trx) => trx.insertInto('portal_accounts').values({ id: tenant.staff.id, organization_id: org, kind: 'parent', email: 'p@example.test' }).execute(),
      staff_account: (trx) => sql`select public.create_staff_account('compta2@example.test', 'not-a-real-hash', 'Compta', 'accountant')`.execute(trx),
    };
    for (const [table, insert] of Object.entries(inserts)) {
      await expect(as(accountant, insert), table).rejects.toMatchObject({ code: '42501' });
    }
    const created = await ctx.db.selectFrom('auth.users').select('id').where('email', '=', 'compta2@example.test').execute();
    expect(created).toEqual([]);
  });

  it('updates and deletes no row of any table but the payment of enrollments', async () => {
    const rowsOf: Record<string, { table: string; column: string; value: string; change: ReturnType<typeof sql> }> = {
      organizations: { table: 'organizations', column: 'id', value: tenant.organization.id, change: sql`name = 'Renommée'` },
      users: { table: 'users', column: 'id', value: tenant.teacher.id, change: sql`role = 'admin'` },
      programs: { table: 'programs', column: 'id', value: tenant.program.id, change: sql`name = 'Renommé'` },
      formations: { table: 'formations', column: 'id', value: tenant.formation.id, change: sql`price = 1` },
      sessions: { table: 'sessions', column: 'id', value: tenant.session.id, change: sql`name = 'Renommée'` },
      session_slots: { table: 'session_slots', column: 'id', value: tenant.slot.id, change: sql`module_title = 'Renommé'` },
      session_slot_trainers: { table: 'session_slot_trainers', column: 'slot_id', value: tenant.slot.id, change: sql`role = 'assistant'` },
      students: { table: 'students', column: 'id', value: tenant.student.id, change: sql`last_name = 'Renommé'` },
      attendance: { table: 'attendance', column: 'id', value: tenant.attendance.id, change: sql`status = 'absent'` },
      grades: { table: 'grades', column: 'id', value: tenant.grade.id, change: sql`score = 1` },
      portal_accounts: { table: 'portal_accounts', column: 'organization_id', value: tenant.organization.id, change: sql`is_active = true` },
    };
    for (const [name, row] of Object.entries(rowsOf)) {
      const update = as(accountant, async (trx) =>
        Number((await sql`update ${sql.table(row.table)} set ${row.change} where ${sql.ref(row.column)} = ${row.value}`.execute(trx)).numAffectedRows));
      // Tables without an update privilege refuse outright; the others find no row to update.
      if (name === 'portal_accounts') await expectRefused(update);
      else expect(await update, `update ${name}`).toBe(0);
      const remove = as(accountant, async (trx) =>
        Number((await sql`delete from ${sql.table(row.table)} where ${sql.ref(row.column)} = ${row.value}`.execute(trx)).numAffectedRows));
      if (name === 'organizations' || name === 'portal_accounts') await expectRefused(remove);
      else expect(await remove, `delete ${name}`).toBe(0);
      const kept = await sql<{ n: number }>`select count(*)::int as n from ${sql.table(row.table)} where ${sql.ref(row.column)} = ${row.value}`.execute(ctx.db);
      expect(kept.rows[0]!.n, name).toBeGreaterThan(0);
    }
    const unchanged = await ctx.db.selectFrom('grades').select('score').where('id', '=', tenant.grade.id).executeTakeFirstOrThrow();
    expect(unchanged.score).toBe('15.00');
    const teacher = await ctx.db.selectFrom('users').select('role').where('id', '=', tenant.teacher.id).executeTakeFirstOrThrow();
    expect(teacher.role).toBe('teacher');
    const deleted = await as(accountant, async (trx) => Number((await trx.deleteFrom('enrollments').where('id', '=', tenant.enrollment.id).executeTakeFirst()).numDeletedRows));
    expect(deleted).toBe(0);
  });

  it('changes the payment of an enrollment, and only its payment (a trigger holds the columns)', async () => {
    const paid = await as(accountant, (trx) => updated(trx.updateTable('enrollments')
      .set({ payment_status: 'overdue', amount_due: '1200.00', amount_paid: '300.00' }).where('id', '=', tenant.enrollment.id).executeTakeFirst()));
    expect(paid).toBe(1);
    const before = await ctx.db.selectFrom('enrollments').selectAll().where('id', '=', tenant.enrollment.id).executeTakeFirstOrThrow();
    expect(before).toMatchObject({ payment_status: 'overdue', amount_due: '1200.00', amount_paid: '300.00' });
    const beyondPayment = [
      { status: 'cancelled' },
      { notes: 'Relance envoyée' },
      { funding_scheme: 'CPF' },
      { enrollment_date: '2020-01-01' },
      { payment_status: 'paid', notes: 'Réglé' },
    ] as const;
    for (const change of beyondPayment) {
      await expect(as(accountant, (trx) => trx.updateTable('enrollments').set(change).where('id', '=', tenant.enrollment.id).execute()), JSON.stringify(change))
        .rejects.toMatchObject({ code: '42501', message: expect.stringContaining('only the payment') });
    }
    const after = await ctx.db.selectFrom('enrollments').selectAll().where('id', '=', tenant.enrollment.id).executeTakeFirstOrThrow();
    expect(after).toEqual(before);
    // The guard holds the accountant only: a secretary still changes the rest.
    await as(tenant.secretary, (trx) => trx.updateTable('enrollments').set({ notes: 'Convention signée', payment_status: 'paid' }).where('id', '=', tenant.enrollment.id).execute());
    const bySecretary = await ctx.db.selectFrom('enrollments').select(['notes', 'payment_status']).where('id', '=', tenant.enrollment.id).executeTakeFirstOrThrow();
    expect(bySecretary).toEqual({ notes: 'Convention signée', payment_status: 'paid' });
  });

  it('has one role list: the one of src/shared/roles.ts is what users_role_check and create_staff_account accept', async () => {
    const check = await sql<{ definition: string }>`
      select pg_get_constraintdef(oid) as definition from pg_constraint
      where conrelid = 'public.users'::regclass and conname = 'users_role_check'`.execute(ctx.db);
    const allowed = [...check.rows[0]!.definition.matchAll(/'([a-z_]+)'/g)].map((match) => match[1]);
    expect(allowed.sort()).toEqual([...STAFF_ROLES].sort());
    for (const role of STAFF_ROLES) {
      const email = `${role}-${uniqueCode('direct').toLowerCase()}@example.test`;
      const created = await as(tenant.admin, (trx) => sql<{ id: string }>`select public.create_staff_account(${email}, 'not-a-real-hash', null, ${role}) as id`.execute(trx));
      const row = await ctx.db.selectFrom('users').select(['role', 'organization_id']).where('id', '=', created.rows[0]!.id).executeTakeFirstOrThrow();
      expect(row).toEqual({ role, organization_id: tenant.organization.id });
    }
    // docs/permissions.md has a column for each role, in the same order.
    const matrix = fs.readFileSync(new URL('../../docs/permissions.md', import.meta.url), 'utf8');
    const header = /^\| table \|(.*)\|$/m.exec(matrix)![1]!.split('|').map((cell) => cell.trim());
    expect(header).toEqual([...STAFF_ROLES]);
    // No role of the product needs super_admin; learners and parents are not staff.
    for (const role of ['super_admin', 'student', 'parent', 'finance', 'support']) {
      await expect(as(tenant.admin, (trx) => sql`select public.create_staff_account(${`${role}@example.test`}, 'not-a-real-hash', null, ${role})`.execute(trx)), role)
        .rejects.toMatchObject({ code: '23514' });
    }
  });
});
