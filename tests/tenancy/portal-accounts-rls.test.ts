/**
 * Learners' and parents' accounts (public.portal_accounts), straight SQL under the
 * `authenticated` role: an administrator reads their own organisation's, nobody else reads any,
 * nobody writes them through the API role; a portal account's own identity reaches nothing; the
 * account is linked to the learner of the same e-mail.
 */
import { type Kysely, sql } from 'kysely';
import { beforeAll, expect, it } from 'vitest';
import type { Database } from '../../src/db/schema';
import { type TenantClaims, withTenant } from '../../src/db/tenant';
import { describeEachEngine } from '../support/engines';
import { claimsFor, createPortalAccount, createStaff, createTenant } from '../support/factories';

type Tenant = Awaited<ReturnType<typeof createTenant>>;
type PortalAccount = Awaited<ReturnType<typeof createPortalAccount>>;

describeEachEngine('row-level security of portal accounts', (ctx) => {
  let a: Tenant;
  let b: Tenant;
  let learnerOfA: PortalAccount;
  let parentOfA: PortalAccount;
  let learnerOfB: PortalAccount;

  beforeAll(async () => {
    a = await createTenant(ctx.db);
    b = await createTenant(ctx.db);
    learnerOfA = await createPortalAccount(ctx.db, a.organization.id);
    parentOfA = await createPortalAccount(ctx.db, a.organization.id, { kind: 'parent' });
    learnerOfB = await createPortalAccount(ctx.db, b.organization.id);
  });

  const as = <T>(claims: TenantClaims, work: (trx: Kysely<Database>) => Promise<T>) => withTenant(ctx.db, claims, work);
  const idsSeenBy = (claims: TenantClaims) => as(claims, async (trx) =>
    (await trx.selectFrom('portal_accounts').select('id').orderBy('id').execute()).map((row) => row.id));

  it('has row-level security on, and are inactive by default', async () => {
    const table = await sql<{ relrowsecurity: boolean }>`select relrowsecurity from pg_class where oid = 'public.portal_accounts'::regclass`.execute(ctx.db);
    expect(table.rows[0]!.relrowsecurity).toBe(true);
    expect([learnerOfA.is_active, parentOfA.is_active, learnerOfB.is_active]).toEqual([false, false, false]);
  });

  it('are read by their organisation’s administrators only', async () => {
    expect(await idsSeenBy(claimsFor(a.admin))).toEqual([learnerOfA.id, parentOfA.id].sort());
    expect(await idsSeenBy(claimsFor(b.admin))).toEqual([learnerOfB.id]);
    const accountant = await createStaff(ctx.db, a.organization.id, 'accountant');
    for (const user of [a.secretary, a.teacher, a.staff, accountant]) {
      expect(await idsSeenBy(claimsFor(user)), user.role).toEqual([]);
    }
    const foreign = await as(claimsFor(a.admin), (trx) => trx.selectFrom('portal_accounts').select('id').where('organization_id', '=', b.organization.id).execute());
    expect(foreign).toEqual([]);
  });

  it('are written by nobody through the API role, administrators included', async () => {
    const admin = claimsFor(a.admin);
    const writes: Array<(trx: Kysely<Database>) => Promise<unknown>> = [
      (trx) => trx.insertInto('portal_accounts').values({ id: a.staff.id, organization_id: a.organization.id, kind: 'parent', email: 'p@example.test' }).execute(),
      (trx) => trx.updateTable('portal_accounts').set({ is_active: true }).where('id', '=', learnerOfA.id).execute(),
      (trx) => trx.updateTable('portal_accounts').set({ organization_id: b.organization.id }).where('id', '=', learnerOfA.id).execute(),
      (trx) => trx.deleteFrom('portal_accounts').where('id', '=', learnerOfA.id).execute(),
    ];
    for (const write of writes) await expect(as(admin, write)).rejects.toMatchObject({ code: '42501' });
    const kept = await ctx.db.selectFrom('portal_accounts').select(['organization_id', 'is_active']).where('id', '=', learnerOfA.id).executeTakeFirstOrThrow();
    expect(kept).toEqual({ organization_id: a.organization.id, is_active: false });
  });

  it('give their own identity no access to anything', async () => {
    // Even with EDUZEN's claims filled in, the organisation and role are read from public.users.
    const claims: TenantClaims = { sub: learnerOfA.id, role: 'authenticated', organization_id: a.organization.id, staff_role: 'admin' };
    const seen = await as(claims, async (trx) => {
      const counts: Record<string, number> = {};
      for (const table of ['organizations', 'users', 'students', 'sessions', 'enrollments', 'attendance', 'grades', 'portal_accounts'] as const) {
        counts[table] = (await sql<{ n: number }>`select count(*)::int as n from ${sql.table(table)}`.execute(trx)).rows[0]!.n;
      }
      return counts;
    });
    expect(seen).toEqual({ organizations: 0, users: 0, students: 0, sessions: 0, enrollments: 0, attendance: 0, grades: 0, portal_accounts: 0 });
    await expect(as(claims, (trx) => trx.insertInto('students').values({ organization_id: a.organization.id, first_name: 'x', last_name: 'y' }).execute()))
      .rejects.toMatchObject({ code: '42501' });
  });

  it('are linked to the learner of the same e-mail when exactly one learner of the organisation has it', async () => {
    const org = a.organization.id;
    const single = await ctx.db.insertInto('students')
      .values({ organization_id: org, first_name: 'Léa', last_name: 'Roux', email: 'Lea.Roux@Example.test' }).returning('id').executeTakeFirstOrThrow();
    await ctx.db.insertInto('students').values([
      { organization_id: org, first_name: 'Jules', last_name: 'Blanc', email: 'famille.blanc@example.test' },
      { organization_id: org, first_name: 'Emma', last_name: 'Blanc', email: 'famille.blanc@example.test' },
    ]).execute();
    // The same e-mail in another organisation is not a match.
    await ctx.db.insertInto('students').values({ organization_id: b.organization.id, first_name: 'Autre', last_name: 'Élève', email: 'solo@example.test' }).execute();

    const learner = await createPortalAccount(ctx.db, org, { email: 'lea.roux@example.test' });
    const parentOfTwo = await createPortalAccount(ctx.db, org, { kind: 'parent', email: 'famille.blanc@example.test' });
    const elsewhere = await createPortalAccount(ctx.db, org, { email: 'solo@example.test' });
    expect([learner.student_id, parentOfTwo.student_id, elsewhere.student_id]).toEqual([single.id, null, null]);
    // An explicit link wins over the e-mail; a learner of another organisation cannot be linked.
    const chosen = await createPortalAccount(ctx.db, org, { kind: 'parent', email: 'lea.roux.parent@example.test', studentId: a.student.id });
    expect(chosen.student_id).toBe(a.student.id);
    await expect(createPortalAccount(ctx.db, org, { kind: 'parent', studentId: b.student.id })).rejects.toMatchObject({ code: '23503' });
    // Deleting the learner keeps the account, unlinked.
    await ctx.db.deleteFrom('students').where('id', '=', single.id).execute();
    const unlinked = await ctx.db.selectFrom('portal_accounts').select(['student_id', 'organization_id']).where('id', '=', learner.id).executeTakeFirstOrThrow();
    expect(unlinked).toEqual({ student_id: null, organization_id: org });
  });
});
