import type { Kysely } from 'kysely';
import { expect, it } from 'vitest';
import type { Database } from '../../db/schema';
import type { ApiClient } from '../../../tests/support/api';
import { describeApi } from '../../../tests/support/api';
import { createTenant } from '../../../tests/support/factories';

type Tenant = Awaited<ReturnType<typeof createTenant>>;
type Entry = { id: string; status: string; waitlist_position: number | null; student: { last_name: string; student_number: string | null; email: string | null } };

async function fullSession(db: Kysely<Database>, tenant: Tenant, admin: ApiClient, capacity: number, learners: number) {
  const session = await db.insertInto('sessions').values({
    organization_id: tenant.organization.id, formation_id: tenant.formation.id, name: 'Session Été',
    start_date: '2026-07-06', end_date: '2026-07-10', teacher_id: tenant.teacher.id, capacity_max: capacity,
  }).returningAll().executeTakeFirstOrThrow();
  const enrollments: Array<{ id: string; status: string; waitlist_position: number | null; session_id: string; student_id: string }> = [];
  for (let index = 0; index < learners; index += 1) {
    const student = await db.insertInto('students').values({
      organization_id: tenant.organization.id, first_name: 'Élève', last_name: `L${index}`, email: `l${index}@example.fr`, student_number: `W-${index}`,
    }).returningAll().executeTakeFirstOrThrow();
    const response = await admin.post('/api/enrollments', { session_id: session.id, student_id: student.id });
    expect(response.statusCode).toBe(201);
    enrollments.push(response.json());
  }
  return { session, enrollments };
}

describeApi('enrollments waitlist and roster', (ctx) => {
  it('waitlists learners once the session is full, with their position', async () => {
    const tenant = await createTenant(ctx.db);
    const admin = await ctx.login(tenant.admin);
    const { enrollments } = await fullSession(ctx.db, tenant, admin, 2, 4);
    expect(enrollments.map((e) => [e.status, e.waitlist_position])).toEqual([
      ['confirmed', null], ['confirmed', null], ['waitlisted', 1], ['waitlisted', 2],
    ]);
    // Promoting by hand into a full session is refused.
    const jump = await admin.patch(`/api/enrollments/${enrollments[3]!.id}`, { status: 'confirmed' });
    expect(jump.statusCode).toBe(409);
    expect(jump.json().error.code).toBe('SESSION_FULL');
    const completed = await admin.patch(`/api/enrollments/${enrollments[2]!.id}`, { status: 'completed' });
    expect(completed.statusCode).toBe(409);
  });

  it('promotes the first in line when a confirmed seat is cancelled, in the same request', async () => {
    const tenant = await createTenant(ctx.db);
    const admin = await ctx.login(tenant.admin);
    const { enrollments } = await fullSession(ctx.db, tenant, admin, 2, 5);
    const cancelled = await admin.patch(`/api/enrollments/${enrollments[0]!.id}`, { status: 'cancelled' });
    expect(cancelled.statusCode).toBe(200);
    expect(cancelled.json()).toMatchObject({ status: 'cancelled', waitlist_position: null });
    expect(cancelled.json().promoted.map((e: { id: string; status: string }) => [e.id, e.status])).toEqual([[enrollments[2]!.id, 'confirmed']]);
    expect((await admin.get(`/api/enrollments/${enrollments[3]!.id}`)).json().waitlist_position).toBe(1);

    // Cancelling a waitlisted learner frees no seat: nobody is promoted, the queue closes up.
    const leaveQueue = await admin.patch(`/api/enrollments/${enrollments[3]!.id}`, { status: 'cancelled' });
    expect(leaveQueue.json().promoted).toEqual([]);
    expect((await admin.get(`/api/enrollments/${enrollments[4]!.id}`)).json().waitlist_position).toBe(1);

    // Re-enrolling the cancelled learner puts them back at the end of the queue.
    const back = await admin.post('/api/enrollments', { session_id: enrollments[0]!.session_id, student_id: enrollments[0]!.student_id });
    expect(back.statusCode).toBe(200);
    expect(back.json()).toMatchObject({ id: enrollments[0]!.id, status: 'waitlisted', waitlist_position: 2 });
  });

  it('promotes when a seat holder is deleted, and when the capacity is raised', async () => {
    const tenant = await createTenant(ctx.db);
    const admin = await ctx.login(tenant.admin);
    const { session, enrollments } = await fullSession(ctx.db, tenant, admin, 1, 4);
    expect((await admin.delete(`/api/enrollments/${enrollments[0]!.id}`)).statusCode).toBe(204);
    expect((await admin.get(`/api/enrollments/${enrollments[1]!.id}`)).json().status).toBe('confirmed');

    // However the capacity is raised (the sessions API, or any other path), the database promotes.
    expect((await admin.patch(`/api/sessions/${session.id}`, { capacity_max: 2 })).statusCode).toBe(200);
    const roster = (await admin.get(`/api/sessions/${session.id}/enrollments`)).json();
    expect(roster.items.map((e: Entry) => [e.student.last_name, e.status, e.waitlist_position])).toEqual([
      ['L1', 'confirmed', null], ['L2', 'confirmed', null], ['L3', 'waitlisted', 1],
    ]);
    await ctx.db.updateTable('sessions').set({ capacity_max: null }).where('id', '=', session.id).execute();
    expect((await admin.get(`/api/enrollments/${enrollments[3]!.id}`)).json().status).toBe('confirmed');
  });

  it('reactivating a cancelled enrollment into a seat needs a free seat and an open session', async () => {
    const tenant = await createTenant(ctx.db);
    const admin = await ctx.login(tenant.admin);
    const { session, enrollments } = await fullSession(ctx.db, tenant, admin, 1, 2);
    await admin.patch(`/api/enrollments/${enrollments[1]!.id}`, { status: 'cancelled' });
    expect((await admin.patch(`/api/enrollments/${enrollments[1]!.id}`, { status: 'confirmed' })).json().error.code).toBe('SESSION_FULL');
    await admin.patch(`/api/enrollments/${enrollments[0]!.id}`, { status: 'cancelled' });
    await ctx.db.updateTable('sessions').set({ status: 'cancelled' }).where('id', '=', session.id).execute();
    expect((await admin.patch(`/api/enrollments/${enrollments[1]!.id}`, { status: 'confirmed' })).json().error.code).toBe('SESSION_CANCELLED');
    await ctx.db.updateTable('sessions').set({ status: 'planned' }).where('id', '=', session.id).execute();
    const pending = await admin.patch(`/api/enrollments/${enrollments[1]!.id}`, { status: 'pending' });
    expect(pending.json()).toMatchObject({ status: 'pending', cancelled_at: null });
  });

  it('lists a roster: seat holders, then the waitlist in order, with the learners and seat counts', async () => {
    const tenant = await createTenant(ctx.db);
    const admin = await ctx.login(tenant.admin);
    const { session, enrollments } = await fullSession(ctx.db, tenant, admin, 2, 5);
    await admin.patch(`/api/enrollments/${enrollments[1]!.id}`, { status: 'cancelled' });
    const roster = await admin.get(`/api/sessions/${session.id}/enrollments`);
    expect(roster.statusCode).toBe(200);
    const body = roster.json();
    expect(body.session).toMatchObject({ id: session.id, capacity_max: 2, seats_taken: 2, seats_free: 0, waitlisted: 2 });
    expect(body.total).toBe(4);
    expect(body.items.map((e: Entry) => [e.student.last_name, e.status, e.waitlist_position])).toEqual([
      ['L0', 'confirmed', null], ['L2', 'confirmed', null], ['L3', 'waitlisted', 1], ['L4', 'waitlisted', 2],
    ]);
    expect(body.items[0].student).toMatchObject({ student_number: 'W-0', email: 'l0@example.fr' });
    const withCancelled = (await admin.get(`/api/sessions/${session.id}/enrollments?include_cancelled=true&page_size=2&page=3`)).json();
    expect(withCancelled.total).toBe(5);
    expect(withCancelled.items.map((e: Entry) => e.status)).toEqual(['cancelled']);
    expect((await admin.get(`/api/sessions/${session.id}/enrollments?page=0`)).statusCode).toBe(400);
    expect((await admin.get('/api/sessions/00000000-0000-4000-8000-000000000000/enrollments')).statusCode).toBe(404);
  });
});
