import type { Kysely } from 'kysely';
import { expect, it } from 'vitest';
import type { Database } from '../../db/schema';
import { type ApiClient, describeApi } from '../../../tests/support/api';
import { createTenant } from '../../../tests/support/factories';

type Tenant = Awaited<ReturnType<typeof createTenant>>;
type GeneratedSlot = { date: string; part_of_day: string; start_time: string; end_time: string; minutes: number };
type FieldError = { field: string; message: string };

const EN = { 'accept-language': 'en' };
const MORNING = { part_of_day: 'morning', start_time: '09:00', end_time: '12:30' };
const EVENING = { part_of_day: 'evening', start_time: '18:00', end_time: '21:00' };

/** A session of the tenant's formation created through the API, with no slot yet. */
async function createSession(client: ApiClient, tenant: Tenant, dates: { start_date: string; end_date: string }) {
  const response = await client.post('/api/sessions', {
    formation_id: tenant.formation.id, name: 'Session générée', teacher_id: tenant.teacher.id, schedule: null, ...dates,
  });
  expect(response.statusCode, response.body).toBe(201);
  return response.json() as { id: string };
}

/** The stored slots of a session, in the shape generation reports them. */
async function storedSlots(db: Kysely<Database>, sessionId: string) {
  const rows = await db.selectFrom('session_slots').select(['id', 'date', 'part_of_day', 'start_time', 'end_time', 'status'])
    .where('session_id', '=', sessionId).orderBy('date').orderBy('start_time').execute();
  return rows.map((row) => ({ ...row, start_time: row.start_time.slice(0, 5), end_time: row.end_time.slice(0, 5) }));
}

function describeSlots(slots: readonly Pick<GeneratedSlot, 'date' | 'start_time' | 'end_time'>[]) {
  return slots.map((slot) => `${slot.date} ${slot.start_time}-${slot.end_time}`);
}

function fieldErrors(response: { json(): { error: { details: { fields: FieldError[] } } } }): FieldError[] {
  return response.json().error.details.fields;
}

describeApi('slot generation API', (ctx) => {
  it('previews without writing, then writes exactly what the preview announced', async () => {
    const tenant = await createTenant(ctx.db);
    const admin = await ctx.login(tenant.admin);
    const session = await createSession(admin, tenant, { start_date: '2027-01-11', end_date: '2027-01-15' });
    const url = `/api/sessions/${session.id}/slots/generate`;

    const preview = await admin.post(url, { preview: true });
    expect(preview.statusCode, preview.body).toBe(200);
    const announced = preview.json();
    expect(announced).toMatchObject({ preview: true, skipped: [], overlapping: [], removed_count: 0, kept_with_marks: 0, planned_minutes: 10 * 210 });
    expect(announced.created).toHaveLength(10);
    expect(announced.created[0]).toEqual({ date: '2027-01-11', part_of_day: 'morning', start_time: '09:00', end_time: '12:30', minutes: 210 });
    expect(announced.created[1]).toEqual({ date: '2027-01-11', part_of_day: 'afternoon', start_time: '13:30', end_time: '17:00', minutes: 210 });
    expect(await storedSlots(ctx.db, session.id)).toEqual([]);
    expect((await admin.get(`/api/sessions/${session.id}`)).json()).toMatchObject({ slot_count: 0, planned_minutes: 0 });

    const generated = await admin.post(url, {});
    expect(generated.statusCode).toBe(200);
    expect(generated.json()).toEqual({ ...announced, preview: false });
    const stored = await storedSlots(ctx.db, session.id);
    expect(stored.map(({ date, part_of_day, start_time, end_time }) => ({ date, part_of_day, start_time, end_time })))
      .toEqual(announced.created.map(({ minutes: _minutes, ...slot }: GeneratedSlot) => slot));
    expect(stored.every((slot) => slot.status === 'planned')).toBe(true);
    expect((await admin.get(`/api/sessions/${session.id}`)).json()).toMatchObject({ slot_count: 10, planned_minutes: 2100 });

    // The secretary generates too.
    const secretary = await ctx.login(tenant.secretary);
    expect((await secretary.post(url, { preview: true })).json().overlapping).toHaveLength(10);
  });

  it('skips Christmas and New Year’s Day across the holidays, and reports them', async () => {
    const tenant = await createTenant(ctx.db);
    const admin = await ctx.login(tenant.admin);
    const session = await createSession(admin, tenant, { start_date: '2026-12-21', end_date: '2027-01-03' });
    const result = (await admin.post(`/api/sessions/${session.id}/slots/generate`, {})).json();
    expect(result.skipped).toEqual([
      { date: '2026-12-25', kind: 'holiday', name: { fr: 'Noël', en: 'Christmas Day' } },
      { date: '2027-01-01', kind: 'holiday', name: { fr: 'Jour de l’an', en: 'New Year’s Day' } },
    ]);
    const dates = [...new Set((await storedSlots(ctx.db, session.id)).map((slot) => slot.date))];
    expect(dates).toEqual(['2026-12-21', '2026-12-22', '2026-12-23', '2026-12-24', '2026-12-28', '2026-12-29', '2026-12-30', '2026-12-31']);
    expect(result.created).toHaveLength(16);
  });

  it('skips Sundays even when weekday 7 is asked for, unless skip_non_working_days is false', async () => {
    const tenant = await createTenant(ctx.db);
    const admin = await ctx.login(tenant.admin);
    const session = await createSession(admin, tenant, { start_date: '2027-01-11', end_date: '2027-01-24' });
    const url = `/api/sessions/${session.id}/slots/generate`;

    const weekend = (await admin.post(url, { weekdays: [6, 7], parts: [MORNING] })).json();
    expect(describeSlots(weekend.created)).toEqual(['2027-01-16 09:00-12:30', '2027-01-23 09:00-12:30']);
    expect(weekend.skipped).toEqual([
      { date: '2027-01-17', kind: 'sunday', name: { fr: 'Dimanche', en: 'Sunday' } },
      { date: '2027-01-24', kind: 'sunday', name: { fr: 'Dimanche', en: 'Sunday' } },
    ]);
    expect(describeSlots(await storedSlots(ctx.db, session.id))).toEqual(describeSlots(weekend.created));

    const sundays = (await admin.post(url, { weekdays: [7], parts: [MORNING], skip_non_working_days: false })).json();
    expect(describeSlots(sundays.created)).toEqual(['2027-01-17 09:00-12:30', '2027-01-24 09:00-12:30']);
    expect(sundays.skipped).toEqual([]);
    const listed = (await admin.get(`/api/sessions/${session.id}/slots`)).json();
    expect(listed.items.map((item: { date: string; non_working_day: { kind: string } | null }) => [item.date, item.non_working_day?.kind ?? null]))
      .toEqual([['2027-01-16', null], ['2027-01-17', 'sunday'], ['2027-01-23', null], ['2027-01-24', 'sunday']]);
  });

  it('replaces the unmarked slots of the period only, keeping marked ones (kept_with_marks)', async () => {
    const tenant = await createTenant(ctx.db);
    const admin = await ctx.login(tenant.admin);
    // The factory's session (2 to 6 March 2026) has one slot, the Monday morning, with a mark.
    const url = `/api/sessions/${tenant.session.id}/slots/generate`;
    const first = (await admin.post(url, {})).json();
    expect(first).toMatchObject({ removed_count: 0, kept_with_marks: 0 });
    expect(describeSlots(first.overlapping)).toEqual(['2026-03-02 09:00-12:30']);
    expect(first.created).toHaveLength(9);

    // Thursday and Friday become evenings; Monday to Wednesday stay as they are.
    const partial = (await admin.post(url, { from: '2026-03-05', to: '2026-03-06', parts: [EVENING], replace: true })).json();
    expect(partial).toMatchObject({ removed_count: 4, kept_with_marks: 0, overlapping: [] });
    expect(describeSlots(partial.created)).toEqual(['2026-03-05 18:00-21:00', '2026-03-06 18:00-21:00']);
    const afterPartial = await storedSlots(ctx.db, tenant.session.id);
    expect(afterPartial).toHaveLength(8);
    expect(partial.planned_minutes).toBe(6 * 210 + 2 * 180);

    // A preview of a replacement deletes nothing.
    const previewed = (await admin.post(url, { parts: [{ part_of_day: 'morning', start_time: '08:00', end_time: '12:00' }], replace: true, preview: true })).json();
    expect(previewed).toMatchObject({ preview: true, removed_count: 7, kept_with_marks: 1 });
    expect(await storedSlots(ctx.db, tenant.session.id)).toEqual(afterPartial);

    const replaced = (await admin.post(url, { parts: [{ part_of_day: 'morning', start_time: '08:00', end_time: '12:00' }], replace: true })).json();
    expect(replaced).toEqual({ ...previewed, preview: false });
    // Monday's new morning would overlap the marked slot kept in place.
    expect(describeSlots(replaced.overlapping)).toEqual(['2026-03-02 08:00-12:00']);
    expect(describeSlots(await storedSlots(ctx.db, tenant.session.id))).toEqual([
      '2026-03-02 09:00-12:30', '2026-03-03 08:00-12:00', '2026-03-04 08:00-12:00', '2026-03-05 08:00-12:00', '2026-03-06 08:00-12:00',
    ]);
    expect(replaced.planned_minutes).toBe(210 + 4 * 240);
    expect((await admin.get(`/api/sessions/${tenant.session.id}`)).json()).toMatchObject({ slot_count: 5, planned_minutes: 1170 });
    const marks = await ctx.db.selectFrom('attendance').select('slot_id').where('session_id', '=', tenant.session.id).execute();
    expect(marks).toEqual([{ slot_id: tenant.slot.id }]);
  });

  it('does not duplicate slots when run twice: the second run reports them as overlapping', async () => {
    const tenant = await createTenant(ctx.db);
    const admin = await ctx.login(tenant.admin);
    const session = await createSession(admin, tenant, { start_date: '2027-01-11', end_date: '2027-01-15' });
    const url = `/api/sessions/${session.id}/slots/generate`;
    const first = (await admin.post(url, {})).json();
    const stored = await storedSlots(ctx.db, session.id);

    const second = (await admin.post(url, {})).json();
    expect(second).toMatchObject({ created: [], removed_count: 0, planned_minutes: first.planned_minutes });
    expect(second.overlapping).toEqual(first.created);
    expect(await storedSlots(ctx.db, session.id)).toEqual(stored);

    // A cancelled slot takes no time: generation plans its hours again, and it cannot come back over them.
    const cancelled = stored[0]!;
    await admin.patch(`/api/sessions/${session.id}/slots/${cancelled.id}`, { status: 'cancelled' });
    const third = (await admin.post(url, {})).json();
    expect(describeSlots(third.created)).toEqual(['2027-01-11 09:00-12:30']);
    expect(third.overlapping).toHaveLength(9);
    const reinstated = await admin.patch(`/api/sessions/${session.id}/slots/${cancelled.id}`, { status: 'planned' });
    expect(reinstated.statusCode).toBe(409);
    expect(reinstated.json().error.code).toBe('SLOT_OVERLAP');
    expect((await admin.get(`/api/sessions/${session.id}/slots`)).json()).toMatchObject({ total: 11, planned_minutes: 2100 });
  });

  it('refuses a period outside the session’s dates, or reversed (400), writing nothing', async () => {
    const tenant = await createTenant(ctx.db);
    const admin = await ctx.login(tenant.admin);
    const session = await createSession(admin, tenant, { start_date: '2027-01-11', end_date: '2027-01-15' });
    const url = `/api/sessions/${session.id}/slots/generate`;

    const cases: [Record<string, string>, string][] = [
      [{ from: '2027-01-10' }, 'body.from'],
      [{ to: '2027-01-16' }, 'body.to'],
      [{ from: '2027-01-18' }, 'body.from'],
      [{ to: '2027-01-08' }, 'body.to'],
      [{ from: '2027-01-04', to: '2027-01-08' }, 'body.from'],
    ];
    for (const [period, field] of cases) {
      const refused = await admin.post(url, period, EN);
      expect(refused.statusCode, JSON.stringify(period)).toBe(400);
      expect(fieldErrors(refused), JSON.stringify(period)).toEqual([{ field, message: 'The slot must fall between the session’s start and end dates.' }]);
    }
    expect(fieldErrors(await admin.post(url, { from: '2027-01-10' }))[0]!.message).toContain('Le créneau doit être compris');
    const reversed = await admin.post(url, { from: '2027-01-14', to: '2027-01-12' }, EN);
    expect(fieldErrors(reversed)).toEqual([{ field: 'body.to', message: 'The end date must be on or after the start date.' }]);
    expect(fieldErrors(await admin.post(url, { from: '2027-13-01' })).map((error) => error.field)).toEqual(['body.from']);
    expect(await storedSlots(ctx.db, session.id)).toEqual([]);
  });

  it('refuses a pattern whose parts overlap, repeat or end before they start, and bad weekdays (400)', async () => {
    const tenant = await createTenant(ctx.db);
    const admin = await ctx.login(tenant.admin);
    const session = await createSession(admin, tenant, { start_date: '2027-01-11', end_date: '2027-01-15' });
    const url = `/api/sessions/${session.id}/slots/generate`;

    const overlapping = await admin.post(url, { parts: [MORNING, { part_of_day: 'afternoon', start_time: '12:00', end_time: '17:00' }] }, EN);
    expect(overlapping.statusCode).toBe(400);
    expect(fieldErrors(overlapping)).toEqual([{ field: 'body.parts.1.start_time', message: 'Two parts of the day overlap: check their hours.' }]);
    expect(fieldErrors(await admin.post(url, { parts: [MORNING, { ...MORNING, start_time: '08:00' }] }))).toEqual([
      { field: 'body.parts.1.part_of_day', message: 'Chaque partie de la journée (matin, après-midi, soir) ne peut figurer qu’une fois.' },
      { field: 'body.parts.1.start_time', message: 'Deux parties de la journée se chevauchent : vérifiez leurs horaires.' },
    ]);
    // Touching parts are fine (checked without writing).
    const touching = await admin.post(url, { parts: [MORNING, { part_of_day: 'afternoon', start_time: '12:30', end_time: '17:00' }], preview: true });
    expect(touching.statusCode).toBe(200);

    expect(fieldErrors(await admin.post(url, { parts: [{ ...EVENING, end_time: '17:00' }] })).map((error) => error.field)).toEqual(['body.parts.0.end_time']);
    expect(fieldErrors(await admin.post(url, { parts: [] })).map((error) => error.field)).toEqual(['body.parts']);
    expect(fieldErrors(await admin.post(url, { parts: [{ ...MORNING, part_of_day: 'night' }] })).map((error) => error.field)).toEqual(['body.parts.0.part_of_day']);
    expect(fieldErrors(await admin.post(url, { weekdays: [0, 8] })).map((error) => error.field)).toEqual(['body.weekdays.0', 'body.weekdays.1']);
    expect(fieldErrors(await admin.post(url, { weekdays: [] })).map((error) => error.field)).toEqual(['body.weekdays']);
    expect(await storedSlots(ctx.db, session.id)).toEqual([]);
  });

  it('refuses a pattern that would make more than 7,400 slots (400 too_many_slots), even in a preview', async () => {
    const tenant = await createTenant(ctx.db);
    const admin = await ctx.login(tenant.admin);
    const session = await createSession(admin, tenant, { start_date: '2027-01-01', end_date: '2036-12-31' });
    const url = `/api/sessions/${session.id}/slots/generate`;
    // Three parts every day for ten years: about 11,000 slots.
    const pattern = { weekdays: [1, 2, 3, 4, 5, 6, 7], parts: [MORNING, { part_of_day: 'afternoon', start_time: '13:30', end_time: '17:00' }, EVENING], skip_non_working_days: false };
    for (const preview of [true, false]) {
      const refused = await admin.post(url, { ...pattern, preview }, EN);
      expect(refused.statusCode).toBe(400);
      expect(fieldErrors(refused)).toEqual([{ field: 'body.to', message: 'This pattern would make too many slots (more than 7,400): shorten the period.' }]);
    }
    expect(fieldErrors(await admin.post(url, pattern))[0]!.message).toContain('trop de créneaux');
    expect(await storedSlots(ctx.db, session.id)).toEqual([]);
    // The same pattern over one year is within bounds.
    const oneYear = (await admin.post(url, { ...pattern, to: '2027-12-31', preview: true })).json();
    expect(oneYear.created).toHaveLength(365 * 3);

    // Given when creating a session, the error names the schedule and no session is made.
    const created = await admin.post('/api/sessions', {
      formation_id: tenant.formation.id, name: 'Dix ans chaque jour', start_date: '2027-01-01', end_date: '2036-12-31', schedule: pattern,
    }, EN);
    expect(created.statusCode).toBe(400);
    expect(fieldErrors(created)).toEqual([{ field: 'body.schedule', message: 'This pattern would make too many slots (more than 7,400): shorten the period.' }]);
    expect(await ctx.db.selectFrom('sessions').select('id').where('name', '=', 'Dix ans chaque jour').execute()).toEqual([]);
  });
});
