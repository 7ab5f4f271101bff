/**
 * Runs the upgrade plan on a live database. Exclusive phases run in one transaction each, under
 * a short lock_timeout: when a lock is not granted in time the transaction rolls back and is
 * retried after a pause, so production traffic never queues behind the upgrade for longer than
 * that timeout. Backfills commit batch by batch; indexes are built CONCURRENTLY on a server.
 */
import { type Kysely, type Transaction, sql } from 'kysely';
import type { Engine } from '../../db/connect';
import { createProgress } from '../../cli/progress';
import { ensureHistoryTable, migrate } from '../runner';
import type { CheckpointHook } from './checkpoints';
import { type Phase, type UpgradeStep, backfillBatchSql } from './plan';
import { CARRIED_TABLES } from './legacy-shape';
import { lockTablesSql } from './target-sql';

// biome-ignore lint: works on any database
type AnyDb = Kysely<any>;

export type ExecuteOptions = {
  engine: Engine;
  lockTimeoutMs: number;
  retries: number;
  batchSize: number;
  checkpoint: CheckpointHook;
  log: (line: string) => void;
  progressStream: NodeJS.WritableStream & { isTTY?: boolean };
};

export type PhaseTiming = { phase: Phase; ms: number; lockHeldMs: number; lockAttempts: number };

export type ExecuteReport = { phases: PhaseTiming[]; longestLockMs: number; totalMs: number };

const LOCK_NOT_AVAILABLE = '55P03';
const ZERO_UUID = '00000000-0000-0000-0000-000000000000';

export class LockRetriesExhausted extends Error {
  override name = 'LockRetriesExhausted';
}

export async function executePlan(db: AnyDb, steps: UpgradeStep[], options: ExecuteOptions): Promise<ExecuteReport> {
  const started = performance.now();
  const phases: PhaseTiming[] = [];
  for (const [index, step] of steps.entries()) {
    const first = steps[index - 1]?.phase !== step.phase;
    const last = steps[index + 1]?.phase !== step.phase;
    if (first) {
      await options.checkpoint(`before:${step.phase}`);
      phases.push({ phase: step.phase, ms: 0, lockHeldMs: 0, lockAttempts: 0 });
      options.log(`${step.phase}: ${step.summary}`);
    }
    const timing = phases.at(-1)!;
    const stepStarted = performance.now();
    await runStep(db, step, options, timing);
    timing.ms += performance.now() - stepStarted;
    if (last) {
      options.log(`${step.phase}: done in ${Math.round(timing.ms)} ms${timing.lockAttempts > 0 ? `, exclusive lock held ${timing.lockHeldMs.toFixed(1)} ms` : ''}`);
      await options.checkpoint(`after:${step.phase}`);
    }
  }
  return {
    phases,
    longestLockMs: Math.max(0, ...phases.map((phase) => phase.lockHeldMs)),
    totalMs: performance.now() - started,
  };
}

async function runStep(db: AnyDb, step: UpgradeStep, options: ExecuteOptions, timing: PhaseTiming): Promise<void> {
  switch (step.kind) {
    case 'transaction':
      if (step.phase === 'finalize') await ensureHistoryTable(db);
      return runTransaction(db, step.phase, step.statements, step.exclusive, options, timing);
    case 'backfill':
      return runBackfill(db, step, options);
    case 'index':
      return buildIndex(db, step.index, options);
    case 'validate':
      return validateConstraints(db, options);
    case 'migrate': {
      const applied = await migrate(db, { lockTimeoutMs: Math.max(options.lockTimeoutMs, 500), log: (line) => options.log(`  ${line}`) });
      if (applied.length === 0) options.log('  no later migration to apply');
      return;
    }
  }
}

async function runTransaction(
  db: AnyDb,
  phase: Phase,
  statements: string[],
  exclusive: boolean,
  options: ExecuteOptions,
  timing: PhaseTiming,
): Promise<void> {
  for (let attempt = 1; ; attempt += 1) {
    let lockedAt = 0;
    try {
      await db.transaction().execute(async (trx: Transaction<unknown>) => {
        await sql.raw(`set local lock_timeout = '${options.lockTimeoutMs}ms'`).execute(trx);
        if (exclusive) {
          await sql.raw(lockTablesSql()).execute(trx);
          lockedAt = performance.now();
        }
        for (const statement of statements) await sql.raw(statement).execute(trx);
        await options.checkpoint(`in:${phase}`);
      });
      if (exclusive) {
        timing.lockAttempts += attempt;
        timing.lockHeldMs = Math.max(timing.lockHeldMs, performance.now() - lockedAt);
      }
      return;
    } catch (error) {
      if (!isLockTimeout(error)) throw error;
      if (attempt > options.retries) {
        throw new LockRetriesExhausted(
          `${phase}: a table lock was not granted within ${options.lockTimeoutMs} ms, ${options.retries} times; nothing of this phase was changed. Re-run when traffic is lower, or raise --lock-timeout.`,
        );
      }
      const pause = Math.min(100 * attempt, 2000) + Math.floor(Math.random() * 100);
      options.log(`${phase}: lock not granted within ${options.lockTimeoutMs} ms; retry ${attempt}/${options.retries} in ${pause} ms`);
      await new Promise((resolve) => setTimeout(resolve, pause));
    }
  }
}

async function runBackfill(db: AnyDb, step: Extract<UpgradeStep, { kind: 'backfill' }>, options: ExecuteOptions): Promise<void> {
  const { table } = step.backfill;
  const total = Number((await sql.raw<{ n: string }>(`select count(*) as n from public.${table}`).execute(db)).rows[0]?.n ?? 0);
  const progress = createProgress(options.progressStream, `  backfill ${table}`, total);
  let last = ZERO_UUID;
  let done = 0;
  let updated = 0;
  for (let batch = 1; ; batch += 1) {
    const query = backfillBatchSql(step.backfill, options.batchSize).replace('$1::uuid', `'${last}'::uuid`);
    const result = await withLockRetries(options, `backfill ${table}`, () =>
      db.transaction().execute(async (trx: Transaction<unknown>) => {
        await sql.raw(`set local lock_timeout = '${options.lockTimeoutMs}ms'`).execute(trx);
        return (await sql.raw<{ last: string | null; seen: number; updated: number }>(query).execute(trx)).rows[0]!;
      }),
    );
    done += result.seen;
    updated += result.updated;
    progress.update(done);
    await options.checkpoint(`batch:${table}:${batch}`);
    if (result.seen < options.batchSize || result.last === null) break;
    last = result.last;
  }
  progress.finish(`  backfill ${table}: ${updated} of ${done} rows filled`);
}

async function buildIndex(db: AnyDb, index: { table: string; name: string; definition: string }, options: ExecuteOptions): Promise<void> {
  const concurrently = options.engine === 'postgres' ? 'CONCURRENTLY ' : '';
  const state = await sql<{ valid: boolean }>`
    select x.indisvalid as valid from pg_index x where x.indexrelid = to_regclass(${`public.${index.name}`})`.execute(db);
  const existing = state.rows[0];
  if (existing?.valid) return;
  if (existing) {
    // A build killed half-way leaves an invalid index behind: drop it and build again.
    options.log(`  ${index.name} was left invalid by an interrupted build: rebuilding`);
    await sql.raw(`drop index ${concurrently}if exists public.${index.name}`).execute(db);
  }
  const statement = index.definition.replace(/^CREATE (UNIQUE )?INDEX /, `CREATE $1INDEX ${concurrently}IF NOT EXISTS `);
  const started = performance.now();
  await sql.raw(statement).execute(db);
  options.log(`  built ${index.name} ${concurrently ? 'concurrently ' : ''}(${Math.round(performance.now() - started)} ms)`);
  await options.checkpoint(`index:${index.name}`);
}

async function validateConstraints(db: AnyDb, options: ExecuteOptions): Promise<void> {
  const pending = await sql<{ table: string; name: string }>`
    select c.relname as "table", k.conname as name from pg_constraint k join pg_class c on c.oid = k.conrelid
    join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = 'public' and not k.convalidated and c.relname = any (${[...CARRIED_TABLES]})
    order by k.contype, c.relname, k.conname`.execute(db);
  for (const constraint of pending.rows) {
    const started = performance.now();
    await withLockRetries(options, `validate ${constraint.name}`, () =>
      db.transaction().execute(async (trx: Transaction<unknown>) => {
        await sql.raw(`set local lock_timeout = '${options.lockTimeoutMs}ms'`).execute(trx);
        await sql.raw(`alter table public.${constraint.table} validate constraint ${constraint.name}`).execute(trx);
      }),
    );
    options.log(`  validated ${constraint.table}.${constraint.name} (${Math.round(performance.now() - started)} ms)`);
    await options.checkpoint(`validate:${constraint.name}`);
  }
}

async function withLockRetries<T>(options: ExecuteOptions, label: string, work: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await work();
    } catch (error) {
      if (!isLockTimeout(error) || attempt > options.retries) throw error;
      options.log(`${label}: lock not granted within ${options.lockTimeoutMs} ms; retry ${attempt}/${options.retries}`);
      await new Promise((resolve) => setTimeout(resolve, Math.min(100 * attempt, 2000)));
    }
  }
}

function isLockTimeout(error: unknown): boolean {
  return error instanceof Error && (error as { code?: string }).code === LOCK_NOT_AVAILABLE;
}
