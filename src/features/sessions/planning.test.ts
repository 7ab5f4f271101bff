import type { Kysely } from 'kysely';
import { expect, it } from 'vitest';
import type { Database } from '../../db/schema';
import { describeApi } from '../../../tests/support/api';
import { createTenant } from '../../../tests/support/factories';

type Tenant = Awaited<ReturnType<typeof createTenant>>;
type Conflict = { kind: string; other_slot_id: string; other_session_id: string; other_session_name: string; subject: string };
type PlanningSlot = { id: string; date: string; start_time: string; place: string | null; conflicts: Conflict[]; effective_trainers: { user_id: string }[] };

const EN = { 'accept-language': 'en' };

async function addSession(db: Kysely<Database>, tenant: Tenant, overrides: Partial<{ name: string; teacher_id: string | null; location: string | null; status: string }> = {}) {
  return db.insertInto('sessions').values({
    organization_id: tenant.organization.id, formation_id: tenant.formation.id, name: 'Session planning',
    start_date: '2027-01-04', end_date: '2027-03-26', teacher_id: tenant.teacher.id, ...overrides,
  }).returning(['id', 'name']).executeTakeFirstOrThrow();
}

async function addSlot(
  db: Kysely<Database>, tenant: Tenant, sessionId: string,
  overrides: Partial<{ date: string; start_time: string; end_time: string; location: string | null; status: string; trainers: string[] }> = {},
) {
  const { trainers = [], ...values } = overrides;
  const slot = await db.insertInto('session_slots').values({
    organization_id: tenant.organization.id, session_id: sessionId, date: '2027-02-01', start_time: '09:00', end_time: '12:30', part_of_day: 'morning', ...values,
  }).returning('id').executeTakeFirstOrThrow();
  for (const userId of trainers) {
    await db.insertInto('session_slot_trainers').values({ organization_id: tenant.organization.id, slot_id: slot.id, user_id: userId }).execute();
  }
  return slot.id;
}

async function enroll(db: Kysely<Database>, tenant: Tenant, sessionId: string, studentId: string, status = 'confirmed') {
  await db.insertInto('enrollments').values({ organization_id: tenant.organization.id, session_id: sessionId, student_id: studentId, status }).execute();
}

function idsOf(items: readonly { id: string }[]) {
  return items.map((item) => item.id);
}

describeApi('planning API', (ctx) => {
  it('lists the slots of every session between two dates inclusive, in order, with their session and seats', async () => {
    const tenant = await createTenant(ctx.db);
    const admin = await ctx.login(tenant.admin);
    const first = await addSession(ctx.db, tenant, { name: 'Anglais', location: 'Salle 1' });
    const second = await addSession(ctx.db, tenant, { name: 'Bureautique', teacher_id: null });
    await enroll(ctx.db, tenant, first.id, tenant.student.id);
    const before = await addSlot(ctx.db, tenant, first.id, { date: '2027-01-08' });
    const monday = await addSlot(ctx.db, tenant, first.id, { date: '2027-01-11', start_time: '13:30', end_time: '17:00' });
    const mondayMorning = await addSlot(ctx.db, tenant, second.id, { date: '2027-01-11', location: 'Amphi' });
    const friday = await addSlot(ctx.db, tenant, second.id, { date: '2027-01-15', start_time: '18:00', end_time: '21:00' });
    const after = await addSlot(ctx.db, tenant, first.id, { date: '2027-01-16' });

    const response = await admin.get('/api/slots?from=2027-01-11&to=2027-01-15');
    expect(response.statusCode, response.body).toBe(200);
    const planning = response.json();
    expect(planning).toMatchObject({ from: '2027-01-11', to: '2027-01-15', total: 3, conflict_count: 0 });
    expect(idsOf(planning.items)).toEqual([mondayMorning, monday, friday]);
    expect(planning.items[1]).toMatchObject({
      session_id: first.id, session_name: 'Anglais', session_status: 'planned', formation_name: 'Formation test',
      date: '2027-01-11', start_time: '13:30', end_time: '17:00', minutes: 210, location: null, place: 'Salle 1',
      trainers: [], effective_trainers: [{ user_id: tenant.teacher.id, full_name: 'Test teacher', role: 'lead' }], learner_count: 1, conflicts: [],
    });
    expect(planning.items[0]).toMatchObject({ session_name: 'Bureautique', place: 'Amphi', effective_trainers: [], learner_count: 0 });
    expect(idsOf((await admin.get('/api/slots?from=2027-01-08&to=2027-01-08')).json().items)).toEqual([before]);
    expect(idsOf((await admin.get(`/api/slots?from=2027-01-01&to=2027-01-31&session_id=${first.id}`)).json().items)).toEqual([before, monday, after]);
  });

  it('filters by trainer: the slot’s own trainers, else the session’s', async () => {
    const tenant = await createTenant(ctx.db);
    const admin = await ctx.login(tenant.admin);
    const taught = await addSession(ctx.db, tenant, { name: 'Du formateur' });
    const other = await addSession(ctx.db, tenant, { name: 'De l’administrateur', teacher_id: tenant.admin.id });
    const bySession = await addSlot(ctx.db, tenant, taught.id, { date: '2027-02-01' });
    const handedOver = await addSlot(ctx.db, tenant, taught.id, { date: '2027-02-02', trainers: [tenant.admin.id] });
    const coTrained = await addSlot(ctx.db, tenant, taught.id, { date: '2027-02-03', trainers: [tenant.admin.id, tenant.teacher.id] });
    const borrowed = await addSlot(ctx.db, tenant, other.id, { date: '2027-02-04', trainers: [tenant.teacher.id] });
    const adminOwn = await addSlot(ctx.db, tenant, other.id, { date: '2027-02-05' });

    const range = 'from=2027-02-01&to=2027-02-28';
    expect(idsOf((await admin.get(`/api/slots?${range}&teacher_id=${tenant.teacher.id}`)).json().items)).toEqual([bySession, coTrained, borrowed]);
    const forAdmin = (await admin.get(`/api/slots?${range}&teacher_id=${tenant.admin.id}`)).json().items as PlanningSlot[];
    expect(idsOf(forAdmin)).toEqual([handedOver, coTrained, adminOwn]);
    expect(forAdmin[0]!.effective_trainers.map((trainer) => trainer.user_id)).toEqual([tenant.admin.id]);
    expect((await admin.get(`/api/slots?${range}&teacher_id=${tenant.secretary.id}`)).json().total).toBe(0);
    expect((await admin.get(`/api/slots?${range}&teacher_id=abc`)).statusCode).toBe(400);
  });

  it('filters by place: the slot’s own, else the session’s, in any case', async () => {
    const tenant = await createTenant(ctx.db);
    const admin = await ctx.login(tenant.admin);
    const inMoliere = await addSession(ctx.db, tenant, { location: 'Salle Molière' });
    const elsewhere = await addSession(ctx.db, tenant, { location: 'Annexe' });
    const atSessionPlace = await addSlot(ctx.db, tenant, inMoliere.id, { date: '2027-02-01' });
    const movedOut = await addSlot(ctx.db, tenant, inMoliere.id, { date: '2027-02-02', location: 'Amphi B' });
    const movedIn = await addSlot(ctx.db, tenant, elsewhere.id, { date: '2027-02-03', location: 'Salle Molière' });
    await addSlot(ctx.db, tenant, elsewhere.id, { date: '2027-02-04' });

    const range = 'from=2027-02-01&to=2027-02-28';
    const moliere = (await admin.get(`/api/slots?${range}&location=${encodeURIComponent('  salle MOLIÈRE ')}`)).json();
    expect(idsOf(moliere.items)).toEqual([atSessionPlace, movedIn]);
    expect(moliere.items.map((item: PlanningSlot) => item.place)).toEqual(['Salle Molière', 'Salle Molière']);
    expect(idsOf((await admin.get(`/api/slots?${range}&location=amphi%20b`)).json().items)).toEqual([movedOut]);
    expect((await admin.get(`/api/slots?${range}&location=Salle`)).json().total).toBe(0);
    expect((await admin.get(`/api/slots?${range}&location=%00`)).statusCode).toBe(400);
  });

  it('reports a trainer, a learner or a room in two slots at once, and not touching or cancelled slots', async () => {
    const tenant = await createTenant(ctx.db);
    const admin = await ctx.login(tenant.admin);
    const first = await addSession(ctx.db, tenant, { name: 'S1', location: 'Salle 1' });
    const second = await addSession(ctx.db, tenant, { name: 'S2', teacher_id: tenant.admin.id, location: 'Salle 2' });
    const third = await addSession(ctx.db, tenant, { name: 'S3', teacher_id: null, location: null });
    const cancelledSession = await addSession(ctx.db, tenant, { name: 'S4', status: 'cancelled', location: 'Salle 1' });
    await enroll(ctx.db, tenant, first.id, tenant.student.id);
    await enroll(ctx.db, tenant, third.id, tenant.student.id);
    // A learner waiting for a seat in S1 takes no time there.
    const waiting = await ctx.db.insertInto('students').values({ organization_id: tenant.organization.id, first_name: 'Léa', last_name: 'Attente' }).returning('id').executeTakeFirstOrThrow();
    await enroll(ctx.db, tenant, first.id, waiting.id, 'waitlisted');
    await enroll(ctx.db, tenant, third.id, waiting.id);

    // Monday: the session's teacher of S1 also trains a slot of S2.
    const trainerA = await addSlot(ctx.db, tenant, first.id, { date: '2027-02-01' });
    const trainerB = await addSlot(ctx.db, tenant, second.id, { date: '2027-02-01', start_time: '10:00', end_time: '11:00', trainers: [tenant.teacher.id] });
    // Tuesday: Camille Martin is enrolled in S1 and S3.
    const learnerA = await addSlot(ctx.db, tenant, first.id, { date: '2027-02-02' });
    const learnerB = await addSlot(ctx.db, tenant, third.id, { date: '2027-02-02', start_time: '11:00', end_time: '12:00' });
    // Wednesday: S2 borrows S1's room.
    const roomA = await addSlot(ctx.db, tenant, first.id, { date: '2027-02-03', start_time: '14:30', end_time: '16:00' });
    const roomB = await addSlot(ctx.db, tenant, second.id, { date: '2027-02-03', start_time: '14:00', end_time: '15:00', location: ' salle 1 ' });
    // Thursday: same trainer and room, but one slot ends when the other starts; S4 is cancelled.
    const touchingA = await addSlot(ctx.db, tenant, first.id, { date: '2027-02-04' });
    const touchingB = await addSlot(ctx.db, tenant, second.id, { date: '2027-02-04', start_time: '12:30', end_time: '14:00', trainers: [tenant.teacher.id], location: 'Salle 1' });
    await addSlot(ctx.db, tenant, cancelledSession.id, { date: '2027-02-04', start_time: '10:00', end_time: '11:00' });
    // Friday: same trainer and room at the same time, but the S1 slot is cancelled.
    const cancelledA = await addSlot(ctx.db, tenant, first.id, { date: '2027-02-05', status: 'cancelled' });
    const cancelledB = await addSlot(ctx.db, tenant, second.id, { date: '2027-02-05', trainers: [tenant.teacher.id], location: 'Salle 1' });

    const planning = (await admin.get('/api/slots?from=2027-02-01&to=2027-02-05')).json();
    const conflictsOf = new Map<string, Conflict[]>(planning.items.map((item: PlanningSlot) => [item.id, item.conflicts]));
    expect(conflictsOf.get(trainerA)).toEqual([{ kind: 'trainer', other_slot_id: trainerB, other_session_id: second.id, other_session_name: 'S2', subject: 'Test teacher' }]);
    expect(conflictsOf.get(trainerB)).toEqual([{ kind: 'trainer', other_slot_id: trainerA, other_session_id: first.id, other_session_name: 'S1', subject: 'Test teacher' }]);
    expect(conflictsOf.get(learnerA)).toEqual([{ kind: 'learner', other_slot_id: learnerB, other_session_id: third.id, other_session_name: 'S3', subject: 'Camille Martin' }]);
    expect(conflictsOf.get(learnerB)).toEqual([{ kind: 'learner', other_slot_id: learnerA, other_session_id: first.id, other_session_name: 'S1', subject: 'Camille Martin' }]);
    expect(conflictsOf.get(roomA)).toEqual([{ kind: 'room', other_slot_id: roomB, other_session_id: second.id, other_session_name: 'S2', subject: 'Salle 1' }]);
    expect(conflictsOf.get(roomB)).toEqual([expect.objectContaining({ kind: 'room', other_slot_id: roomA })]);
    for (const free of [touchingA, touchingB, cancelledA, cancelledB]) expect(conflictsOf.get(free), free).toEqual([]);
    expect(planning.conflict_count).toBe(6);
    expect(planning.total).toBe(11);
    // A range that leaves out one slot of a pair leaves out the pair's conflict too.
    expect((await admin.get('/api/slots?from=2027-02-04&to=2027-02-05')).json().conflict_count).toBe(0);
    // Filters narrow the slots shown, not the slots they conflict with.
    const s2Only = (await admin.get(`/api/slots?from=2027-02-01&to=2027-02-05&session_id=${second.id}`)).json();
    expect(s2Only.items.find((item: PlanningSlot) => item.id === trainerB).conflicts).toHaveLength(1);
  });

  it('refuses a range over 92 days, a reversed one, or a missing bound (400)', async () => {
    const tenant = await createTenant(ctx.db);
    const admin = await ctx.login(tenant.admin);
    expect((await admin.get('/api/slots?from=2027-01-01&to=2027-04-03')).statusCode).toBe(200);
    const tooLong = await admin.get('/api/slots?from=2027-01-01&to=2027-04-04', EN);
    expect(tooLong.statusCode).toBe(400);
    expect(tooLong.json().error.details.fields).toEqual([{ field: 'querystring.to', message: 'The period asked for cannot exceed 92 days.' }]);
    expect((await admin.get('/api/slots?from=2027-01-01&to=2027-04-04')).json().error.details.fields[0].message).toBe('La période demandée ne peut pas dépasser 92 jours.');
    const reversed = await admin.get('/api/slots?from=2027-01-10&to=2027-01-09', EN);
    expect(reversed.json().error.details.fields).toEqual([{ field: 'querystring.to', message: 'The end date must be on or after the start date.' }]);
    expect((await admin.get('/api/slots?from=2027-01-10')).statusCode).toBe(400);
    expect((await admin.get('/api/slots')).statusCode).toBe(400);
    expect((await ctx.app.inject({ method: 'GET', url: '/api/slots?from=2027-01-01&to=2027-01-02' })).statusCode).toBe(401);
  });

  it('shows a teacher the slots of the sessions they train, and staff every slot', async () => {
    const tenant = await createTenant(ctx.db);
    const other = await addSession(ctx.db, tenant, { name: 'Autre formateur', teacher_id: tenant.admin.id });
    const othersSlot = await addSlot(ctx.db, tenant, other.id, { date: '2026-03-03' });
    const range = 'from=2026-03-01&to=2026-03-31';

    const teacher = await ctx.login(tenant.teacher);
    expect(idsOf((await teacher.get(`/api/slots?${range}`)).json().items)).toEqual([tenant.slot.id]);
    expect((await teacher.get(`/api/slots?${range}&session_id=${other.id}`)).json().total).toBe(0);
    const staff = await ctx.login(tenant.staff);
    expect(idsOf((await staff.get(`/api/slots?${range}`)).json().items)).toEqual([tenant.slot.id, othersSlot]);
  });

  it('never shows another organisation’s slots or conflicts, whatever the filter', async () => {
    const a = await createTenant(ctx.db);
    const b = await createTenant(ctx.db);
    const adminA = await ctx.login(a.admin);
    const adminB = await ctx.login(b.admin);
    // Both organisations use a room called Salle 1 at the same time, with their own learner.
    const sessionA = await addSession(ctx.db, a, { location: 'Salle 1' });
    const sessionB = await addSession(ctx.db, b, { location: 'Salle 1' });
    const slotA = await addSlot(ctx.db, a, sessionA.id);
    const slotB = await addSlot(ctx.db, b, sessionB.id, { trainers: [b.teacher.id] });
    const range = 'from=2027-02-01&to=2027-02-28';

    const seenByA = (await adminA.get(`/api/slots?${range}`)).json();
    expect(idsOf(seenByA.items)).toEqual([slotA]);
    expect(seenByA.items[0].conflicts).toEqual([]);
    expect(idsOf((await adminB.get(`/api/slots?${range}`)).json().items)).toEqual([slotB]);
    for (const filter of [`teacher_id=${b.teacher.id}`, `session_id=${sessionB.id}`, 'location=Salle%201']) {
      const filtered = (await adminA.get(`/api/slots?${range}&${filter}`)).json();
      expect(idsOf(filtered.items), filter).toEqual(filter.startsWith('location') ? [slotA] : []);
    }
    expect((await adminA.get(`/api/slots?from=2026-03-01&to=2026-03-31&session_id=${b.session.id}`)).json().total).toBe(0);
    expect(idsOf((await adminA.get('/api/slots?from=2026-03-01&to=2026-03-31')).json().items)).toEqual([a.slot.id]);
  });
});
