/**
 * `eduzen db upgrade --rollback`: an upgrade killed (SIGKILL) at checkpoints across every phase,
 * then rolled back, leaves the legacy database exactly as it was (the fingerprint, the wider
 * catalogue of tests/support/legacy/catalogue.ts, the checksums of every table); a normal upgrade
 * then passes verify. The rollback itself is killed at its own checkpoints and run again, to the
 * same end. One legacy build serves every case: each clones it (`create database … template`).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DatabaseHandle, connect } from '../../src/db/connect';
import { detectState } from '../../src/migrate/legacy/detect';
import { runRollback } from '../../src/migrate/legacy/rollback';
import { UpgradeRefused, runUpgrade } from '../../src/migrate/legacy/upgrade';
import { verifyDatabase } from '../../src/migrate/legacy/verify';
import { runCli } from '../support/cli';
import { createServerDatabase } from '../support/engines';
import { ORPHAN_CHILDREN_AWAY, SMALL_SIZE, buildLegacyDatabase, buildLegacyShape, cloneDatabase, oldScriptToTheEnd } from '../support/legacy/builder';
import { type Catalogue, type Query, catalogueOf, onServer, tableChecksums } from '../support/legacy/catalogue';
import { databaseFingerprint, withClient } from '../support/legacy/inspect';

const REMEDIES = ['--orphan-sessions=placeholder', '--reversed-dates=swap'];
const UPGRADE = ['db', 'upgrade', '--yes', '--no-backup', ...REMEDIES, '--batch-size', '50'];
const ROLLBACK = ['db', 'upgrade', '--rollback', '--yes'];
const PARALLEL = 4;

/**
 * The operator's own objects the upgrade changes, which a rollback must give back as they were:
 * a function under a baseline function's name (the upgrade replaces its body and grants), an
 * explicit autovacuum setting (paused by the upgrade), a disabled trigger on a legacy table
 * calling the legacy updated_at function (dropped by the catalogue phase), and Supabase's own
 * migration history (the upgrade adds two columns to it).
 */
const OPERATOR_OBJECTS = [
  'create schema supabase_migrations',
  'create table supabase_migrations.schema_migrations (version text not null primary key, statements text[], name text)',
  "insert into supabase_migrations.schema_migrations (version, name) values ('20240105120000', 'remote_schema')",
  `create function public.current_organization_id() returns uuid language sql stable
    as $$ select u.organization_id from public.users u where u.id = auth.uid() $$`,
  'grant execute on function public.current_organization_id() to anon',
  'alter table public.grades set (autovacuum_enabled = true)',
  `create trigger students_touch_disabled before update on public.students
    for each row execute function public.update_updated_at_column()`,
  'alter table public.students disable trigger students_touch_disabled',
];

/** Kill points of the upgrade, across every phase. */
const UPGRADE_KILL_POINTS = [
  'after:prepare', 'after:remedies', 'after:snapshot', 'in:catalogue', 'after:catalogue', 'batch:enrollments:2',
  'after:backfill', 'index:enrollments_session_id_student_id_key', 'in:retire', 'after:retire', 'in:attach', 'after:attach',
  'validate:sessions_dates_check', 'after:validate', 'in:functions', 'after:functions', 'in:finalize',
];

/** Kill points of the rollback itself, of an upgrade stopped in its finalize phase (the most to undo). */
const ROLLBACK_KILL_POINTS = [
  'after:rollback:prepare', 'in:rollback:functions', 'after:rollback:functions', 'rollback:drop-index:users_organization_id_role_idx',
  'after:rollback:unindex', 'in:rollback:detach', 'after:rollback:detach', 'rollback:index:enrollments_program_session_id_student_id_key',
  'after:rollback:indexes', 'in:rollback:attach', 'after:rollback:attach', 'rollback:validate:attendance_organization_id_fkey',
  'after:rollback:validate', 'in:rollback:compare', 'before:rollback:finish', 'in:rollback:finish', 'after:rollback:finish',
];

type Legacy = { fingerprint: string; catalogue: Catalogue; checksums: Record<string, string> };
type Outcome = { killedAt: string; resumedBy: string; legacyAgain: boolean; upgradedAgain: boolean };

function killAt(databaseUrl: string, args: string[], checkpoint: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child: ChildProcess = spawn(process.execPath, ['bin/eduzen.js', ...args, '--database-url', databaseUrl], {
      env: { PATH: process.env.PATH, EDUZEN_UPGRADE_PAUSE_AT: checkpoint },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stdout!.resume();
    child.stderr!.on('data', (chunk) => {
      stderr += chunk;
      if (stderr.includes(`paused at ${checkpoint}`)) child.kill('SIGKILL');
    });
    child.on('error', reject);
    child.on('exit', (_code, signal) => {
      if (signal === 'SIGKILL') resolve();
      else reject(new Error(`${args.join(' ')} did not reach ${checkpoint}; it exited by itself:\n${stderr}`));
    });
  });
}

/** A clone of `template`; a killed run's connections may take a moment to go before it can be copied. */
async function cloneOf(template: string): Promise<string> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await cloneDatabase(template, `rb_${randomUUID().replace(/-/g, '').slice(0, 20)}`);
    } catch (error) {
      if ((error as { code?: string }).code !== '55006' || attempt >= 100) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

async function legacyOf(url: string): Promise<Legacy> {
  return {
    fingerprint: await databaseFingerprint(url),
    catalogue: await onServer(url, catalogueOf),
    checksums: await onServer(url, tableChecksums),
  };
}

async function expectLegacy(url: string, legacy: Legacy, label: string): Promise<void> {
  expect(await onServer(url, catalogueOf), label).toEqual(legacy.catalogue);
  expect(await onServer(url, tableChecksums), label).toEqual(legacy.checksums);
  expect(await databaseFingerprint(url), label).toBe(legacy.fingerprint);
}

async function upgradeAndVerify(url: string, label: string): Promise<void> {
  const upgrade = await runCli([...UPGRADE, '--database-url', url]);
  expect(upgrade.code, `${label}: ${upgrade.stderr}`).toBe(0);
  const verify = await runCli(['db', 'verify', '--database-url', url]);
  expect(verify.code, `${label}: ${verify.stdout}`).toBe(0);
}

async function inParallel<T>(items: T[], work: (item: T) => Promise<void>): Promise<void> {
  const queue = [...items];
  await Promise.all(Array.from({ length: PARALLEL }, async () => {
    for (let item = queue.shift(); item !== undefined; item = queue.shift()) await work(item);
  }));
}

describe('eduzen db upgrade --rollback returns a partial upgrade to the exact legacy state', () => {
  let template: string;
  let partialTemplate: string;
  let legacy: Legacy;
  const upgradeOutcomes: Outcome[] = [];
  const rollbackOutcomes: Outcome[] = [];

  beforeAll(async () => {
    template = await createServerDatabase();
    await buildLegacyDatabase(template, { size: SMALL_SIZE, extraSql: OPERATOR_OBJECTS });
    legacy = await legacyOf(template);
    // An upgrade stopped in its last exclusive phase: everything but finalize to undo.
    partialTemplate = await cloneOf(template);
    await killAt(partialTemplate, UPGRADE, 'in:finalize');
  });

  afterAll(() => {
    const tally = (outcomes: Outcome[]) => {
      const by = new Map<string, number>();
      for (const outcome of outcomes) by.set(outcome.resumedBy, (by.get(outcome.resumedBy) ?? 0) + 1);
      const legacyAgain = outcomes.filter((outcome) => outcome.legacyAgain).length;
      const upgradedAgain = outcomes.filter((outcome) => outcome.upgradedAgain).length;
      return `${outcomes.length} kill points; ${[...by].map(([how, n]) => `${how}: ${n}`).join(', ')}; exact legacy state after: ${legacyAgain}; upgraded and verified after: ${upgradedAgain}`;
    };
    console.log(`upgrade killed, then rolled back: ${tally(upgradeOutcomes)}`);
    console.log(`rollback killed, then run again: ${tally(rollbackOutcomes)}`);
  });

  it('says there is nothing to roll back on a legacy database, and refuses an upgraded one', async () => {
    const url = await cloneOf(template);
    const nothing = await runCli([...ROLLBACK, '--database-url', url]);
    expect(nothing.code).toBe(0);
    expect(nothing.stdout).toContain('nothing to roll back: no eduzen db upgrade was started on this database');
    expect(await databaseFingerprint(url)).toBe(legacy.fingerprint);

    await upgradeAndVerify(url, 'upgraded');
    const refused = await runCli([...ROLLBACK, '--database-url', url]);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toContain("the upgrade's finalize phase is done");
    expect(refused.stdout).toContain('eduzen db restore');
    const status = await runCli(['db', 'status', '--database-url', url, '--json']);
    expect(JSON.parse(status.stdout).legacy.state).toBe('upgraded');
  });

  it('status offers both ways out; --dry-run prints the rollback plan and changes nothing', async () => {
    const url = await cloneOf(partialTemplate);
    const status = await runCli(['db', 'status', '--database-url', url, '--json']);
    const report = JSON.parse(status.stdout).legacy;
    expect(report.state).toBe('partial');
    expect(report.reasons).toContain('re-run eduzen db upgrade to finish, or eduzen db upgrade --rollback to return to the legacy state');

    const before = await databaseFingerprint(url);
    const dryRun = await runCli([...ROLLBACK, '--dry-run', '--database-url', url]);
    expect(dryRun.code, dryRun.stderr).toBe(0);
    expect(dryRun.stdout).toContain('rollback plan (nothing has been changed)');
    expect(dryRun.stdout).toContain('drop trigger sessions_upgrade_fill on public.sessions;');
    expect(dryRun.stdout).toMatch(/alter table public\.sessions rename to eduzen_rollback_t\d+;/);
    expect(dryRun.stdout).toContain('CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS enrollments_program_session_id_student_id_key');
    expect(dryRun.stdout).toContain('rollback_undo_remedies: reversed-dates=swap logged on 1 row(s) of sessions');
    expect(await databaseFingerprint(url)).toBe(before);
  });

  it(`an upgrade SIGKILLed at each of ${UPGRADE_KILL_POINTS.length} checkpoints is rolled back to the legacy state, then upgrades and verifies`, { timeout: 240_000 }, async () => {
    expect(UPGRADE_KILL_POINTS.length).toBeGreaterThanOrEqual(10);
    await inParallel(UPGRADE_KILL_POINTS, async (point) => {
      const url = await cloneOf(template);
      await killAt(url, UPGRADE, point);
      const partial = await runCli(['db', 'status', '--database-url', url, '--json']);
      expect(JSON.parse(partial.stdout).legacy.state, point).toBe('partial');
      const rollback = await runCli([...ROLLBACK, '--database-url', url]);
      expect(rollback.code, `${point}: ${rollback.stderr}`).toBe(0);
      expect(rollback.stdout, point).toContain('eduzen_upgrade is dropped');
      expect(rollback.stdout, point).not.toContain('DIFFERS');
      await expectLegacy(url, legacy, point);
      const status = await runCli(['db', 'status', '--database-url', url, '--json']);
      expect(JSON.parse(status.stdout).legacy.state, point).toBe('legacy');
      await upgradeAndVerify(url, point);
      upgradeOutcomes.push({ killedAt: point, resumedBy: 'one rollback', legacyAgain: true, upgradedAgain: true });
    });
    expect(upgradeOutcomes).toHaveLength(UPGRADE_KILL_POINTS.length);
  });

  it(`a rollback SIGKILLed at each of ${ROLLBACK_KILL_POINTS.length} of its checkpoints is finished by running it again, then upgrades and verifies`, { timeout: 240_000 }, async () => {
    expect(ROLLBACK_KILL_POINTS.length).toBeGreaterThanOrEqual(10);
    await inParallel(ROLLBACK_KILL_POINTS, async (point) => {
      const url = await cloneOf(partialTemplate);
      await killAt(url, ROLLBACK, point);
      const status = JSON.parse((await runCli(['db', 'status', '--database-url', url, '--json'])).stdout).legacy;
      const finished = point === 'after:rollback:finish';
      if (finished) expect(status.state, point).toBe('legacy');
      else {
        // Once begun, only the rollback goes on: the upgrade refuses, status says how to end it.
        expect(status.reasons[0], point).toContain('re-run eduzen db upgrade --rollback');
        const upgrade = await runCli([...UPGRADE, '--database-url', url]);
        expect(upgrade.code, point).toBe(1);
        expect(upgrade.stderr, point).toContain('run eduzen db upgrade --rollback to end it');
      }
      const again = await runCli([...ROLLBACK, '--database-url', url]);
      expect(again.code, `${point}: ${again.stderr}`).toBe(0);
      expect(again.stdout, point).toContain(finished ? 'nothing to roll back' : 'eduzen_upgrade is dropped');
      expect(again.stdout, point).not.toContain('DIFFERS');
      await expectLegacy(url, legacy, point);
      await upgradeAndVerify(url, point);
      rollbackOutcomes.push({ killedAt: point, resumedBy: finished ? 'nothing left to do' : 'a second rollback', legacyAgain: true, upgradedAgain: true });
    });
    expect(rollbackOutcomes).toHaveLength(ROLLBACK_KILL_POINTS.length);
  });

  it("its exclusive steps never queue behind another connection's lock: they give up at the lock timeout and retry", async () => {
    const url = await cloneOf(partialTemplate);
    const holder = new pg.Client({ connectionString: url });
    await holder.connect();
    // A reader in a long transaction: the detach step needs organizations exclusively.
    await holder.query('begin');
    await holder.query('select count(*) from public.organizations');
    const handle = await connect({ engine: 'postgres', databaseUrl: url });
    const lines: string[] = [];
    let released: Promise<unknown> | undefined;
    try {
      const result = await runRollback(handle, {
        lockTimeoutMs: 50,
        log: (line) => {
          lines.push(line);
          // The reader ends once the rollback has given up waiting for it once.
          if (!released && line.includes('lock not granted')) released = holder.query('commit');
        },
      });
      expect(result.outcome).toBe('rolled-back');
    } finally {
      await handle.close();
      await released;
      await holder.end();
    }
    expect(lines.some((line) => /^rollback:detach: lock not granted within 50 ms; retry 1\/40/.test(line))).toBe(true);
    await expectLegacy(url, legacy, 'after retries');
  });

  it('a partial state never loops: a re-run that cannot validate is named by status, and the rollback is the way out', async () => {
    const url = await cloneOf(template);
    await killAt(url, UPGRADE, 'after:catalogue');
    // A row that breaks a check the re-run must validate (written when nothing enforced it).
    await withClient(url, (client) => client.query(`
      alter table public.sessions drop constraint sessions_dates_check;
      update public.sessions set start_date = end_date + 3 where id = (select min(id::text)::uuid from public.sessions
        where start_date <= end_date and id not in (select row_id from eduzen_upgrade.remedy_log));
      alter table public.sessions add constraint sessions_dates_check check (start_date <= end_date) not valid`));
    const rerun = await runCli([...UPGRADE, '--database-url', url]);
    expect(rerun.code).toBe(1);
    const reasons: string[] = JSON.parse((await runCli(['db', 'status', '--database-url', url, '--json'])).stdout).legacy.reasons;
    expect(reasons.some((reason) => reason.startsWith('its last attempt failed:') && reason.includes('sessions_dates_check'))).toBe(true);
    expect(reasons).toContain('a re-run cannot finish: 1 row(s) of sessions break sessions_dates_check (CHECK ((start_date <= end_date))); correct them and re-run eduzen db upgrade, or run eduzen db upgrade --rollback');
    expect(reasons).toContain('re-run eduzen db upgrade to finish, or eduzen db upgrade --rollback to return to the legacy state');

    const rollback = await runCli([...ROLLBACK, '--database-url', url]);
    expect(rollback.code, rollback.stderr).toBe(0);
    // The changed row is the users' (kept, reported); the schema is the legacy one.
    expect(rollback.stdout).toMatch(/program_sessions +60 rows \(60 in the record taken before the remedies\), DIFFERS/);
    expect(await onServer(url, catalogueOf)).toEqual(legacy.catalogue);
    const checksums = await onServer(url, tableChecksums);
    expect(Object.keys(checksums).filter((table) => checksums[table] !== legacy.checksums[table])).toEqual(['program_sessions']);
  });

  it('a database the old script ran to the end returns to the legacy state the repair made: what it carried back stays', async () => {
    const url = await createServerDatabase();
    await buildLegacyDatabase(url, { size: SMALL_SIZE, extraSql: [...ORPHAN_CHILDREN_AWAY, ...oldScriptToTheEnd()] });
    await killAt(url, UPGRADE, 'after:attach');
    const rollback = await runCli([...ROLLBACK, '--database-url', url]);
    expect(rollback.code, rollback.stderr).toBe(0);
    expect(rollback.stdout).not.toContain('DIFFERS');
    const status = JSON.parse((await runCli(['db', 'status', '--database-url', url, '--json'])).stdout).legacy;
    expect(status.leftovers).toEqual(['formations_temp', 'sessions_temp']);
    await withClient(url, async (client) => {
      // The sessions the script's inner join had left out, and their rooms, are in program_sessions again.
      const sessions = await client.query(`select (select count(*)::int from public.program_sessions) as legacy, (select count(*)::int from public.sessions_temp) as copy,
        (select count(*)::int from public.program_sessions s join public.sessions_temp t on t.id = s.id where s.room_code is not distinct from t.room_code) as rooms`);
      expect(sessions.rows[0]).toEqual({ legacy: SMALL_SIZE.sessions, copy: SMALL_SIZE.sessions, rooms: SMALL_SIZE.sessions });
      expect((await client.query(`select to_regclass('eduzen_upgrade.run') as run, to_regclass('public.sessions') as sessions`)).rows[0]).toEqual({ run: null, sessions: null });
    });
    await upgradeAndVerify(url, 'old script, rolled back');
  });

  it('--rollback --emit-sql writes the same rollback as one script for the SQL editor', async () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'eduzen-rollback-')), 'rollback.sql');
    const emitted = await runCli(['db', 'upgrade', '--rollback', '--emit-sql', file]);
    expect(emitted.code).toBe(0);
    const script = fs.readFileSync(file, 'utf8');
    const url = await cloneOf(partialTemplate);
    await withClient(url, (client) => client.query(script));
    await expectLegacy(url, legacy, 'script');
    // Run again on the legacy database it left: nothing to roll back, nothing changed.
    await expect(withClient(url, (client) => client.query(script))).rejects.toThrow(/nothing to roll back/);
    expect(await databaseFingerprint(url)).toBe(legacy.fingerprint);
    await upgradeAndVerify(url, 'after the script');
    await expect(withClient(url, (client) => client.query(script))).rejects.toThrow(/upgraded already/);
  });
});

describe('--rollback on the embedded engine', () => {
  const SINK = { isTTY: false, write: () => true } as unknown as NodeJS.WritableStream;
  let handle: DatabaseHandle;

  beforeAll(async () => {
    handle = await connect({ engine: 'embedded', dataDir: 'memory' });
    await buildLegacyShape((statement) => sql.raw(statement).execute(handle.db), { size: SMALL_SIZE, extraSql: OPERATOR_OBJECTS });
  });

  afterAll(async () => {
    await handle?.close();
  });

  const look = () => handle.db.connection().execute(async (connection) => {
    const query: Query = async (text) => (await sql.raw<Record<string, unknown>>(text).execute(connection)).rows;
    return { catalogue: await catalogueOf(query), checksums: await tableChecksums(query) };
  });
  const stopAt = (checkpoint: string) => async (name: string) => {
    if (name === checkpoint) throw new Error(`stopped at ${checkpoint}`);
  };

  it('an upgrade stopped in its attach phase, and its rollback stopped once, end legacy; upgraded again, verify passes', async () => {
    const before = await look();
    const remedies = { orphanSessions: 'placeholder', reversedDates: 'swap' } as const;
    await expect(runUpgrade(handle, { remedies, progressStream: SINK, checkpoint: stopAt('in:attach') })).rejects.toThrow('stopped at in:attach');
    expect((await detectState(handle.db)).state).toBe('partial');

    await expect(runRollback(handle, { checkpoint: stopAt('in:rollback:attach') })).rejects.toThrow('stopped at in:rollback:attach');
    await expect(runUpgrade(handle, { remedies, progressStream: SINK })).rejects.toBeInstanceOf(UpgradeRefused);
    const rollback = await runRollback(handle, {});
    expect(rollback.outcome).toBe('rolled-back');
    if (rollback.outcome === 'rolled-back') expect(rollback.report.checksums.every((check) => check.equal)).toBe(true);
    expect(await look()).toEqual(before);
    expect((await detectState(handle.db)).state).toBe('legacy');

    expect((await runUpgrade(handle, { remedies, progressStream: SINK })).outcome).toBe('upgraded');
    const report = await verifyDatabase(handle.db, undefined);
    expect(report.checks.filter((check) => !check.ok)).toEqual([]);
  });
});
