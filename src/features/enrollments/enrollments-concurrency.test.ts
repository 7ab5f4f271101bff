/**
 * Seats under concurrent requests, on the real server engine only: PGlite has one connection,
 * so its transactions never overlap. Here the app's pool has 10 connections and the requests
 * run at the same time; the lock on the session row is what keeps the seat count true.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseHandle } from '../../db/connect';
import { createTestApp, loginAs } from '../../../tests/support/api';
import { openMigratedDatabase } from '../../../tests/support/engines';
import { createTenant } from '../../../tests/support/factories';

const CAPACITY = 4;

describe('enrollments under concurrent requests [postgres]', () => {
  let handle: DatabaseHandle;
  let app: FastifyInstance;

  beforeAll(async () => {
    ({ handle } = await openMigratedDatabase('postgres'));
    app = await createTestApp(handle);
  });
  afterAll(async () => {
    await app?.close();
    await handle?.close();
  });

  async function statusesOf(sessionId: string) {
    const rows = await handle.db.selectFrom('enrollments').select(['id', 'status', 'enrolled_at'])
      .where('session_id', '=', sessionId).orderBy('enrolled_at').orderBy('id').execute();
    const count = (status: string) => rows.filter((row) => row.status === status).length;
    return { rows, confirmed: count('confirmed'), waitlisted: count('waitlisted'), cancelled: count('cancelled') };
  }

  it('never overbooks, and promotes exactly one waitlisted learner per seat freed concurrently', async () => {
    const tenant = await createTenant(handle.db);
    const admin = await loginAs(app, tenant.admin);
    const session = await handle.db.insertInto('sessions').values({
      organization_id: tenant.organization.id, formation_id: tenant.formation.id, name: 'Session très demandée',
      start_date: '2026-09-07', end_date: '2026-09-11', capacity_max: CAPACITY,
    }).returningAll().executeTakeFirstOrThrow();
    const students = await handle.db.insertInto('students')
      .values(Array.from({ length: 3 * CAPACITY }, (_, index) => ({
        organization_id: tenant.organization.id, first_name: 'Élève', last_name: `C${index}`,
      })))
      .returning('id').execute();

    const enrolled = await Promise.all(students.map((student) =>
      admin.post('/api/enrollments', { session_id: session.id, student_id: student.id })));
    expect(enrolled.map((response) => response.statusCode)).toEqual(students.map(() => 201));
    const bodies = enrolled.map((response) => response.json() as { id: string; status: string; waitlist_position: number | null });
    expect(bodies.filter((body) => body.status === 'confirmed')).toHaveLength(CAPACITY);
    const positions = bodies.filter((body) => body.status === 'waitlisted').map((body) => body.waitlist_position).sort((a, b) => a! - b!);
    expect(positions).toEqual(Array.from({ length: 2 * CAPACITY }, (_, index) => index + 1));
    const afterEnrolling = await statusesOf(session.id);
    expect(afterEnrolling).toMatchObject({ confirmed: CAPACITY, waitlisted: 2 * CAPACITY });
    // The seats went to the first enrolled: nobody confirmed after someone waitlisted.
    expect(afterEnrolling.rows.slice(0, CAPACITY).every((row) => row.status === 'confirmed')).toBe(true);

    const confirmedIds = bodies.filter((body) => body.status === 'confirmed').map((body) => body.id);
    const firstInLine = afterEnrolling.rows.slice(CAPACITY, 2 * CAPACITY).map((row) => row.id).sort();
    const cancelled = await Promise.all(confirmedIds.map((id) => admin.patch(`/api/enrollments/${id}`, { status: 'cancelled' })));
    expect(cancelled.map((response) => response.statusCode)).toEqual(confirmedIds.map(() => 200));
    const promoted = cancelled.flatMap((response) => (response.json().promoted as Array<{ id: string }>).map((entry) => entry.id));
    expect(promoted.sort()).toEqual(firstInLine);
    expect(await statusesOf(session.id)).toMatchObject({ confirmed: CAPACITY, waitlisted: CAPACITY, cancelled: CAPACITY });

    // The same learners again, all at once: one row per learner, no extra seat.
    const again = await Promise.all(students.map((student) =>
      admin.post('/api/enrollments', { session_id: session.id, student_id: student.id })));
    expect(again.filter((response) => response.statusCode === 409)).toHaveLength(2 * CAPACITY);
    expect(again.filter((response) => response.statusCode === 200).map((response) => response.json().status))
      .toEqual(Array.from({ length: CAPACITY }, () => 'waitlisted'));
    expect(await statusesOf(session.id)).toMatchObject({ confirmed: CAPACITY, waitlisted: 2 * CAPACITY, cancelled: 0 });
  });
});
