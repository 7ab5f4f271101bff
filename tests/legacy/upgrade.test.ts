import pg from 'pg';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli';
import { createServerDatabase } from '../support/engines';
import { SMALL_SIZE, buildLegacyDatabase } from '../support/legacy/builder';
import { connect } from '../../src/db/connect';
import { runUpgrade } from '../../src/migrate/legacy/upgrade';
import { autovacuumOffTables, databaseFingerprint, logicalCounts, withClient } from '../support/legacy/inspect';

const REMEDIES = ['--orphan-sessions=placeholder', '--reversed-dates=swap'];

describe('eduzen db status | upgrade | verify | cleanup on a legacy database', () => {
  let url: string;
  let original: Awaited<ReturnType<typeof logicalCounts>>;

  beforeAll(async () => {
    url = await createServerDatabase();
    await buildLegacyDatabase(url, { size: SMALL_SIZE });
    original = await logicalCounts(url);
  });

  it('status reports the legacy state, counts, keys, policies and blockers with their remedies', async () => {
    const result = await runCli(['db', 'status', '--database-url', url, '--json']);
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout).legacy;
    expect(report.state).toBe('legacy');
    expect(report.counts.program_sessions).toBe(SMALL_SIZE.sessions);
    expect(report.foreignKeys.map((key: { table: string }) => key.table)).toEqual(
      expect.arrayContaining(['enrollments', 'attendance', 'grades', 'session_documents']),
    );
    expect(report.policies.students).toContain('Auditors read students');
    const blockers = Object.fromEntries(report.blockers.map((blocker: { id: string }) => [blocker.id, blocker]));
    expect(blockers['not-null:sessions.formation_id']).toMatchObject({ count: 2, flag: '--orphan-sessions=placeholder', resolved: false });
    expect(blockers['check:sessions_dates_check']).toMatchObject({ count: 1, flag: '--reversed-dates=swap' });
    expect(blockers['check:sessions_dates_check'].sample).toHaveLength(1);
    expect(report.unknowns.tables).toEqual(['session_documents']);
    expect(report.unknowns.columns).toEqual(expect.arrayContaining(['program_sessions.room_code', 'programs.legacy_reference']));
  });

  it('stops on blockers without their remedy flags, changing nothing', async () => {
    const before = await databaseFingerprint(url);
    const result = await runCli(['db', 'upgrade', '--database-url', url, '--yes', '--no-backup', '--orphan-sessions=placeholder']);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('--reversed-dates=swap');
    expect(await databaseFingerprint(url)).toBe(before);
  });

  it('needs --yes when stdin is not a terminal, and --dry-run prints the plan without changing anything', async () => {
    const before = await databaseFingerprint(url);
    const refused = await runCli(['db', 'upgrade', '--database-url', url, '--no-backup', ...REMEDIES]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('--yes');
    const dryRun = await runCli(['db', 'upgrade', '--database-url', url, '--dry-run', ...REMEDIES]);
    expect(dryRun.code).toBe(0);
    expect(dryRun.stdout).toContain("select eduzen_upgrade.rename_table('program_sessions', 'sessions')");
    expect(dryRun.stdout).toContain('CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS sessions_organization_id_id_key');
    expect(await databaseFingerprint(url)).toBe(before);
  });

  it('upgrades with the remedies; verify passes; the schema equals a fresh install; no row is lost', async () => {
    const upgrade = await runCli(['db', 'upgrade', '--database-url', url, '--yes', '--no-backup', '--batch-size', '50', ...REMEDIES]);
    expect(upgrade.stderr).not.toContain('error');
    expect(upgrade.code).toBe(0);
    expect(upgrade.stdout).toContain('table session_documents');
    const verify = await runCli(['db', 'verify', '--database-url', url, '--json']);
    const report = JSON.parse(verify.stdout);
    expect(report.checks.filter((check: { ok: boolean }) => !check.ok)).toEqual([]);
    expect(verify.code).toBe(0);
    expect(report.extras).toEqual(expect.arrayContaining(['table session_documents', 'sessions: column room_code', 'students: policy Auditors read students']));
    const after = await logicalCounts(url);
    // One "Sessions sans formation" per organisation that had sessions without a programme.
    expect(after).toEqual({ ...original, formations: original.formations + 2 });
    await withClient(url, async (client) => {
      const placed = await client.query(
        `select s.id, f.name, (select count(*) from enrollments e where e.session_id = s.id) as enrollments
         from sessions s join formations f on f.id = s.formation_id where f.code = 'SANS-FORMATION'`,
      );
      expect(placed.rows).toHaveLength(2);
      expect(placed.rows.every((row) => row.name === 'Sessions sans formation' && Number(row.enrollments) > 0)).toBe(true);
      const loose = await client.query('select (select count(*) from attendance where session_id is null) as a, (select count(*) from grades where session_id is null) as g');
      expect(Number(loose.rows[0].a)).toBeGreaterThan(0);
      expect(Number(loose.rows[0].g)).toBeGreaterThan(0);
      const reversed = await client.query('select count(*) as n from sessions where start_date > end_date');
      expect(Number(reversed.rows[0].n)).toBe(0);
      const customPolicy = await client.query(`select 1 from pg_policies where tablename = 'sessions' and policyname = 'Anyone sees planned sessions'`);
      expect(customPolicy.rowCount).toBe(1);
      // The later product migrations ran too: the sessions' hours became slots, each mark sits on one.
      const schedule = await client.query(`select
          (select count(*) from session_slots)::int as slots,
          (select count(*) from session_former_hours)::int as former,
          (select count(*) from sessions)::int as sessions,
          (select count(*) from attendance where session_id is not null and slot_id is null)::int as unplaced`);
      expect(schedule.rows[0].slots).toBeGreaterThan(0);
      expect(schedule.rows[0].former).toBe(schedule.rows[0].sessions);
      expect(schedule.rows[0].unplaced).toBe(0);
    });
  });

  it('verify still checks the sessions’ legacy hours after they became slots: one changed value fails it', async () => {
    const changed = await withClient(url, (client) => client.query(
      `update session_former_hours set start_time = start_time + interval '1 minute'
       where session_id = (select session_id from session_former_hours order by session_id limit 1) returning session_id`));
    expect(changed.rowCount).toBe(1);
    const failing = await runCli(['db', 'verify', '--database-url', url, '--json']);
    expect(failing.code).not.toBe(0);
    const failed = JSON.parse(failing.stdout).checks.filter((check: { ok: boolean }) => !check.ok);
    expect(JSON.stringify(failed)).toMatch(/sessions: \d+ rows, snapshot \d+, CHECKSUM DIFFERS/);
    await withClient(url, (client) => client.query(
      `update session_former_hours set start_time = start_time - interval '1 minute' where session_id = $1`, [changed.rows[0].session_id]));
    const passing = await runCli(['db', 'verify', '--database-url', url, '--json']);
    expect(passing.code).toBe(0);
  });

  it('a second upgrade is a no-op that says so and changes nothing', async () => {
    const before = await databaseFingerprint(url);
    const again = await runCli(['db', 'upgrade', '--database-url', url, '--yes', '--no-backup', ...REMEDIES]);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('already upgraded');
    expect(await databaseFingerprint(url)).toBe(before);
    const status = await runCli(['db', 'status', '--database-url', url]);
    expect(status.stdout).toContain('legacy upgrade state: upgraded');
    const cleanup = await runCli(['db', 'cleanup', '--database-url', url, '--yes']);
    expect(cleanup.code).toBe(0);
    expect(cleanup.stdout).toContain('nothing to clean up');
  });

  it('status exits non-zero for a database in no known state, explaining why', async () => {
    const other = await createServerDatabase();
    const client = new pg.Client({ connectionString: other });
    await client.connect();
    await client.query('create table public.organizations (id uuid primary key); create table public.program_sessions (id uuid primary key)');
    await client.end();
    const status = await runCli(['db', 'status', '--database-url', other]);
    expect(status.code).toBe(1);
    expect(status.stdout).toContain('legacy upgrade state: unknown');
    expect(status.stdout).toContain('table enrollments is missing');
    const upgrade = await runCli(['db', 'upgrade', '--database-url', other, '--yes', '--no-backup']);
    expect(upgrade.code).toBe(1);
    expect(upgrade.stderr).toContain('no state EDUZEN knows');
  });
});

describe('autovacuum during the upgrade', () => {
  it('is off on the upgraded tables while the upgrade runs, and back on after, except where the operator had turned it off', async () => {
    const url = await createServerDatabase();
    await buildLegacyDatabase(url, { size: SMALL_SIZE });
    await withClient(url, (client) => client.query('alter table public.grades set (autovacuum_enabled = false)'));
    const during = new Map<string, string[]>();
    const handle = await connect({ engine: 'postgres', databaseUrl: url, poolSize: 4 });
    try {
      const result = await runUpgrade(handle, {
        remedies: { orphanSessions: 'placeholder', reversedDates: 'swap' },
        progressStream: { isTTY: false, write: () => true } as unknown as NodeJS.WritableStream,
        checkpoint: async (name) => {
          if (name === 'after:backfill' || name === 'after:finalize') during.set(name, await autovacuumOffTables(url));
        },
      });
      expect(result.outcome).toBe('upgraded');
    } finally {
      await handle.close();
    }
    // The legacy programs are formations by then; the new programs table is not the upgrade's to pause.
    const paused = ['attendance', 'enrollments', 'formations', 'grades', 'organizations', 'sessions', 'students', 'users'];
    expect(during.get('after:backfill')).toEqual(paused);
    expect(during.get('after:finalize')).toEqual(paused);
    expect(await autovacuumOffTables(url)).toEqual(['grades']);
    await withClient(url, async (client) => {
      expect((await client.query('select count(*)::int as n from eduzen_upgrade.autovacuum_paused')).rows[0].n).toBe(0);
    });
  });
});
