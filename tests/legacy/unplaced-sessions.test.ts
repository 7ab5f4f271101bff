/**
 * Sessions whose organisation nothing tells (no programme, trainer, learner, mark or grade):
 * placed in the only organisation when there is one; otherwise set aside whole in
 * unplaced_sessions (by --unplaced-sessions=set-aside, or by --yes without a flag, which says
 * so), accounted for by verify, given back by a rollback, restored into an organisation by the
 * CLI. A session that a row of the operator's own tables points at is a blocker instead.
 */
import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DatabaseHandle, connect } from '../../src/db/connect';
import { restoreUnplacedSession } from '../../src/features/sessions/unplaced.service';
import { PLACEHOLDER_FORMATION } from '../../src/migrate/legacy/legacy-shape';
import { runRollback } from '../../src/migrate/legacy/rollback';
import { runUpgrade } from '../../src/migrate/legacy/upgrade';
import { verifyDatabase } from '../../src/migrate/legacy/verify';
import { runCli } from '../support/cli';
import { createServerDatabase } from '../support/engines';
import { SMALL_SIZE, buildLegacyDatabase, buildLegacyShape } from '../support/legacy/builder';
import { onServer, tableChecksums } from '../support/legacy/catalogue';
import { databaseFingerprint, withClient } from '../support/legacy/inspect';

const SINK = { isTTY: false, write: () => true } as unknown as NodeJS.WritableStream;
const UNPLACED = ['unplaced-0', 'unplaced-1', 'unplaced-2'];
/** Three sessions that tell no organisation: a working week, two evenings, a weekend. */
const UNPLACED_SQL = `insert into public.program_sessions (id, program_id, name, start_date, end_date, start_time, end_time,
    teacher_id, location, capacity_max, status, room_code, created_at, updated_at)
  values (md5('unplaced-0')::uuid, null, 'Atelier sans attache', '2024-03-04', '2024-03-08', '09:00', '17:00', null, 'Salle 3', 12,
      'planned', 'R9', '2023-11-02 10:15:00.123456+00', '2023-11-03 08:00:00+00'),
    (md5('unplaced-1')::uuid, null, 'Cours du soir', '2024-03-11', '2024-03-12', '18:00', '21:00', null, null, null, 'completed', null,
      '2023-11-02 10:15:00+00', '2023-11-02 10:15:00+00'),
    (md5('unplaced-2')::uuid, null, 'Week-end', '2024-03-16', '2024-03-17', '09:00', '17:00', null, null, null, 'cancelled', null,
      '2023-11-02 10:15:00+00', '2023-11-02 10:15:00+00')`;
const SEVERAL = { size: SMALL_SIZE, awkward: false, extraSql: [UNPLACED_SQL] };
/**
 * The same sessions with day hours, for the cases that carry them into the product: legacy
 * evening hours break sessions_times_check until the legacy hours are mapped (not this file's case).
 */
const PLACED_SQL = UNPLACED_SQL.replace("'18:00', '21:00'", "'08:30', '17:30'");
const UPGRADE = ['db', 'upgrade', '--yes', '--no-backup', '--batch-size', '50'];

/** The id of a session of UNPLACED_SQL: md5 of its label, as a uuid. */
function idOf(label: string): string {
  const hex = createHash('md5').update(label).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
const IDS = UNPLACED.map(idOf).sort();

async function legacyRows(url: string): Promise<Record<string, unknown>> {
  return withClient(url, async (client) => {
    const rows = await client.query(`select id::text, to_jsonb(t) as row from program_sessions t
      where id in (select md5(label)::uuid from unnest($1::text[]) label) order by id`, [UNPLACED]);
    return Object.fromEntries(rows.rows.map((row) => [row.id, row.row]));
  });
}

describe('sessions whose organisation nothing tells, on a database with several organisations (server)', () => {
  let url: string;
  let original: Record<string, unknown>;
  const ids = IDS;

  beforeAll(async () => {
    url = await createServerDatabase();
    await buildLegacyDatabase(url, SEVERAL);
    original = await legacyRows(url);
  });

  it('status names the blocker, its flag, what it does, and the other way out', async () => {
    const result = await runCli(['db', 'status', '--database-url', url, '--json']);
    expect(result.code).toBe(0);
    const blockers = JSON.parse(result.stdout).legacy.blockers as { id: string; remedy: string }[];
    const unplaced = blockers.find((blocker) => blocker.id === 'unplaced-sessions');
    expect(unplaced).toMatchObject({ count: 3, flag: '--unplaced-sessions=set-aside', resolved: false, sample: ids });
    expect(unplaced!.remedy).toContain('unplaced_sessions');
    expect(unplaced!.remedy).toContain('--default-organization=CODE');
    expect(unplaced!.remedy).toContain('--yes without either flag sets them aside');
    // They are this blocker's alone: not also counted as sessions without a programme or organisation.
    expect(blockers.map((blocker) => blocker.id)).toEqual(['unplaced-sessions']);
    const given = await runCli(['db', 'status', '--database-url', url, '--json', '--unplaced-sessions=set-aside']);
    expect(JSON.parse(given.stdout).legacy.blockers).toEqual([expect.objectContaining({ id: 'unplaced-sessions', resolved: true })]);
    const text = await runCli(['db', 'status', '--database-url', url]);
    expect(text.stdout).toContain('remedy: set them aside');
    expect(text.stdout).toContain('(--unplaced-sessions=set-aside)');
    expect((await runCli(['db', 'status', '--database-url', url, '--unplaced-sessions=drop'])).code).toBe(2);
  });

  it('db upgrade --yes without a flag takes the safe default and says so; verify passes; cleanup leaves a fresh install’s schema', async () => {
    const upgrade = await runCli([...UPGRADE, '--database-url', url]);
    expect(upgrade.stderr).not.toContain('error');
    expect(upgrade.code).toBe(0);
    expect(upgrade.stdout).toContain('--yes without --unplaced-sessions or --default-organization: the safe default --unplaced-sessions=set-aside is taken. 3 sessions');
    await withClient(url, async (client) => {
      const kept = await client.query('select id::text, legacy_row, upgrade_run_id, restored_at from unplaced_sessions order by id');
      expect(kept.rows.map((row) => row.id)).toEqual(ids);
      for (const row of kept.rows) expect(row.legacy_row, row.id).toEqual(original[row.id]);
      expect(kept.rows.every((row) => row.restored_at === null && Number(row.upgrade_run_id) > 0)).toBe(true);
      const gone = await client.query('select count(*)::int as n from sessions where id = any ($1::uuid[])', [ids]);
      expect(gone.rows[0].n).toBe(0);
    });
    const verify = await runCli(['db', 'verify', '--database-url', url, '--json']);
    const report = JSON.parse(verify.stdout);
    expect(report.checks.filter((check: { ok: boolean }) => !check.ok)).toEqual([]);
    expect(report.checks.find((check: { name: string }) => check.name.startsWith('every session set aside'))).toMatchObject({ ok: true, details: ['3 sessions set aside by the upgrade'] });
    expect(verify.code).toBe(0);
    const cleanup = await runCli(['db', 'cleanup', '--database-url', url, '--yes']);
    expect(cleanup.code).toBe(0);
    const after = JSON.parse((await runCli(['db', 'verify', '--database-url', url, '--json'])).stdout);
    expect(after.checks.find((check: { name: string }) => check.name.startsWith('the schema equals'))).toMatchObject({ ok: true });
    // Operators only: row-level security on, no policy, no privilege for the API roles.
    await withClient(url, async (client) => {
      const table = await client.query(`select c.relrowsecurity as rls, (select count(*)::int from pg_policy p where p.polrelid = c.oid) as policies,
          has_table_privilege('authenticated', c.oid, 'select') as readable
        from pg_class c where c.oid = 'public.unplaced_sessions'::regclass`);
      expect(table.rows[0]).toEqual({ rls: true, policies: 0, readable: false });
    });
  });

  it('verify fails when a session set aside is not kept', async () => {
    const removed = await withClient(url, (client) => client.query('delete from unplaced_sessions where id = $1 returning *', [ids[0]]));
    const failing = JSON.parse((await runCli(['db', 'verify', '--database-url', url, '--json'])).stdout);
    const check = failing.checks.find((entry: { name: string }) => entry.name.startsWith('every session set aside'));
    expect(check).toMatchObject({ ok: false });
    expect(check.details).toContain(`not in unplaced_sessions: ${ids[0]}`);
    const row = removed.rows[0];
    await withClient(url, (client) => client.query(
      'insert into unplaced_sessions (id, legacy_row, set_aside_at, upgrade_run_id, upgrade_started_at) values ($1, $2, $3, $4, $5)',
      [row.id, row.legacy_row, row.set_aside_at, row.upgrade_run_id, row.upgrade_started_at]));
    expect((await runCli(['db', 'verify', '--database-url', url])).code).toBe(0);
  });

  it('lists the sessions set aside and restores one, with clear errors and exit codes', async () => {
    const list = await runCli(['unplaced-sessions', 'list', '--database-url', url]);
    expect(list.code).toBe(0);
    expect(list.stdout).toContain('3 session(s) set aside:');
    expect(list.stdout).toContain(`${ids[0]}  `);
    const listed = JSON.parse((await runCli(['unplaced-sessions', 'list', '--database-url', url, '--json'])).stdout);
    expect(listed.map((entry: { id: string }) => entry.id).sort()).toEqual(ids);

    const week = idOf('unplaced-0');
    const restore = (...args: string[]) => runCli(['unplaced-sessions', 'restore', ...args, '--database-url', url]);
    const before = await databaseFingerprint(url);
    const unknown = await restore('00000000-0000-0000-0000-000000000001', '--org', 'ORG-1');
    expect(unknown).toMatchObject({ code: 1 });
    expect(unknown.stderr).toContain('no session set aside has id 00000000-0000-0000-0000-000000000001');
    const noOrg = await restore(week, '--org', 'NOPE');
    expect(noOrg.code).toBe(1);
    expect(noOrg.stderr).toContain('no organisation has code NOPE');
    const noFormation = await restore(week, '--org', 'ORG-1', '--formation', 'NOPE');
    expect(noFormation.code).toBe(1);
    expect(noFormation.stderr).toContain('organisation ORG-1 has no formation with code NOPE');
    expect((await restore('--org', 'ORG-1')).code).toBe(2);
    expect((await restore(week)).code).toBe(2);
    expect((await restore('not-an-id', '--org', 'ORG-1')).code).toBe(2);
    expect(await databaseFingerprint(url)).toBe(before);

    const restored = await restore(week, '--org', 'ORG-1');
    expect(restored.stderr).toBe('');
    expect(restored.code).toBe(0);
    expect(restored.stdout).toContain(`restored session ${week} (Atelier sans attache) into ORG-1, formation ${PLACEHOLDER_FORMATION.code}, with 10 slot(s)`);
    await withClient(url, async (client) => {
      const session = await client.query(`select s.id::text, s.name, s.start_date::text, s.end_date::text, s.status, s.location, s.capacity_max,
          s.created_at = '2023-11-02 10:15:00.123456+00' as created, o.code as org, f.name as formation
        from sessions s join organizations o on o.id = s.organization_id join formations f on f.id = s.formation_id where s.id = $1`, [week]);
      expect(session.rows).toEqual([{ id: week, name: 'Atelier sans attache', start_date: '2024-03-04', end_date: '2024-03-08', status: 'planned',
        location: 'Salle 3', capacity_max: 12, created: true, org: 'ORG-1', formation: PLACEHOLDER_FORMATION.name }]);
      // As the slots migration made them: each weekday, a morning and an afternoon of the legacy hours.
      const slots = await client.query(`select date::text, start_time::text, end_time::text, part_of_day from session_slots
        where session_id = $1 order by date, start_time`, [week]);
      expect(slots.rows).toHaveLength(10);
      expect(slots.rows.slice(0, 2)).toEqual([
        { date: '2024-03-04', start_time: '09:00:00', end_time: '12:30:00', part_of_day: 'morning' },
        { date: '2024-03-04', start_time: '13:30:00', end_time: '17:00:00', part_of_day: 'afternoon' },
      ]);
      const hours = await client.query('select start_time::text, end_time::text from session_former_hours where session_id = $1', [week]);
      expect(hours.rows).toEqual([{ start_time: '09:00:00', end_time: '17:00:00' }]);
    });
    const again = await restore(week, '--org', 'ORG-2');
    expect(again.code).toBe(1);
    expect(again.stderr).toContain(`session ${week} was already restored`);

    const evening = idOf('unplaced-1');
    const named = await restore(evening, '--org', 'ORG-2', '--formation', 'PRG-0');
    expect(named.code).toBe(0);
    expect(named.stdout).toContain('formation PRG-0, with 2 slot(s)');
    const waiting = await runCli(['unplaced-sessions', 'list', '--database-url', url]);
    expect(waiting.stdout).toContain('1 session(s) set aside:');
    expect((await runCli(['unplaced-sessions', 'list', '--all', '--database-url', url])).stdout).toContain('3 session(s) set aside:');
    const check = JSON.parse((await runCli(['db', 'verify', '--database-url', url, '--json'])).stdout).checks
      .find((entry: { name: string }) => entry.name.startsWith('every session set aside'));
    expect(check).toMatchObject({ ok: true });
  });
});

describe('sessions whose organisation nothing tells: one organisation, references, rollback (server)', () => {
  it('on a database with one organisation they go to it: information, not a blocker', async () => {
    const url = await createServerDatabase();
    await buildLegacyDatabase(url, { ...SEVERAL, size: { ...SMALL_SIZE, organizations: 1 }, extraSql: [PLACED_SQL] });
    const ids = IDS;
    const status = JSON.parse((await runCli(['db', 'status', '--database-url', url, '--json'])).stdout).legacy.blockers;
    expect(status.find((blocker: { id: string }) => blocker.id === 'unplaced-sessions')).toMatchObject({
      count: 3, resolved: true, remedy: expect.stringContaining('they go to the only organisation, ORG-0'),
    });
    expect(status.find((blocker: { id: string }) => blocker.id === 'not-null:sessions.organization_id')).toBeUndefined();
    const upgrade = await runCli([...UPGRADE, '--orphan-sessions=placeholder', '--database-url', url]);
    expect(upgrade.code).toBe(0);
    expect(upgrade.stdout).not.toContain('safe default');
    expect((await runCli(['db', 'verify', '--database-url', url])).code).toBe(0);
    await withClient(url, async (client) => {
      const placed = await client.query(`select o.code, f.code as formation from sessions s join organizations o on o.id = s.organization_id
        join formations f on f.id = s.formation_id where s.id = any ($1::uuid[])`, [ids]);
      expect(placed.rows).toEqual(ids.map(() => ({ code: 'ORG-0', formation: PLACEHOLDER_FORMATION.code })));
      expect((await client.query('select count(*)::int as n from unplaced_sessions')).rows[0].n).toBe(0);
    });
  });

  it('a session that a row of the operator’s own table points at is a blocker, not set aside: nothing changes; naming the organisation places it', async () => {
    const url = await createServerDatabase();
    await buildLegacyDatabase(url, { ...SEVERAL, extraSql: [PLACED_SQL,
      `insert into public.session_documents (id, program_session_id, title) values (md5('doc-unplaced')::uuid, md5('unplaced-0')::uuid, 'Programme')`] });
    const before = await databaseFingerprint(url);
    const blocked = await runCli([...UPGRADE, '--database-url', url]);
    expect(blocked.code).toBe(1);
    expect(blocked.stdout).toContain('1 of these sessions are pointed at by rows of public.session_documents');
    expect(blocked.stdout).toContain('(--default-organization=CODE)');
    expect(await databaseFingerprint(url)).toBe(before);
    const placed = await runCli([...UPGRADE, '--default-organization=ORG-2', '--orphan-sessions=placeholder', '--database-url', url]);
    expect(placed.code).toBe(0);
    expect((await runCli(['db', 'verify', '--database-url', url])).code).toBe(0);
    await withClient(url, async (client) => {
      const document = await client.query(`select o.code from session_documents d join sessions s on s.id = d.program_session_id
        join organizations o on o.id = s.organization_id where d.id = md5('doc-unplaced')::uuid`);
      expect(document.rows).toEqual([{ code: 'ORG-2' }]);
    });
  });

  it('a rollback of an upgrade stopped after setting them aside gives the legacy rows back exactly', async () => {
    const url = await createServerDatabase();
    await buildLegacyDatabase(url, SEVERAL);
    const original = await legacyRows(url);
    const checksums = await onServer(url, tableChecksums);
    const handle = await connect({ engine: 'postgres', databaseUrl: url });
    try {
      const stop = async (name: string) => {
        if (name === 'in:attach') throw new Error('stopped at in:attach');
      };
      await expect(runUpgrade(handle, { remedies: { unplacedSessions: 'set-aside' }, progressStream: SINK, checkpoint: stop })).rejects.toThrow('stopped at in:attach');
      const logged = await sql<{ n: number }>`select count(*)::int as n from eduzen_upgrade.remedy_log where remedy = 'unplaced-sessions=set-aside'`.execute(handle.db);
      expect(logged.rows[0]!.n).toBe(3);
      const rollback = await runRollback(handle, {});
      expect(rollback.outcome).toBe('rolled-back');
      if (rollback.outcome === 'rolled-back') expect(rollback.report.remedies['unplaced-sessions=set-aside']).toEqual({ logged: 3, undone: 3 });
    } finally {
      await handle.close();
    }
    expect(await legacyRows(url)).toEqual(original);
    expect(await onServer(url, tableChecksums)).toEqual(checksums);
  });
});

describe('sessions whose organisation nothing tells on the embedded engine (PGlite)', () => {
  let handle: DatabaseHandle;

  beforeAll(async () => {
    handle = await connect({ engine: 'embedded', dataDir: 'memory' });
    await buildLegacyShape((statement) => sql.raw(statement).execute(handle.db), SEVERAL);
  });

  afterAll(async () => {
    await handle?.close();
  });

  it('blocked without the flag; set aside with it; verify passes; one restored with its slots', async () => {
    const blocked = await runUpgrade(handle, { remedies: {}, progressStream: SINK });
    expect(blocked.outcome).toBe('blocked');
    const result = await runUpgrade(handle, { remedies: { unplacedSessions: 'set-aside' }, progressStream: SINK });
    expect(result.outcome).toBe('upgraded');
    const report = await verifyDatabase(handle.db, undefined);
    expect(report.checks.filter((check) => !check.ok)).toEqual([]);
    const kept = await sql<{ id: string; name: string }>`select id::text, legacy_row ->> 'name' as name from unplaced_sessions order by 2`.execute(handle.db);
    expect(kept.rows.map((row) => row.name)).toEqual(['Atelier sans attache', 'Cours du soir', 'Week-end']);
    const weekend = kept.rows[2]!.id;
    const restored = await restoreUnplacedSession(handle.db, { sessionId: weekend, organizationCode: 'ORG-0', placeholder: PLACEHOLDER_FORMATION });
    expect(restored).toMatchObject({ ok: true, slots: 0, formationCode: PLACEHOLDER_FORMATION.code });
    expect(await restoreUnplacedSession(handle.db, { sessionId: weekend, organizationCode: 'ORG-0', placeholder: PLACEHOLDER_FORMATION }))
      .toMatchObject({ ok: false, code: 'ALREADY_RESTORED' });
    const session = await sql<{ status: string }>`select status from sessions where id = ${weekend}::uuid`.execute(handle.db);
    expect(session.rows).toEqual([{ status: 'cancelled' }]);
  });
});
