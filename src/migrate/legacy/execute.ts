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
import { type IndexBuild, LOCKED_TABLES, lockTablesNowaitSql, lockTablesSql } from './target-sql';

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
    if (step.kind === 'index' && steps[index - 1]?.kind === 'index') continue;
    const first = steps[index - 1]?.phase !== step.phase;
    const last = step.kind === 'index' || steps[index + 1]?.phase !== step.phase;
    if (first) {
      await options.checkpoint(`before:${step.phase}`);
      phases.push({ phase: step.phase, ms: 0, lockHeldMs: 0, lockAttempts: 0 });
      options.log(`${step.phase}: ${step.summary}`);
    }
    const timing = phases.at(-1)!;
    const stepStarted = performance.now();
    if (step.kind === 'index') {
      const builds: IndexBuild[] = [];
      for (let next = index; steps[next]?.kind === 'index'; next += 1) builds.push((steps[next] as { index: IndexBuild }).index);
      await buildIndexes(db, builds, options);
    } else {
      await runStep(db, step, options, timing);
    }
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
      return buildIndexes(db, [step.index], options);
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
          await lockAll(trx, options.lockTimeoutMs);
          lockedAt = performance.now();
        }
        // One round trip for the whole phase: the exclusive lock is held for the server's work only.
        if (statements.length > 0) await sql.raw(statements.join(';\n')).execute(trx);
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

/**
 * Builds indexes on two tables at a time: CONCURRENTLY builds of plain indexes on different
 * tables do not wait for each other (two on one table would deadlock on its lock).
 */
async function buildIndexes(db: AnyDb, builds: IndexBuild[], options: ExecuteOptions): Promise<void> {
  const tables = [...new Set(builds.map((build) => build.table))];
  const queue = tables.map((table) => builds.filter((build) => build.table === table));
  const workers = options.engine === 'postgres' ? 2 : 1;
  await Promise.all(
    Array.from({ length: workers }, () =>
      db.connection().execute(async (connection) => {
        await sql.raw(`set maintenance_work_mem = '256MB'`).execute(connection);
        for (let group = queue.shift(); group; group = queue.shift()) {
          for (const index of group) await buildIndex(connection, index, options);
        }
      }),
    ),
  );
}

async function buildIndex(db: AnyDb, index: IndexBuild, options: ExecuteOptions): Promise<void> {
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

/**
 * Takes every exclusive lock at once with NOWAIT, again and again for up to the lock timeout:
 * while it tries, it holds nothing, so it can neither queue traffic behind it nor deadlock with
 * a statement that locks the same tables in another order. Only then does it queue (bounded by
 * the lock timeout) so that a steady stream of traffic cannot starve it.
 */
async function lockAll(trx: Transaction<unknown>, lockTimeoutMs: number): Promise<void> {
  const existing = (await sql<{ name: string }>`
    select c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = 'public' and c.relname = any (${LOCKED_TABLES})`.execute(trx)).rows.map((row) => row.name);
  const deadline = performance.now() + lockTimeoutMs;
  while (performance.now() < deadline) {
    await sql.raw('savepoint eduzen_lock').execute(trx);
    try {
      await sql.raw(lockTablesNowaitSql(existing)).execute(trx);
      await sql.raw('release savepoint eduzen_lock').execute(trx);
      return;
    } catch (error) {
      if (!isLockTimeout(error)) throw error;
      await sql.raw('rollback to savepoint eduzen_lock').execute(trx);
      await new Promise((resolve) => setTimeout(resolve, 2 + Math.random() * 8));
    }
  }
  await sql.raw(lockTablesSql()).execute(trx);
}

function isLockTimeout(error: unknown): boolean {
  return error instanceof Error && (error as { code?: string }).code === LOCK_NOT_AVAILABLE;
}
