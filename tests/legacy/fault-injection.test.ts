/**
 * Kills `eduzen db upgrade` with SIGKILL at checkpoints spread across every phase
 * (EDUZEN_UPGRADE_PAUSE_AT makes it wait there), then checks that the database is either
 * untouched or finished by a re-run, and that every row is still there in both cases.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli';
import { createServerDatabase } from '../support/engines';
import { SMALL_SIZE, buildLegacyDatabase, cloneDatabase } from '../support/legacy/builder';
import { autovacuumOffTables, databaseFingerprint, logicalCounts } from '../support/legacy/inspect';

const CHECKPOINTS = [
  'after:backup', 'before:prepare', 'in:prepare', 'after:prepare', 'in:repair', 'in:remedies', 'after:remedies',
  'in:snapshot', 'after:snapshot', 'in:catalogue', 'after:catalogue', 'batch:sessions:1', 'batch:enrollments:2',
  'after:backfill', 'index:sessions_organization_id_id_key', 'index:enrollments_session_id_student_id_key',
  'after:indexes', 'in:retire', 'after:retire', 'in:attach', 'after:attach', 'validate:sessions_dates_check', 'after:validate', 'in:functions',
  'validate:enrollments_session_fkey', 'in:finalize', 'after:finalize',
];
const ARGS = ['db', 'upgrade', '--yes', '--orphan-sessions=placeholder', '--reversed-dates=swap', '--batch-size', '50'];
const PARALLEL = 5;

type Outcome = { checkpoint: string; untouched: boolean; resumed: boolean };

function killAt(databaseUrl: string, checkpoint: string, backupFile: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child: ChildProcess = spawn(process.execPath, ['bin/eduzen.js', ...ARGS, '--database-url', databaseUrl, '--backup-file', backupFile], {
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
      else reject(new Error(`the upgrade did not reach ${checkpoint}; it exited by itself:\n${stderr}`));
    });
  });
}

describe('SIGKILL at any point leaves the database untouched or resumable, with every row', () => {
  let template: string;
  let original: Awaited<ReturnType<typeof logicalCounts>>;
  let originalFingerprint: string;
  const outcomes: Outcome[] = [];

  beforeAll(async () => {
    template = await createServerDatabase();
    await buildLegacyDatabase(template, { size: SMALL_SIZE });
    original = await logicalCounts(template);
    originalFingerprint = await databaseFingerprint(template);
  });

  afterAll(() => {
    const untouched = outcomes.filter((outcome) => outcome.untouched).length;
    console.log(`kill points: ${outcomes.length}; untouched: ${untouched}; resumed by a re-run: ${outcomes.length - untouched}; rows lost: 0`);
  });

  it(`survives a SIGKILL at each of ${CHECKPOINTS.length} checkpoints`, { timeout: 240_000 }, async () => {
    expect(CHECKPOINTS.length).toBeGreaterThanOrEqual(20);
    const pending = [...CHECKPOINTS];
    const work = async () => {
      for (let checkpoint = pending.shift(); checkpoint; checkpoint = pending.shift()) {
        const url = await cloneDatabase(template, `k_${randomUUID().replace(/-/g, '').slice(0, 20)}`);
        await killAt(url, checkpoint, `/tmp/eduzen-kill-${randomUUID()}.sql`);
        const afterKill = await logicalCounts(url);
        // Remedies may already have added the placeholder formations: nothing else changes count.
        expect({ ...afterKill, formations: original.formations }, checkpoint).toEqual(original);
        const untouched = (await databaseFingerprint(url)) === originalFingerprint;
        const rerun = await runCli([...ARGS, '--no-backup', '--database-url', url]);
        expect(rerun.code, `${checkpoint}: ${rerun.stderr}`).toBe(0);
        const verify = await runCli(['db', 'verify', '--database-url', url]);
        expect(verify.code, `${checkpoint}: ${verify.stdout}`).toBe(0);
        expect(await logicalCounts(url), checkpoint).toEqual({ ...original, formations: original.formations + 2 });
        // Autovacuum, paused for the run, is back on every table once the re-run has finished.
        expect(await autovacuumOffTables(url), checkpoint).toEqual([]);
        outcomes.push({ checkpoint, untouched, resumed: !untouched });
      }
    };
    await Promise.all(Array.from({ length: PARALLEL }, work));
    expect(outcomes).toHaveLength(CHECKPOINTS.length);
    // The earliest kill points change nothing at all.
    expect(outcomes.find((outcome) => outcome.checkpoint === 'before:prepare')?.untouched).toBe(true);
  });
});
