/**
 * Slots and slot trainers, straight SQL under the `authenticated` role (bypassing the API):
 * organisation A can neither read nor change B's slots and slot trainers, nor write a row of
 * its own that points at B's session, user or slot; within an organisation, only admin and
 * secretary write slots, whatever the session.
 */
import { type Kysely, sql } from 'kysely';
import { beforeAll, expect, it } from 'vitest';
import type { Database } from '../../src/db/schema';
import { withTenant } from '../../src/db/tenant';
import { describeEachEngine } from '../support/engines';
import { claimsFor, createTenant } from '../support/factories';

type Tenant = Awaited<ReturnType<typeof createTenant>>;
type User = Tenant['admin'];

async function expectRefused(promise: Promise<unknown>, code: string | RegExp) {
  await expect(promise).rejects.toMatchObject({ code: typeof code === 'string' ? code : expect.stringMatching(code) });
}

/** Rows an update or a delete reached (RLS hides the others without an error). */
function affected(result: { numUpdatedRows: bigint } | { numDeletedRows: bigint }): number {
  return Number('numUpdatedRows' in result ? result.numUpdatedRows : result.numDeletedRows);
}

/**
 * A mark on a slot A cannot see: the trigger that copies the slot's date finds no slot and
 * leaves the date empty (23502, not null), else the foreign key refuses it (23503).
 */
const MISSING_SLOT = /^(23502|23503)$/;

describeEachEngine('row-level security of session slots', (ctx) => {
  let a: Tenant;
  let b: Tenant;
  /** A slot of B with a trainer row, and one of A (no mark) for the role checks. */
  let bSlotId: string;
  let aFreeSlotId: string;

  const as = <T>(user: User, work: (trx: Kysely<Database>) => Promise<T>) => withTenant(ctx.db, claimsFor(user), work);

  async function storedSlot(id: string) {
    return ctx.db.selectFrom('session_slots').selectAll().where('id', '=', id).executeTakeFirst();
  }

  beforeAll(async () => {
    a = await createTenant(ctx.db);
    b = await createTenant(ctx.db);
    bSlotId = b.slot.id;
    await ctx.db.insertInto('session_slot_trainers').values({ organization_id: b.organization.id, slot_id: bSlotId, user_id: b.teacher.id }).execute();
    const free = await ctx.db.insertInto('session_slots')
      .values({ organization_id: a.organization.id, session_id: a.session.id, date: '2026-03-03', start_time: '09:00', end_time: '12:30', part_of_day: 'morning' })
      .returning('id').executeTakeFirstOrThrow();
    aFreeSlotId = free.id;
  });

  it('RLS is enabled on both tables', async () => {
    const result = await sql<{ relname: string; relrowsecurity: boolean }>`
      select relname, relrowsecurity from pg_class
      where relnamespace = 'public'::regnamespace and relname in ('session_slots', 'session_slot_trainers') order by relname`.execute(ctx.db);
    expect(result.rows).toEqual([
      { relname: 'session_slot_trainers', relrowsecurity: true },
      { relname: 'session_slots', relrowsecurity: true },
    ]);
  });

  it('A sees its own slots and slot trainers and none of B’s', async () => {
    const seen = await as(a.admin, async (trx) => ({
      ownSlots: (await trx.selectFrom('session_slots').select('id').where('organization_id', '=', a.organization.id).execute()).length,
      bSlots: (await trx.selectFrom('session_slots').select('id').where((eb) => eb.or([eb('id', '=', bSlotId), eb('organization_id', '=', b.organization.id)])).execute()).length,
      bTrainers: (await trx.selectFrom('session_slot_trainers').select('user_id').where((eb) => eb.or([eb('slot_id', '=', bSlotId), eb('organization_id', '=', b.organization.id)])).execute()).length,
      allSlots: (await trx.selectFrom('session_slots').select('organization_id').distinct().execute()).map((row) => row.organization_id),
    }));
    expect(seen).toEqual({ ownSlots: 2, bSlots: 0, bTrainers: 0, allSlots: [a.organization.id] });
  });

  it('A can neither update nor delete B’s slots and slot trainers', async () => {
    const before = await storedSlot(bSlotId);
    const changed = await as(a.admin, async (trx) => [
      affected(await trx.updateTable('session_slots').set({ module_title: 'Piraté', status: 'held' }).where('id', '=', bSlotId).executeTakeFirst()),
      affected(await trx.updateTable('session_slot_trainers').set({ role: 'assistant' }).where('slot_id', '=', bSlotId).executeTakeFirst()),
      affected(await trx.deleteFrom('session_slot_trainers').where('organization_id', '=', b.organization.id).executeTakeFirst()),
      affected(await trx.deleteFrom('session_slots').where('organization_id', '=', b.organization.id).executeTakeFirst()),
    ]);
    expect(changed).toEqual([0, 0, 0, 0]);
    expect(await storedSlot(bSlotId)).toEqual(before);
    const trainers = await ctx.db.selectFrom('session_slot_trainers').select(['user_id', 'role']).where('slot_id', '=', bSlotId).execute();
    expect(trainers).toEqual([{ user_id: b.teacher.id, role: 'lead' }]);
  });

  it('A cannot insert slots or slot trainers carrying B’s organisation', async () => {
    await expectRefused(as(a.admin, (trx) => trx.insertInto('session_slots')
      .values({ organization_id: b.organization.id, session_id: b.session.id, date: '2026-03-04', start_time: '09:00', end_time: '12:30', part_of_day: 'morning' }).execute()), '42501');
    await expectRefused(as(a.admin, (trx) => trx.insertInto('session_slot_trainers')
      .values({ organization_id: b.organization.id, slot_id: bSlotId, user_id: b.admin.id }).execute()), '42501');
    const bSlots = await ctx.db.selectFrom('session_slots').select('id').where('organization_id', '=', b.organization.id).execute();
    expect(bSlots).toEqual([{ id: bSlotId }]);
  });

  it('A cannot write a row of its own that points at B’s session, user or slot', async () => {
    const crossing: Array<(trx: Kysely<Database>) => Promise<unknown>> = [
      (trx) => trx.insertInto('session_slots')
        .values({ organization_id: a.organization.id, session_id: b.session.id, date: '2026-03-04', start_time: '09:00', end_time: '12:30', part_of_day: 'morning' }).execute(),
      (trx) => trx.updateTable('session_slots').set({ session_id: b.session.id }).where('id', '=', aFreeSlotId).execute(),
      (trx) => trx.insertInto('session_slot_trainers').values({ organization_id: a.organization.id, slot_id: aFreeSlotId, user_id: b.teacher.id }).execute(),
      (trx) => trx.insertInto('session_slot_trainers').values({ organization_id: a.organization.id, slot_id: bSlotId, user_id: a.teacher.id }).execute(),
    ];
    for (const write of crossing) await expectRefused(as(a.admin, write), '23503');
    const marksOnB: Array<(trx: Kysely<Database>) => Promise<unknown>> = [
      (trx) => trx.insertInto('attendance')
        .values({ organization_id: a.organization.id, session_id: a.session.id, slot_id: bSlotId, student_id: a.student.id, date: '2026-03-02', status: 'present' }).execute(),
      (trx) => trx.insertInto('attendance')
        .values({ organization_id: a.organization.id, session_id: b.session.id, slot_id: bSlotId, student_id: a.student.id, date: '2026-03-02', status: 'present' }).execute(),
      (trx) => trx.updateTable('attendance').set({ slot_id: bSlotId }).where('id', '=', a.attendance.id).execute(),
    ];
    for (const write of marksOnB) await expectRefused(as(a.admin, write), MISSING_SLOT);
    // Nor can A move its own slot into B.
    await expectRefused(as(a.admin, (trx) => trx.updateTable('session_slots').set({ organization_id: b.organization.id }).where('id', '=', aFreeSlotId).execute()), '42501');
    expect(await storedSlot(aFreeSlotId)).toMatchObject({ organization_id: a.organization.id, session_id: a.session.id });
    expect(await ctx.db.selectFrom('attendance').select('id').where('slot_id', '=', bSlotId).execute()).toEqual([{ id: b.attendance.id }]);
  });

  it('a teacher reads the slots of their session but cannot insert, update or delete them', async () => {
    const before = await storedSlot(aFreeSlotId);
    const seen = await as(a.teacher, async (trx) => (await trx.selectFrom('session_slots').select('id').where('session_id', '=', a.session.id).orderBy('date').execute()).map((row) => row.id));
    expect(seen).toEqual([a.slot.id, aFreeSlotId]);
    await expectRefused(as(a.teacher, (trx) => trx.insertInto('session_slots')
      .values({ organization_id: a.organization.id, session_id: a.session.id, date: '2026-03-05', start_time: '09:00', end_time: '12:30', part_of_day: 'morning' }).execute()), '42501');
    await expectRefused(as(a.teacher, (trx) => trx.insertInto('session_slot_trainers')
      .values({ organization_id: a.organization.id, slot_id: aFreeSlotId, user_id: a.teacher.id }).execute()), '42501');
    const changed = await as(a.teacher, async (trx) => [
      affected(await trx.updateTable('session_slots').set({ start_time: '08:00', status: 'cancelled' }).where('id', '=', aFreeSlotId).executeTakeFirst()),
      affected(await trx.deleteFrom('session_slots').where('id', '=', aFreeSlotId).executeTakeFirst()),
    ]);
    expect(changed).toEqual([0, 0]);
    expect(await storedSlot(aFreeSlotId)).toEqual(before);
  });

  it('a teacher named on a slot of another trainer’s session reads none of its slots: a teacher’s scope is the sessions they train', async () => {
    const other = await ctx.db.insertInto('sessions')
      .values({ organization_id: a.organization.id, formation_id: a.formation.id, name: 'Autre formateur', start_date: '2026-04-06', end_date: '2026-04-10', teacher_id: a.admin.id })
      .returning('id').executeTakeFirstOrThrow();
    const slots = await ctx.db.insertInto('session_slots').values([
      { organization_id: a.organization.id, session_id: other.id, date: '2026-04-06', start_time: '09:00', end_time: '12:30', part_of_day: 'morning' },
      { organization_id: a.organization.id, session_id: other.id, date: '2026-04-07', start_time: '09:00', end_time: '12:30', part_of_day: 'morning' },
    ]).returning('id').execute();
    await ctx.db.insertInto('session_slot_trainers').values({ organization_id: a.organization.id, slot_id: slots[0]!.id, user_id: a.teacher.id, role: 'co_trainer' }).execute();
    const seen = await as(a.teacher, async (trx) => (await trx.selectFrom('session_slots').select('id').where('session_id', '=', other.id).execute()).map((row) => row.id));
    expect(seen).toEqual([]);
    const changed = await as(a.teacher, async (trx) => affected(await trx.updateTable('session_slots').set({ module_title: 'Non' }).where('id', '=', slots[0]!.id).executeTakeFirst()));
    expect(changed).toBe(0);
  });

  it('staff read every slot but write none', async () => {
    const seen = await as(a.staff, async (trx) => (await trx.selectFrom('session_slots').select('id').where('id', 'in', [a.slot.id, aFreeSlotId]).execute()).length);
    expect(seen).toBe(2);
    await expectRefused(as(a.staff, (trx) => trx.insertInto('session_slots')
      .values({ organization_id: a.organization.id, session_id: a.session.id, date: '2026-03-05', start_time: '13:30', end_time: '17:00', part_of_day: 'afternoon' }).execute()), '42501');
    expect(await as(a.staff, async (trx) => affected(await trx.deleteFrom('session_slots').where('id', '=', aFreeSlotId).executeTakeFirst()))).toBe(0);
    expect(await storedSlot(aFreeSlotId)).toBeDefined();
  });

  it('a secretary inserts, updates and deletes slots and their trainers', async () => {
    const result = await as(a.secretary, async (trx) => {
      const created = await trx.insertInto('session_slots')
        .values({ organization_id: a.organization.id, session_id: a.session.id, date: '2026-03-06', start_time: '13:30', end_time: '17:00', part_of_day: 'afternoon' })
        .returning('id').executeTakeFirstOrThrow();
      await trx.insertInto('session_slot_trainers').values({ organization_id: a.organization.id, slot_id: created.id, user_id: a.teacher.id }).execute();
      const updated = affected(await trx.updateTable('session_slots').set({ module_title: 'Bilan' }).where('id', '=', created.id).executeTakeFirst());
      const trainerUpdated = affected(await trx.updateTable('session_slot_trainers').set({ role: 'co_trainer' }).where('slot_id', '=', created.id).executeTakeFirst());
      const stored = await trx.selectFrom('session_slots').select('module_title').where('id', '=', created.id).executeTakeFirstOrThrow();
      const deleted = affected(await trx.deleteFrom('session_slots').where('id', '=', created.id).executeTakeFirst());
      return { updated, trainerUpdated, title: stored.module_title, deleted, id: created.id };
    });
    expect(result).toMatchObject({ updated: 1, trainerUpdated: 1, title: 'Bilan', deleted: 1 });
    expect(await storedSlot(result.id)).toBeUndefined();
    expect(await ctx.db.selectFrom('session_slot_trainers').select('user_id').where('slot_id', '=', result.id).execute()).toEqual([]);
  });

  it('a marked slot cannot be deleted even by its organisation’s admin: the mark holds it', async () => {
    // restrict_violation (23001) on recent servers, foreign_key_violation (23503) before.
    await expectRefused(as(a.admin, (trx) => trx.deleteFrom('session_slots').where('id', '=', a.slot.id).execute()), /^(23001|23503)$/);
    expect(await storedSlot(a.slot.id)).toBeDefined();
  });
});
