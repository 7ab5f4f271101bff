import type { Kysely } from 'kysely';
import { expect, it } from 'vitest';
import type { Database } from '../../db/schema';
import { type ApiClient, describeApi } from '../../../tests/support/api';
import { createStaff, createTenant } from '../../../tests/support/factories';

type Tenant = Awaited<ReturnType<typeof createTenant>>;
type FieldError = { field: string; message: string };

const UNKNOWN_ID = '00000000-0000-4000-8000-000000000000';
const EN = { 'accept-language': 'en' };

/** A session of the tenant's formation created through the API, without slots unless asked. */
async function createSession(client: ApiClient, tenant: Tenant, overrides: Record<string, unknown> = {}) {
  const response = await client.post('/api/sessions', {
    formation_id: tenant.formation.id, name: 'Session créneaux', start_date: '2027-01-11', end_date: '2027-01-15',
    teacher_id: tenant.teacher.id, schedule: null, ...overrides,
  });
  expect(response.statusCode, response.body).toBe(201);
  return response.json() as { id: string; slot_count: number; planned_minutes: number };
}

async function storedSlots(db: Kysely<Database>, sessionId: string) {
  return db.selectFrom('session_slots')
    .select(['id', 'date', 'start_time', 'end_time', 'part_of_day', 'status', 'cancellation_reason', 'module_title', 'location'])
    .where('session_id', '=', sessionId).orderBy('date').orderBy('start_time').execute();
}

function fieldErrors(response: { json(): { error: { details: { fields: FieldError[] } } } }): FieldError[] {
  return response.json().error.details.fields;
}

describeApi('session slots API', (ctx) => {
  it('creates, lists, edits, cancels, reinstates and deletes a slot', async () => {
    const tenant = await createTenant(ctx.db);
    const admin = await ctx.login(tenant.admin);
    const session = await createSession(admin, tenant);
    expect(session).toMatchObject({ slot_count: 0, planned_minutes: 0 });

    const created = await admin.post(`/api/sessions/${session.id}/slots`, {
      date: '2027-01-12', start_time: '09:00', end_time: '12:00:00', module_title: ' Accueil ', location: 'Salle A', session_id: UNKNOWN_ID,
    });
    expect(created.statusCode, created.body).toBe(201);
    const slot = created.json();
    expect(slot).toMatchObject({
      session_id: session.id, date: '2027-01-12', start_time: '09:00', end_time: '12:00', part_of_day: 'morning', minutes: 180,
      location: 'Salle A', virtual_room_url: null, module_title: 'Accueil', status: 'planned', cancellation_reason: null,
      trainers: [], non_working_day: null, marked_count: 0,
    });
    const listed = (await admin.get(`/api/sessions/${session.id}/slots`)).json();
    expect(listed).toEqual({ items: [slot], total: 1, planned_minutes: 180 });

    const moved = await admin.patch(`/api/sessions/${session.id}/slots/${slot.id}`, {
      date: '2027-01-13', start_time: '14:00', end_time: '17:30', part_of_day: 'afternoon', virtual_room_url: 'https://visio.example.test/salle',
    });
    expect(moved.statusCode, moved.body).toBe(200);
    expect(moved.json()).toMatchObject({ date: '2027-01-13', start_time: '14:00', end_time: '17:30', part_of_day: 'afternoon', minutes: 210, module_title: 'Accueil' });

    const cancelled = await admin.patch(`/api/sessions/${session.id}/slots/${slot.id}`, { status: 'cancelled', cancellation_reason: 'Formateur malade' });
    expect(cancelled.json()).toMatchObject({ status: 'cancelled', cancellation_reason: 'Formateur malade' });
    expect((await admin.get(`/api/sessions/${session.id}/slots`)).json()).toMatchObject({ total: 1, planned_minutes: 0 });
    // A cancelled slot keeps its reason while it is edited, and loses it when reinstated.
    expect((await admin.patch(`/api/sessions/${session.id}/slots/${slot.id}`, { module_title: 'Reporté' })).json().cancellation_reason).toBe('Formateur malade');
    const reinstated = await admin.patch(`/api/sessions/${session.id}/slots/${slot.id}`, { status: 'planned' });
    expect(reinstated.json()).toMatchObject({ status: 'planned', cancellation_reason: null, module_title: 'Reporté' });

    const secretary = await ctx.login(tenant.secretary);
    const second = await secretary.post(`/api/sessions/${session.id}/slots`, { date: '2027-01-11', start_time: '18:00', end_time: '21:00' });
    expect(second.json()).toMatchObject({ part_of_day: 'evening', minutes: 180 });
    expect((await admin.get(`/api/sessions/${session.id}/slots`)).json().items.map((item: { id: string }) => item.id)).toEqual([second.json().id, slot.id]);

    expect((await secretary.delete(`/api/sessions/${session.id}/slots/${slot.id}`)).statusCode).toBe(204);
    expect((await admin.delete(`/api/sessions/${session.id}/slots/${slot.id}`)).statusCode).toBe(404);
    expect((await admin.patch(`/api/sessions/${session.id}/slots/${slot.id}`, { module_title: 'Fantôme' })).statusCode).toBe(404);
    expect((await storedSlots(ctx.db, session.id)).map((row) => row.id)).toEqual([second.json().id]);
    // A slot is addressed through its own session: another session of the organisation is a 404.
    expect((await admin.delete(`/api/sessions/${tenant.session.id}/slots/${second.json().id}`)).statusCode).toBe(404);
    expect((await admin.get(`/api/sessions/${UNKNOWN_ID}/slots`)).statusCode).toBe(404);
    expect((await admin.get('/api/sessions/abc/slots')).statusCode).toBe(400);
  });

  it('gives a slot moved to another time of day its new part of the day, unless the request names one', async () => {
    const tenant = await createTenant(ctx.db);
    const admin = await ctx.login(tenant.admin);
    const session = await createSession(admin, tenant);
    const slotUrl = `/api/sessions/${session.id}/slots/${(await admin.post(`/api/sessions/${session.id}/slots`, { date: '2027-01-12', start_time: '09:00', end_time: '12:00' })).json().id}`;
    expect((await admin.patch(slotUrl, { start_time: '18:00', end_time: '21:00' })).json()).toMatchObject({ part_of_day: 'evening', minutes: 180 });
    expect((await admin.patch(slotUrl, { start_time: '14:00', end_time: '17:00', part_of_day: 'evening' })).json().part_of_day).toBe('evening');
    expect((await admin.patch(slotUrl, { end_time: '17:30' })).json().part_of_day).toBe('evening');
    expect((await admin.patch(slotUrl, { start_time: '13:30' })).json().part_of_day).toBe('afternoon');
  });

  it('refuses invalid slots with field errors in French and English, and writes nothing', async () => {
    const tenant = await createTenant(ctx.db);
    const admin = await ctx.login(tenant.admin);
    const session = await createSession(admin, tenant);
    const url = `/api/sessions/${session.id}/slots`;
    const base = { date: '2027-01-12', start_time: '09:00', end_time: '12:30' };

    const reversedFr = await admin.post(url, { ...base, end_time: '08:00' });
    expect(reversedFr.statusCode).toBe(400);
    expect(fieldErrors(reversedFr)).toEqual([{ field: 'body.end_time', message: expect.stringContaining('L’heure de fin doit être postérieure') }]);
    const reversedEn = await admin.post(url, { ...base, end_time: '09:00' }, EN);
    expect(fieldErrors(reversedEn)).toEqual([{ field: 'body.end_time', message: expect.stringContaining('The end time must be after the start time') }]);

    for (const date of ['2027-01-10', '2027-01-16']) {
      const outside = await admin.post(url, { ...base, date }, EN);
      expect(outside.statusCode).toBe(400);
      expect(fieldErrors(outside)).toEqual([{ field: 'body.date', message: 'The slot must fall between the session’s start and end dates.' }]);
    }
    expect(fieldErrors(await admin.post(url, { ...base, date: '2027-01-16' }))[0]!.message).toContain('Le créneau doit être compris');

    const unknownPart = await admin.post(url, { ...base, part_of_day: 'night' });
    expect(fieldErrors(unknownPart).map((error) => error.field)).toEqual(['body.part_of_day']);
    const badTypes = await admin.post(url, { date: '2027-02-30', start_time: '24:00', end_time: '9h', status: 'done' });
    expect(fieldErrors(badTypes).map((error) => error.field).sort()).toEqual(['body.date', 'body.end_time', 'body.start_time', 'body.status']);

    const repeated = await admin.post(url, { ...base, trainers: [{ user_id: tenant.teacher.id }, { user_id: tenant.teacher.id, role: 'assistant' }] }, EN);
    expect(fieldErrors(repeated)).toEqual([{ field: 'body.trainers.1.user_id', message: 'This trainer is already on this slot.' }]);

    // A new slot is planned unless it says otherwise: a reason alone is refused too.
    for (const status of ['planned', undefined]) {
      const reason = await admin.post(url, { ...base, status, cancellation_reason: 'Grève' }, EN);
      expect(reason.statusCode, reason.body).toBe(400);
      expect(fieldErrors(reason)).toEqual([{ field: 'body.cancellation_reason', message: 'A cancellation reason goes only with a cancelled slot.' }]);
    }
    const reasonFr = await admin.post(url, { ...base, status: 'held', cancellation_reason: 'Grève' });
    expect(fieldErrors(reasonFr)[0]!.message).toBe('Un motif d’annulation ne s’indique que pour un créneau annulé.');

    const nul = await admin.post(url, { ...base, module_title: 'Mod\u0000ule' }, EN);
    expect(fieldErrors(nul)).toEqual([{ field: 'body.module_title', message: expect.stringContaining('NUL') }]);
    expect(fieldErrors(await admin.post(url, { ...base, location: 'a\u0000' }))[0]!.message).toContain('caractère nul');

    expect(await storedSlots(ctx.db, session.id)).toEqual([]);

    // A partial update is checked against the stored slot.
    const slot = (await admin.post(url, base)).json();
    const slotUrl = `${url}/${slot.id}`;
    const endBefore = await admin.patch(slotUrl, { end_time: '08:30' }, EN);
    expect(fieldErrors(endBefore)).toEqual([{ field: 'body.end_time', message: expect.stringContaining('The end time must be after') }]);
    expect(fieldErrors(await admin.patch(slotUrl, { start_time: '13:00' })).map((error) => error.field)).toEqual(['body.start_time']);
    expect(fieldErrors(await admin.patch(slotUrl, { date: '2027-01-18' })).map((error) => error.field)).toEqual(['body.date']);
    expect(fieldErrors(await admin.patch(slotUrl, { cancellation_reason: 'Grève' })).map((error) => error.field)).toEqual(['body.cancellation_reason']);
    expect(fieldErrors(await admin.patch(slotUrl, { module_title: '\u0000' })).map((error) => error.field)).toEqual(['body.module_title']);
    expect(await storedSlots(ctx.db, session.id)).toEqual([
      expect.objectContaining({ id: slot.id, date: '2027-01-12', start_time: '09:00:00', end_time: '12:30:00', status: 'planned', cancellation_reason: null, module_title: null }),
    ]);
  });

  it('refuses a slot overlapping another of the same session (409 SLOT_OVERLAP), not one that touches it', async () => {
    const tenant = await createTenant(ctx.db);
    const admin = await ctx.login(tenant.admin);
    const session = await createSession(admin, tenant);
    const url = `/api/sessions/${session.id}/slots`;
    const morning = (await admin.post(url, { date: '2027-01-12', start_time: '09:00', end_time: '12:30' })).json();

    const overlapping = await admin.post(url, { date: '2027-01-12', start_time: '12:00', end_time: '13:00' }, EN);
    expect(overlapping.statusCode).toBe(409);
    expect(overlapping.json().error).toMatchObject({
      code: 'SLOT_OVERLAP', message: 'The session already has a slot at that time.',
      details: { slot_id: morning.id, date: '2027-01-12', start_time: '09:00', end_time: '12:30' },
    });
    expect((await admin.post(url, { date: '2027-01-12', start_time: '10:00', end_time: '11:00' })).json().error.message).toBe('La session a déjà un créneau à ce moment-là.');

    const touching = await admin.post(url, { date: '2027-01-12', start_time: '12:30', end_time: '13:30' });
    expect(touching.statusCode).toBe(201);
    const moved = await admin.patch(`${url}/${touching.json().id}`, { start_time: '12:00' });
    expect(moved.statusCode).toBe(409);
    expect(moved.json().error.code).toBe('SLOT_OVERLAP');
    // The same hours in another session are not an overlap (the planning reports it as a conflict).
    expect((await admin.post(`/api/sessions/${(await createSession(admin, tenant)).id}/slots`, { date: '2027-01-12', start_time: '09:00', end_time: '12:30' })).statusCode).toBe(201);
    // A slot may be edited in place without clashing with itself.
    expect((await admin.patch(`${url}/${morning.id}`, { start_time: '08:30', end_time: '12:30' })).statusCode).toBe(200);

    expect((await storedSlots(ctx.db, session.id)).map((row) => [row.start_time, row.end_time])).toEqual([['08:30:00', '12:30:00'], ['12:30:00', '13:30:00']]);
  });

  it('takes a cancelled slot for free time, but refuses to reinstate it over a slot planned since (409)', async () => {
    const tenant = await createTenant(ctx.db);
    const admin = await ctx.login(tenant.admin);
    const session = await createSession(admin, tenant);
    const url = `/api/sessions/${session.id}/slots`;
    const first = (await admin.post(url, { date: '2027-01-12', start_time: '09:00', end_time: '12:30' })).json();
    await admin.patch(`${url}/${first.id}`, { status: 'cancelled', cancellation_reason: 'Salle inondée' });

    const replacement = await admin.post(url, { date: '2027-01-12', start_time: '09:00', end_time: '12:30', location: 'Salle B' });
    expect(replacement.statusCode, replacement.body).toBe(201);
    const reinstated = await admin.patch(`${url}/${first.id}`, { status: 'planned' });
    expect(reinstated.statusCode).toBe(409);
    expect(reinstated.json().error).toMatchObject({ code: 'SLOT_OVERLAP', details: { slot_id: replacement.json().id } });
    // Moved elsewhere at the same time, it may come back.
    expect((await admin.patch(`${url}/${first.id}`, { status: 'planned', date: '2027-01-13' })).statusCode).toBe(200);
    expect((await admin.get(url)).json()).toMatchObject({ total: 2, planned_minutes: 420 });
  });

  it('names several trainers with their roles, only active teachers and admins of the organisation', async () => {
    const tenant = await createTenant(ctx.db);
    const other = await createTenant(ctx.db);
    const admin = await ctx.login(tenant.admin);
    const session = await createSession(admin, tenant);
    const url = `/api/sessions/${session.id}/slots`;
    const assistant = await createStaff(ctx.db, tenant.organization.id, 'teacher', { fullName: 'Zoé Assistante' });

    const created = await admin.post(url, {
      date: '2027-01-12', start_time: '09:00', end_time: '12:30',
      trainers: [{ user_id: tenant.teacher.id }, { user_id: tenant.admin.id, role: 'co_trainer' }, { user_id: assistant.id, role: 'assistant' }],
    });
    expect(created.statusCode, created.body).toBe(201);
    expect(created.json().trainers).toEqual([
      { user_id: tenant.teacher.id, full_name: 'Test teacher', email: tenant.teacher.email, role: 'lead' },
      { user_id: tenant.admin.id, full_name: 'Test admin', email: tenant.admin.email, role: 'co_trainer' },
      { user_id: assistant.id, full_name: 'Zoé Assistante', email: assistant.email, role: 'assistant' },
    ]);
    const slotUrl = `${url}/${created.json().id}`;

    const retired = await createStaff(ctx.db, tenant.organization.id, 'teacher');
    await ctx.db.updateTable('users').set({ is_active: false }).where('id', '=', retired.id).execute();
    for (const refusedId of [retired.id, other.teacher.id, other.admin.id, tenant.secretary.id, tenant.staff.id, UNKNOWN_ID]) {
      const refused = await admin.post(url, { date: '2027-01-13', start_time: '09:00', end_time: '12:30', trainers: [{ user_id: tenant.teacher.id }, { user_id: refusedId }] }, EN);
      expect(refused.statusCode).toBe(400);
      expect(fieldErrors(refused)).toEqual([{ field: 'body.trainers.1.user_id', message: expect.stringContaining('teacher or admin') }]);
      const refusedPatch = await admin.patch(slotUrl, { trainers: [{ user_id: refusedId }] });
      expect(fieldErrors(refusedPatch).map((error) => error.field)).toEqual(['body.trainers.0.user_id']);
    }
    expect(await storedSlots(ctx.db, session.id)).toHaveLength(1);
    const kept = await ctx.db.selectFrom('session_slot_trainers').select(['user_id', 'role']).where('slot_id', '=', created.json().id).orderBy('role').execute();
    expect(kept).toHaveLength(3);

    const replaced = await admin.patch(slotUrl, { trainers: [{ user_id: assistant.id, role: 'lead' }] });
    expect(replaced.json().trainers).toEqual([{ user_id: assistant.id, full_name: 'Zoé Assistante', email: assistant.email, role: 'lead' }]);
    // Trainers left out of a patch stay; an empty list hands the slot back to the session's trainer.
    expect((await admin.patch(slotUrl, { module_title: 'Module 2' })).json().trainers).toHaveLength(1);
    expect((await admin.patch(slotUrl, { trainers: [] })).json().trainers).toEqual([]);
  });

  it('accepts a slot put on a public holiday or a Sunday by hand, and flags it', async () => {
    const tenant = await createTenant(ctx.db);
    const admin = await ctx.login(tenant.admin);
    const session = await createSession(admin, tenant, { start_date: '2026-12-21', end_date: '2026-12-27' });
    const url = `/api/sessions/${session.id}/slots`;

    const christmas = await admin.post(url, { date: '2026-12-25', start_time: '09:00', end_time: '12:30' });
    expect(christmas.statusCode).toBe(201);
    expect(christmas.json().non_working_day).toEqual({ kind: 'holiday', name: { fr: 'Noël', en: 'Christmas Day' } });
    const sunday = await admin.post(url, { date: '2026-12-27', start_time: '09:00', end_time: '12:30' });
    expect(sunday.json().non_working_day).toEqual({ kind: 'sunday', name: { fr: 'Dimanche', en: 'Sunday' } });
    const eve = await admin.post(url, { date: '2026-12-24', start_time: '09:00', end_time: '12:30' });
    expect(eve.json().non_working_day).toBeNull();

    const listed = (await admin.get(url)).json();
    expect(listed.items.map((item: { date: string; non_working_day: { kind: string } | null }) => [item.date, item.non_working_day?.kind ?? null]))
      .toEqual([['2026-12-24', null], ['2026-12-25', 'holiday'], ['2026-12-27', 'sunday']]);
    // Moving a slot off the holiday drops the flag.
    expect((await admin.patch(`${url}/${christmas.json().id}`, { date: '2026-12-23' })).json().non_working_day).toBeNull();
  });

  it('keeps the date, hours and status of a slot with attendance marks (409), but lets its other details change', async () => {
    const tenant = await createTenant(ctx.db);
    const admin = await ctx.login(tenant.admin);
    // The factory's slot (Monday 2 March 2026, 09:00–12:30) carries one mark.
    const slotUrl = `/api/sessions/${tenant.session.id}/slots/${tenant.slot.id}`;
    for (const change of [{ start_time: '09:30' }, { end_time: '12:00' }, { date: '2026-03-03' }, { status: 'cancelled' }]) {
      const refused = await admin.patch(slotUrl, change, EN);
      expect(refused.statusCode, JSON.stringify(change)).toBe(409);
      expect(refused.json().error).toMatchObject({ code: 'HAS_DEPENDENTS', details: { dependents: { attendance: 1 } }, message: expect.stringContaining('Attendance is recorded') });
    }
    const refusedDelete = await admin.delete(slotUrl);
    expect(refusedDelete.statusCode).toBe(409);
    expect(refusedDelete.json().error.message).toContain('Des présences sont saisies');

    // Resending the same hours, in either spelling, is not a move.
    const edited = await admin.patch(slotUrl, {
      module_title: 'Accueil et présentations', location: 'Salle 3', start_time: '09:00:00', end_time: '12:30', status: 'held', trainers: [{ user_id: tenant.admin.id }],
    });
    expect(edited.statusCode, edited.body).toBe(200);
    expect(edited.json()).toMatchObject({ module_title: 'Accueil et présentations', location: 'Salle 3', status: 'held', marked_count: 1, trainers: [{ user_id: tenant.admin.id }] });
    expect(await storedSlots(ctx.db, tenant.session.id)).toEqual([
      expect.objectContaining({ id: tenant.slot.id, date: '2026-03-02', start_time: '09:00:00', end_time: '12:30:00', status: 'held' }),
    ]);
    const marks = await ctx.db.selectFrom('attendance').select(['slot_id', 'date', 'status']).where('session_id', '=', tenant.session.id).execute();
    expect(marks).toEqual([{ slot_id: tenant.slot.id, date: '2026-03-02', status: 'present' }]);
  });

  it('takes marks through the attendance API once a slot has started, and then keeps the slot; not before (409 SLOT_NOT_STARTED)', async () => {
    const tenant = await createTenant(ctx.db);
    const admin = await ctx.login(tenant.admin);
    const url = `/api/sessions/${tenant.session.id}/slots`;
    const past = (await admin.post(url, { date: '2026-03-03', start_time: '13:30', end_time: '17:00' })).json();
    const saved = await admin.put(`/api/sessions/${tenant.session.id}/attendance`, { entries: [{ student_id: tenant.student.id, slot_id: past.id, status: 'absent' }] });
    expect(saved.statusCode, saved.body).toBe(200);
    expect((await admin.get(url)).json().items.find((item: { id: string }) => item.id === past.id).marked_count).toBe(1);
    expect((await admin.delete(`${url}/${past.id}`)).statusCode).toBe(409);

    const future = await createSession(admin, tenant, { start_date: '2099-06-01', end_date: '2099-06-05' });
    await ctx.db.insertInto('enrollments').values({ organization_id: tenant.organization.id, session_id: future.id, student_id: tenant.student.id, status: 'confirmed' }).execute();
    const ahead = (await admin.post(`/api/sessions/${future.id}/slots`, { date: '2099-06-01', start_time: '09:00', end_time: '12:30' })).json();
    const early = await admin.put(`/api/sessions/${future.id}/attendance`, { entries: [{ student_id: tenant.student.id, slot_id: ahead.id, status: 'present' }] }, EN);
    expect(early.statusCode).toBe(409);
    expect(early.json().error).toMatchObject({ code: 'SLOT_NOT_STARTED', details: { slot_id: ahead.id, date: '2099-06-01', start_time: '09:00' } });
    expect(await ctx.db.selectFrom('attendance').select('id').where('session_id', '=', future.id).execute()).toEqual([]);
    expect((await admin.delete(`/api/sessions/${future.id}/slots/${ahead.id}`)).statusCode).toBe(204);
  });

  it('sums the planned minutes of the slots that are not cancelled, on the list and on the session', async () => {
    const tenant = await createTenant(ctx.db);
    const admin = await ctx.login(tenant.admin);
    const url = `/api/sessions/${tenant.session.id}/slots`;
    await admin.post(url, { date: '2026-03-02', start_time: '13:30', end_time: '17:00' });
    const evening = (await admin.post(url, { date: '2026-03-03', start_time: '18:00', end_time: '21:00' })).json();
    expect((await admin.get(url)).json()).toMatchObject({ total: 3, planned_minutes: 210 + 210 + 180 });
    await admin.patch(`${url}/${evening.id}`, { status: 'cancelled' });
    const listed = (await admin.get(url)).json();
    expect(listed).toMatchObject({ total: 3, planned_minutes: 420 });
    expect(listed.items.map((item: { minutes: number }) => item.minutes)).toEqual([210, 210, 180]);
    expect((await admin.get(`/api/sessions/${tenant.session.id}`)).json()).toMatchObject({ slot_count: 3, planned_minutes: 420 });
    const listedSession = (await admin.get('/api/sessions')).json().items.find((item: { id: string }) => item.id === tenant.session.id);
    expect(listedSession).toMatchObject({ slot_count: 3, planned_minutes: 420 });
  });

  it('generates a new session’s slots: none with schedule null, the organisation’s hours by default, or the pattern given', async () => {
    const tenant = await createTenant(ctx.db);
    const admin = await ctx.login(tenant.admin);
    const empty = await createSession(admin, tenant, { schedule: null });
    expect(empty).toMatchObject({ slot_count: 0, planned_minutes: 0 });
    expect((await admin.get(`/api/sessions/${empty.id}/slots`)).json()).toEqual({ items: [], total: 0, planned_minutes: 0 });

    await ctx.db.updateTable('organizations').set({ morning_start: '08:30', afternoon_end: '16:30' }).where('id', '=', tenant.organization.id).execute();
    const byDefault = await createSession(admin, tenant, { schedule: undefined, start_date: '2027-05-03', end_date: '2027-05-09' });
    const defaultSlots = (await admin.get(`/api/sessions/${byDefault.id}/slots`)).json();
    // Monday 3 to Friday 7 May 2027, but Thursday 6 is Ascension Day.
    expect([...new Set(defaultSlots.items.map((item: { date: string }) => item.date))]).toEqual(['2027-05-03', '2027-05-04', '2027-05-05', '2027-05-07']);
    expect(defaultSlots.items.slice(0, 2).map((item: { part_of_day: string; start_time: string; end_time: string }) => [item.part_of_day, item.start_time, item.end_time]))
      .toEqual([['morning', '08:30', '12:30'], ['afternoon', '13:30', '16:30']]);
    expect(byDefault).toMatchObject({ slot_count: 8, planned_minutes: 4 * (240 + 180) });

    const evening = await createSession(admin, tenant, {
      start_date: '2027-01-11', end_date: '2027-01-22',
      schedule: { weekdays: [1, 3], parts: [{ part_of_day: 'evening', start_time: '18:00', end_time: '21:00' }] },
    });
    expect(evening).toMatchObject({ slot_count: 4, planned_minutes: 4 * 180 });
    const eveningSlots = (await admin.get(`/api/sessions/${evening.id}/slots`)).json().items;
    expect(eveningSlots.map((item: { date: string; start_time: string; end_time: string; part_of_day: string }) => `${item.date} ${item.start_time}-${item.end_time} ${item.part_of_day}`)).toEqual([
      '2027-01-11 18:00-21:00 evening', '2027-01-13 18:00-21:00 evening', '2027-01-18 18:00-21:00 evening', '2027-01-20 18:00-21:00 evening',
    ]);

    const badPattern = await admin.post('/api/sessions', {
      formation_id: tenant.formation.id, name: 'Mauvais modèle', start_date: '2027-01-11', end_date: '2027-01-15',
      schedule: { weekdays: [8], parts: [{ part_of_day: 'evening', start_time: '21:00', end_time: '18:00' }] },
    });
    expect(badPattern.statusCode).toBe(400);
    expect(fieldErrors(badPattern).map((error) => error.field).sort()).toEqual(['body.schedule.parts.0.end_time', 'body.schedule.weekdays.0']);
    expect(await ctx.db.selectFrom('sessions').select('id').where('name', '=', 'Mauvais modèle').execute()).toEqual([]);
  });

  it('lets admin and secretary write slots; teacher and staff only read (403), a teacher only their own sessions’ (404)', async () => {
    const tenant = await createTenant(ctx.db);
    const admin = await ctx.login(tenant.admin);
    const others = await createSession(admin, tenant, { teacher_id: tenant.admin.id });
    const othersSlot = (await admin.post(`/api/sessions/${others.id}/slots`, { date: '2027-01-12', start_time: '09:00', end_time: '12:30' })).json();
    const ownUrl = `/api/sessions/${tenant.session.id}/slots`;

    const teacher = await ctx.login(tenant.teacher);
    const own = await teacher.get(ownUrl);
    expect(own.statusCode).toBe(200);
    expect(own.json().items.map((item: { id: string }) => item.id)).toEqual([tenant.slot.id]);
    expect((await teacher.get(`/api/sessions/${others.id}/slots`)).statusCode).toBe(404);

    const staff = await ctx.login(tenant.staff);
    expect((await staff.get(`/api/sessions/${others.id}/slots`)).json().items.map((item: { id: string }) => item.id)).toEqual([othersSlot.id]);

    for (const client of [teacher, staff]) {
      const denied = await client.post(ownUrl, { date: '2026-03-04', start_time: '09:00', end_time: '12:30' });
      expect(denied.statusCode).toBe(403);
      expect(denied.json().error.code).toBe('FORBIDDEN');
      expect((await client.patch(`${ownUrl}/${tenant.slot.id}`, { module_title: 'Non' })).statusCode).toBe(403);
      expect((await client.delete(`/api/sessions/${others.id}/slots/${othersSlot.id}`)).statusCode).toBe(403);
      expect((await client.post(`${ownUrl}/generate`, { preview: true })).statusCode).toBe(403);
    }
    expect((await ctx.app.inject({ method: 'GET', url: ownUrl })).statusCode).toBe(401);
    expect((await ctx.app.inject({ method: 'POST', url: ownUrl, payload: { date: '2026-03-04', start_time: '09:00', end_time: '12:30' } })).statusCode).toBe(401);

    expect(await storedSlots(ctx.db, tenant.session.id)).toEqual([expect.objectContaining({ id: tenant.slot.id, module_title: null })]);
    expect(await storedSlots(ctx.db, others.id)).toEqual([expect.objectContaining({ id: othersSlot.id })]);
  });

  it('keeps organisations apart: B gets 404 on A’s session and slot, and A’s rows stay as they were', async () => {
    const a = await createTenant(ctx.db);
    const b = await createTenant(ctx.db);
    const adminA = await ctx.login(a.admin);
    const adminB = await ctx.login(b.admin);
    await adminA.patch(`/api/sessions/${a.session.id}/slots/${a.slot.id}`, { trainers: [{ user_id: a.teacher.id }] });
    const before = await storedSlots(ctx.db, a.session.id);
    const aUrl = `/api/sessions/${a.session.id}/slots`;

    expect((await adminB.get(aUrl)).statusCode).toBe(404);
    expect((await adminB.post(aUrl, { date: '2026-03-03', start_time: '09:00', end_time: '12:30' })).statusCode).toBe(404);
    expect((await adminB.patch(`${aUrl}/${a.slot.id}`, { module_title: 'Piraté', trainers: [] })).statusCode).toBe(404);
    expect((await adminB.delete(`${aUrl}/${a.slot.id}`)).statusCode).toBe(404);
    expect((await adminB.post(`${aUrl}/generate`, { replace: true })).statusCode).toBe(404);
    expect((await adminB.post(`${aUrl}/generate`, { preview: true })).statusCode).toBe(404);
    // Through B's own session, A's slot is unknown too.
    const bUrl = `/api/sessions/${b.session.id}/slots`;
    expect((await adminB.patch(`${bUrl}/${a.slot.id}`, { module_title: 'Piraté' })).statusCode).toBe(404);
    expect((await adminB.delete(`${bUrl}/${a.slot.id}`)).statusCode).toBe(404);
    // Nor can B name A's trainer on its own slot.
    const crossTrainer = await adminB.patch(`${bUrl}/${b.slot.id}`, { trainers: [{ user_id: a.teacher.id }] });
    expect(fieldErrors(crossTrainer).map((error) => error.field)).toEqual(['body.trainers.0.user_id']);
    expect((await adminB.get(bUrl)).json().items.map((item: { id: string }) => item.id)).toEqual([b.slot.id]);

    expect(await storedSlots(ctx.db, a.session.id)).toEqual(before);
    const trainers = await ctx.db.selectFrom('session_slot_trainers').select(['slot_id', 'user_id']).where('organization_id', '=', a.organization.id).execute();
    expect(trainers).toEqual([{ slot_id: a.slot.id, user_id: a.teacher.id }]);
    expect(await ctx.db.selectFrom('session_slot_trainers').select('user_id').where('organization_id', '=', b.organization.id).execute()).toEqual([]);
  });
});
