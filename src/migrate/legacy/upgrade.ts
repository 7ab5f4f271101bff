/**
 * The legacy upgrade, end to end: detect the state, run preflight, take a backup, then execute
 * the plan. Shared by `eduzen db upgrade` and the benchmark.
 */
import type { DatabaseHandle } from '../../db/connect';
import { migrate } from '../runner';
import type { CheckpointHook } from './checkpoints';
import { type Detection, detectState, recordRunError } from './detect';
import { type ExecuteReport, executePlan, resumeAutovacuum } from './execute';
import { type UpgradeStep, buildPlan } from './plan';
import { type Blocker, type Remedies, runPreflight } from './preflight';
import { keepSetAsideSessions } from './unplaced';

export type UpgradeRequest = {
  remedies: Remedies;
  lockTimeoutMs?: number;
  retries?: number;
  batchSize?: number;
  checkpoint?: CheckpointHook;
  log?: (line: string) => void;
  progressStream?: NodeJS.WritableStream & { isTTY?: boolean };
  /** Called once preflight has passed and before anything changes. */
  beforeChanges?: (plan: UpgradeStep[], blockers: Blocker[]) => Promise<void>;
};

export type UpgradeOutcome =
  | { outcome: 'already-upgraded'; detection: Detection; applied: string[] }
  | { outcome: 'fresh'; detection: Detection; applied: string[] }
  | { outcome: 'blocked'; detection: Detection; blockers: Blocker[] }
  | { outcome: 'upgraded'; detection: Detection; blockers: Blocker[]; report: ExecuteReport; preflightMs: number };

export class UpgradeRefused extends Error {
  override name = 'UpgradeRefused';
}

export async function runUpgrade(handle: DatabaseHandle, request: UpgradeRequest): Promise<UpgradeOutcome> {
  const log = request.log ?? (() => {});
  const detection = await detectState(handle.db);
  if (detection.state === 'upgraded') {
    // A kill between the finalize phase and the later migrations leaves only those to apply,
    // and autovacuum to give back.
    const applied = await migrate(handle.db, { log });
    await keepSetAsideSessions(handle.db);
    await resumeAutovacuum(handle.db, { lockTimeoutMs: request.lockTimeoutMs ?? 500, retries: request.retries ?? 40, log });
    return { outcome: 'already-upgraded', detection, applied };
  }
  if (detection.state === 'unknown') {
    throw new UpgradeRefused(`the database is in no state EDUZEN knows how to upgrade:\n  - ${detection.reasons.join('\n  - ')}`);
  }
  if (detection.run?.rollbackStartedAt) {
    throw new UpgradeRefused(
      `a rollback of this upgrade began ${detection.run.rollbackStartedAt.toISOString()} and did not finish: run eduzen db upgrade --rollback to end it (the database returns to its legacy state), then upgrade again`,
    );
  }
  if (detection.state === 'fresh') {
    return { outcome: 'fresh', detection, applied: await migrate(handle.db, { log }) };
  }
  const preflightStarted = performance.now();
  const blockers = detection.layout ? await runPreflight(handle.db, detection.layout, request.remedies, { parallel: handle.engine === 'postgres' ? 2 : 1 }) : [];
  const preflightMs = performance.now() - preflightStarted;
  if (blockers.some((blocker) => !blocker.resolved)) return { outcome: 'blocked', detection, blockers };
  const plan = buildPlan({ layout: detection.layout, remedies: request.remedies });
  await request.beforeChanges?.(plan, blockers);
  const report = await executePlan(handle.db, plan, {
    engine: handle.engine,
    lockTimeoutMs: request.lockTimeoutMs ?? 500,
    retries: request.retries ?? 40,
    batchSize: request.batchSize ?? 50_000,
    checkpoint: request.checkpoint ?? (async () => {}),
    log,
    progressStream: request.progressStream ?? process.stderr,
  }).catch(async (error: Error) => {
    // Kept for `eduzen db status`, which tells what blocks a re-run; the failure goes on up.
    // Best effort: the connection may be what failed, and the original error is the one to see.
    await recordRunError(handle.db, error.message).catch(() => undefined);
    throw error;
  });
  return { outcome: 'upgraded', detection, blockers, report, preflightMs };
}
