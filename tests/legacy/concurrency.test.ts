/**
 * While the upgrade runs, other connections keep reading and writing. None waits on a lock
 * longer than the upgrade's lock timeout plus a margin (their own lock_timeout would fire),
 * none sees a half-renamed schema, and every row they wrote is there afterwards.
 */
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { connect } from '../../src/db/connect';
import { runUpgrade } from '../../src/migrate/legacy/upgrade';
import { createServerDatabase } from '../support/engines';
import { buildLegacyDatabase } from '../support/legacy/builder';
import { withClient } from '../support/legacy/inspect';

const UPGRADE_LOCK_TIMEOUT_MS = 500;
const CLIENT_LOCK_TIMEOUT_MS = UPGRADE_LOCK_TIMEOUT_MS + 2500;
const UNDEFINED = new Set(['42P01', '42703']);

type Traffic = { reads: number; writes: number; legacyOps: number; newOps: number; inserted: string[]; failures: string[] };

async function runTraffic(url: string, stop: () => boolean, traffic: Traffic): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query(`set lock_timeout = '${CLIENT_LOCK_TIMEOUT_MS}ms'`);
  const attempt = async (legacy: string, current: string, params: unknown[] = []) => {
    try {
      const result = await client.query(legacy, params);
      traffic.legacyOps += 1;
      return result;
    } catch (error) {
      if (!UNDEFINED.has((error as { code?: string }).code ?? '')) throw error;
      const result = await client.query(current, params);
      traffic.newOps += 1;
      return result;
    }
  };
  try {
    while (!stop()) {
      // The whole schema is seen in one state: old names or new names, never a mix.
      const names = await client.query(
        `select to_regclass('public.program_sessions') is not null as old_sessions, to_regclass('public.formations') is not null as formations,
                exists (select 1 from pg_attribute where attrelid = 'public.enrollments'::regclass and attname = 'program_session_id') as old_column`,
      );
      const view = names.rows[0];
      if (!(view.old_sessions === view.old_column && view.old_sessions !== view.formations)) traffic.failures.push(`half-renamed schema: ${JSON.stringify(view)}`);
      const read = await attempt(
        'select count(*) as n from program_sessions s join programs p on p.id = s.program_id join enrollments e on e.program_session_id = s.id',
        'select count(*) as n from sessions s join formations f on f.id = s.formation_id join enrollments e on e.session_id = s.id',
      );
      if (Number(read.rows[0].n) === 0) traffic.failures.push('a read saw no enrollments');
      traffic.reads += 1;
      const id = randomUUID();
      const session = await attempt(
        `select s.id, st.id as student_id, st.organization_id from program_sessions s join programs p on p.id = s.program_id
         join students st on st.organization_id = p.organization_id
         where not exists (select 1 from enrollments e where e.program_session_id = s.id and e.student_id = st.id) order by random() limit 1`,
        `select s.id, st.id as student_id, st.organization_id from sessions s join students st on st.organization_id = s.organization_id
         where s.organization_id is not null and not exists (select 1 from enrollments e where e.session_id = s.id and e.student_id = st.id) order by random() limit 1`,
      );
      const target = session.rows[0];
      if (target) {
        try {
          try {
            await client.query('insert into enrollments (id, program_session_id, student_id) values ($1, $2, $3)', [id, target.id, target.student_id]);
            traffic.legacyOps += 1;
          } catch (error) {
            if (!UNDEFINED.has((error as { code?: string }).code ?? '')) throw error;
            await client.query('insert into enrollments (id, session_id, student_id, organization_id) values ($1, $2, $3, $4)', [id, target.id, target.student_id, target.organization_id]);
            traffic.newOps += 1;
          }
          traffic.inserted.push(id);
        } catch (error) {
          // Two connections picked the same learner for the same session: the unique key says no.
          if ((error as { code?: string }).code !== '23505') throw error;
        }
      }
      await client.query(`update attendance set notes = 'vu ' || now() where id = (select id from attendance order by id limit 1)`);
      traffic.writes += 2;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  } catch (error) {
    traffic.failures.push(`${(error as { code?: string }).code ?? ''} ${(error as Error).message}`);
  } finally {
    await client.end();
  }
}

describe('the upgrade under concurrent traffic', () => {
  it('never makes other connections wait past the lock timeout, nor shows them a half-renamed schema', { timeout: 120_000 }, async () => {
    const url = await createServerDatabase();
    await buildLegacyDatabase(url, {
      size: { organizations: 3, sessions: 600, enrollmentsPerSession: 3, attendancePerSession: 3, gradesPerSession: 2 },
      awkward: false,
    });
    let done = false;
    const traffic: Traffic = { reads: 0, writes: 0, legacyOps: 0, newOps: 0, inserted: [], failures: [] };
    const workers = Array.from({ length: 4 }, () => runTraffic(url, () => done, traffic));
    const handle = await connect({ engine: 'postgres', databaseUrl: url, poolSize: 4 });
    try {
      await new Promise((resolve) => setTimeout(resolve, 300));
      const result = await runUpgrade(handle, {
        remedies: {},
        lockTimeoutMs: UPGRADE_LOCK_TIMEOUT_MS,
        batchSize: 200,
        // Widen every window between phases so traffic runs in each of them.
        checkpoint: () => new Promise((resolve) => setTimeout(resolve, 40)),
        progressStream: { isTTY: false, write: () => true } as unknown as NodeJS.WritableStream,
      });
      expect(result.outcome).toBe('upgraded');
      await new Promise((resolve) => setTimeout(resolve, 300));
    } finally {
      done = true;
      await Promise.all(workers);
      await handle.close();
    }
    expect(traffic.failures).toEqual([]);
    expect(traffic.legacyOps).toBeGreaterThan(0);
    expect(traffic.newOps).toBeGreaterThan(0);
    const present = await withClient(url, (client) =>
      client.query('select count(*) as n from enrollments where id = any ($1::uuid[])', [traffic.inserted]),
    );
    expect(Number(present.rows[0].n)).toBe(traffic.inserted.length);
  });
});

describe('users’ writes while the new columns are being filled', () => {
  it('are never refused by the upgrade’s intermediate state: rows not yet backfilled take an update, new rows need no organisation', { timeout: 120_000 }, async () => {
    const url = await createServerDatabase();
    await buildLegacyDatabase(url, {
      size: { organizations: 2, sessions: 40, enrollmentsPerSession: 3, attendancePerSession: 1, gradesPerSession: 1 },
      awkward: false,
    });
    const handle = await connect({ engine: 'postgres', databaseUrl: url, poolSize: 4 });
    const written: { session?: string; enrollment?: string; inserted?: string } = {};
    try {
      const result = await runUpgrade(handle, {
        remedies: {},
        batchSize: 10,
        progressStream: { isTTY: false, write: () => true } as unknown as NodeJS.WritableStream,
        checkpoint: async (name) => {
          if (name !== 'after:catalogue') return;
          // Between the catalogue phase and the backfill: the columns exist, empty, under their NOT NULL-to-be checks.
          await withClient(url, async (client) => {
            const session = await client.query(`update sessions set location = 'Salle des fêtes'
              where id = (select id from sessions where organization_id is null order by id limit 1) returning id, organization_id`);
            expect(session.rows[0].organization_id).not.toBeNull();
            written.session = session.rows[0].id;
            const enrollment = await client.query(`update enrollments set notes = 'relancé'
              where id = (select id from enrollments where organization_id is null order by id limit 1) returning id, organization_id, enrolled_at`);
            expect(enrollment.rows[0].organization_id).not.toBeNull();
            expect(enrollment.rows[0].enrolled_at).not.toBeNull();
            written.enrollment = enrollment.rows[0].id;
            const free = await client.query(`select s.id as session_id, st.id as student_id from sessions s
              join formations f on f.id = s.formation_id join students st on st.organization_id = f.organization_id
              where not exists (select 1 from enrollments e where e.session_id = s.id and e.student_id = st.id) order by s.id, st.id limit 1`);
            const inserted = await client.query(`insert into enrollments (id, session_id, student_id) values ($1, $2, $3) returning id, organization_id`,
              [randomUUID(), free.rows[0].session_id, free.rows[0].student_id]);
            expect(inserted.rows[0].organization_id).not.toBeNull();
            written.inserted = inserted.rows[0].id;
          });
        },
      });
      expect(result.outcome).toBe('upgraded');
    } finally {
      await handle.close();
    }
    await withClient(url, async (client) => {
      const session = await client.query('select location, organization_id from sessions where id = $1', [written.session]);
      expect(session.rows[0]).toMatchObject({ location: 'Salle des fêtes' });
      const enrollments = await client.query('select id, notes from enrollments where id = any ($1::uuid[]) order by id', [[written.enrollment, written.inserted]]);
      expect(enrollments.rowCount).toBe(2);
      expect(enrollments.rows.find((row) => row.id === written.enrollment)?.notes).toBe('relancé');
      // The fill-on-write triggers are gone with the upgrade's intermediate state.
      const triggers = await client.query(`select tgname from pg_trigger where tgname like '%upgrade_fill%'`);
      expect(triggers.rows).toEqual([]);
    });
  });
});
