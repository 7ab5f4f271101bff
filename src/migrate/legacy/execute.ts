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
import { type BackfillSpec, type Phase, REPAIR_NEEDED_SQL, RESUME_AUTOVACUUM_SQL, type UpgradeStep, backfillRangeSql } from './plan';
import { CARRIED_TABLES, LEGACY_INDEXES } from './legacy-shape';
import { SNAPSHOT_TABLES_SQL } from './snapshot';
import { conversionBackfillSpecs } from './column-types-sql';
import { keepSetAsideSessions } from './unplaced';
import { carryPortalAccounts } from './value-maps';
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

/** lockHeldMs: the longest exclusive lock of the phase; lockTotalMs: all of them together (a phase may lock several times). */
export type PhaseTiming = { phase: Phase; ms: number; lockHeldMs: number; lockTotalMs: number; lockAttempts: number };

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
    // Consecutive index builds, and consecutive backfills, run together on parallel connections.
    const grouped = step.kind === 'index' || step.kind === 'backfill';
    if (grouped && steps[index - 1]?.kind === step.kind) continue;
    const first = steps[index - 1]?.phase !== step.phase;
    const last = grouped || steps[index + 1]?.phase !== step.phase;
    if (first) {
      await options.checkpoint(`before:${step.phase}`);
      phases.push({ phase: step.phase, ms: 0, lockHeldMs: 0, lockTotalMs: 0, lockAttempts: 0 });
      options.log(`${step.phase}: ${grouped ? groupSummary(steps, index) : step.summary}`);
    }
    const timing = phases.at(-1)!;
    const stepStarted = performance.now();
    if (step.kind === 'index') {
      const builds: IndexBuild[] = [];
      for (let next = index; steps[next]?.kind === 'index'; next += 1) builds.push((steps[next] as { index: IndexBuild }).index);
      await buildIndexes(db, builds, options);
    } else if (step.kind === 'backfill') {
      const specs: BackfillSpec[] = [];
      for (let next = index; steps[next]?.kind === 'backfill'; next += 1) specs.push((steps[next] as { backfill: BackfillSpec }).backfill);
      await runBackfills(db, specs, options);
    } else {
      await runStep(db, step, options, timing);
    }
    timing.ms += performance.now() - stepStarted;
    if (last) {
      const locks = timing.lockTotalMs > timing.lockHeldMs ? ` (all together ${timing.lockTotalMs.toFixed(1)} ms)` : '';
      options.log(`${step.phase}: done in ${Math.round(timing.ms)} ms${timing.lockAttempts > 0 ? `, exclusive lock held ${timing.lockHeldMs.toFixed(1)} ms${locks}` : ''}`);
      await options.checkpoint(`after:${step.phase}`);
    }
  }
  if (options.engine === 'postgres') await durabilityBarrier(db);
  return {
    phases,
    longestLockMs: Math.max(0, ...phases.map((phase) => phase.lockHeldMs)),
    totalMs: performance.now() - started,
  };
}

/** What a run of consecutive backfill or index steps does, as one line. */
function groupSummary(steps: UpgradeStep[], start: number): string {
  const group: UpgradeStep[] = [];
  for (let next = start; steps[next]?.kind === steps[start]!.kind; next += 1) group.push(steps[next]!);
  if (group.length === 1) return group[0]!.summary;
  if (steps[start]!.kind === 'index') return `build the baseline's ${group.length} indexes where missing`;
  return group.map((step) => step.summary).join('; ');
}

async function runStep(db: AnyDb, step: UpgradeStep, options: ExecuteOptions, timing: PhaseTiming): Promise<void> {
  switch (step.kind) {
    case 'transaction':
      if (step.phase === 'finalize') await ensureHistoryTable(db);
      if (step.phase === 'snapshot' && options.engine === 'postgres') return takeSnapshot(db, step.statements, options);
      if (step.needed && (await sql.raw<{ needed: boolean }>(step.needed).execute(db)).rows[0]?.needed !== true) return;
      return runTransaction(db, step.phase, step.statements, step.exclusive, options, timing, step.lockTables);
    case 'backfill':
      return runBackfills(db, [step.backfill], options);
    case 'index':
      return buildIndexes(db, [step.index], options);
    case 'validate':
      return validateConstraints(db, options);
    case 'migrate': {
      const applied = await migrate(db, { lockTimeoutMs: Math.max(options.lockTimeoutMs, 500), log: (line) => options.log(`  ${line}`) });
      if (applied.length === 0) options.log('  no later migration to apply');
      await keepSetAsideSessions(db);
      await carryPortalAccounts(db);
      await resumeAutovacuum(db, options);
      return;
    }
  }
}

/**
 * One phase's transaction, retried on a lock timeout; `in:<phase>` is its checkpoint (the
 * rollback's steps run through it too, as `rollback:<step>`).
 */
export async function runTransaction(
  db: AnyDb,
  phase: Phase | `rollback:${string}`,
  statements: string[],
  exclusive: boolean,
  options: ExecuteOptions,
  timing: Pick<PhaseTiming, 'lockHeldMs' | 'lockTotalMs' | 'lockAttempts'>,
  lockTables: readonly string[] = LOCKED_TABLES,
): Promise<void> {
  for (let attempt = 1; ; attempt += 1) {
    let lockedAt = 0;
    try {
      await db.connection().execute(async (connection) => {
        // Loaded before the lock, on the connection that will hold it: the catalogue entries of the
        // tables and the compiled helpers, which a first use would otherwise load under the lock.
        if (exclusive) await warmUp(connection);
        await connection.transaction().execute(async (trx: Transaction<unknown>) => {
          // An exclusive phase's commit does not wait for its WAL flush: the locks are released at
          // once instead of after a disk write. A server crash can then forget at most the last
          // phases committed; each phase is idempotent, so the next run does them again, and the
          // run ends with a durable commit before it reports success (durabilityBarrier).
          const asynchronous = exclusive && options.engine === 'postgres' ? '; set local synchronous_commit = off' : '';
          await sql.raw(`set local lock_timeout = '${options.lockTimeoutMs}ms'${asynchronous}`).execute(trx);
          // The repair phase changes nothing on a database the old script never touched: no lock then.
          const locking = exclusive && (phase !== 'repair' || (await sql.raw<{ needed: boolean }>(REPAIR_NEEDED_SQL).execute(trx)).rows[0]?.needed === true);
          if (locking) {
            await lockAll(trx, options.lockTimeoutMs, lockTables);
            lockedAt = performance.now();
          }
          // One round trip for the whole phase: the exclusive lock is held for the server's work only.
          if (statements.length > 0) await sql.raw(statements.join(';\n')).execute(trx);
          await options.checkpoint(`in:${phase}`);
        });
      });
      if (lockedAt > 0) {
        timing.lockAttempts += attempt;
        const held = performance.now() - lockedAt;
        timing.lockHeldMs = Math.max(timing.lockHeldMs, held);
        timing.lockTotalMs += held;
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

/**
 * A transaction with a transaction id, committed with synchronous_commit on: its commit waits for
 * the WAL to be flushed up to its commit record, so every earlier commit of the run (those made
 * without waiting) is durable once it returns.
 */
export async function durabilityBarrier(db: AnyDb): Promise<void> {
  await db.connection().execute(async (connection) =>
    connection.transaction().execute(async (trx: Transaction<unknown>) => {
      await sql.raw(`set local synchronous_commit = on; select txid_current()`).execute(trx);
    }),
  );
}

export function workerCount(options: Pick<ExecuteOptions, 'engine'>): number {
  return options.engine === 'postgres' ? 2 : 1;
}

/** Runs `work` on each item, on `workers` connections of their own, items taken in order. */
export async function onConnections<T>(db: AnyDb, workers: number, items: T[], work: (connection: AnyDb, item: T) => Promise<void>): Promise<void> {
  const queue = [...items];
  let failed = false;
  await Promise.all(
    Array.from({ length: Math.min(workers, Math.max(1, queue.length)) }, () =>
      db.connection().execute(async (connection) => {
        for (let item = queue.shift(); item !== undefined && !failed; item = queue.shift()) {
          try {
            await work(connection, item);
          } catch (error) {
            failed = true;
            throw error;
          }
        }
      }),
    ),
  );
}

type BackfillRange = { spec: BackfillSpec; from: number; to: number | null; rows: number };

/**
 * Backfills by heap page ranges (TID range scans: each batch reads only its own pages, and
 * every new column of a row is set in the same UPDATE), on two connections at once. Before that,
 * the legacy product's plain indexes on the table, which the finalize phase drops anyway, are
 * dropped CONCURRENTLY: every row the backfill rewrites would otherwise be added to them too.
 * The last range of a table is open-ended, so rows stored past the page count read at the start
 * are filled as well; rows already filled are skipped, so a re-run after a kill only finishes
 * the work.
 */
async function runBackfills(db: AnyDb, planned: BackfillSpec[], options: ExecuteOptions): Promise<void> {
  // The conversions of legacy column types: their tables and columns as the catalogue phase recorded them.
  const specs = (await Promise.all(planned.map((spec) => (spec.conversions ? conversionBackfillSpecs(db) : [spec])))).flat();
  for (const spec of specs) await dropSupersededIndexes(db, spec.table, options);
  const ranges: BackfillRange[] = [];
  const estimated = new Map<string, number>();
  for (const spec of specs) {
    const size = (await sql.raw<{ pages: number; rows: number }>(
      `select (pg_relation_size('public.${spec.table}') / current_setting('block_size')::int)::int as pages,
        greatest(c.reltuples, 0)::float8 as rows
       from pg_class c where c.oid = 'public.${spec.table}'::regclass`,
    ).execute(db)).rows[0]!;
    const pages = Number(size.pages);
    let rows = Number(size.rows);
    if (rows === 0 && pages > 0) rows = Number((await sql.raw<{ n: string }>(`select count(*) as n from public.${spec.table}`).execute(db)).rows[0]?.n ?? 0);
    const perPage = pages > 0 ? Math.max(1, rows / pages) : 1;
    const step = Math.max(1, Math.floor(options.batchSize / perPage));
    estimated.set(spec.table, Math.round(rows));
    for (let from = 0; ; from += step) {
      const to = from + step >= pages ? null : from + step;
      ranges.push({ spec, from, to, rows: Math.round(perPage * ((to ?? Math.max(pages, from + 1)) - from)) });
      if (to === null) break;
    }
  }
  const total = [...estimated.values()].reduce((sum, rows) => sum + rows, 0);
  const progress = createProgress(options.progressStream, `  backfill ${specs.map((spec) => spec.table).join(', ')}`, total);
  const batches = new Map<string, number>();
  const updated = new Map<string, number>();
  let done = 0;
  await onConnections(db, workerCount(options), ranges, async (connection, range) => {
    const { table } = range.spec;
    const query = backfillRangeSql(range.spec, range.from, range.to);
    const result = await withLockRetries(options, `backfill ${table}`, () =>
      connection.transaction().execute(async (trx: Transaction<unknown>) => {
        // A batch commits without waiting for its WAL flush (the next batch starts at once); a
        // crash forgets at most the last batches, which a re-run fills again, and the run ends
        // with a durable commit before it reports success (durabilityBarrier).
        const asynchronous = options.engine === 'postgres' ? '; set local synchronous_commit = off' : '';
        await sql.raw(`set local lock_timeout = '${options.lockTimeoutMs}ms'${asynchronous}`).execute(trx);
        return (await sql.raw<{ updated: number }>(query).execute(trx)).rows[0]!;
      }),
    );
    updated.set(table, (updated.get(table) ?? 0) + Number(result.updated));
    done = Math.min(total, done + range.rows);
    progress.update(done);
    const batch = (batches.get(table) ?? 0) + 1;
    batches.set(table, batch);
    await options.checkpoint(`batch:${table}:${batch}`);
  });
  progress.finish(`  backfill ${specs.map((spec) => `${spec.table}: ${updated.get(spec.table) ?? 0} rows filled (${batches.get(spec.table) ?? 0} batches)`).join('; ')}`);
}

/** The legacy product's plain indexes on a table (superseded by the baseline's, dropped in finalize). */
async function dropSupersededIndexes(db: AnyDb, table: string, options: ExecuteOptions): Promise<void> {
  const found = await sql<{ name: string }>`
    select i.relname as name from pg_index x join pg_class i on i.oid = x.indexrelid
    where x.indrelid = to_regclass(${`public.${table}`}) and i.relname = any (${LEGACY_INDEXES}) and not x.indisunique
      and not exists (select 1 from pg_constraint k where k.conindid = i.oid)
    order by 1`.execute(db);
  if (found.rows.length === 0) return;
  const concurrently = options.engine === 'postgres' ? 'concurrently ' : '';
  await db.connection().execute(async (connection) => {
    await sql.raw(`set lock_timeout = '${options.lockTimeoutMs}ms'`).execute(connection);
    try {
      for (const { name } of found.rows) {
        await withLockRetries(options, `drop index ${name}`, () => sql.raw(`drop index ${concurrently}if exists public.${name}`).execute(connection));
        options.log(`  dropped superseded legacy index ${name} ${concurrently ? 'concurrently ' : ''}before the backfill`);
      }
    } finally {
      await sql.raw('reset lock_timeout').execute(connection);
    }
  });
}

/**
 * Builds indexes on two tables at a time: CONCURRENTLY builds of plain indexes on different
 * tables do not wait for each other (two on one table would deadlock on its lock).
 */
async function buildIndexes(db: AnyDb, builds: IndexBuild[], options: ExecuteOptions): Promise<void> {
  const sizes = await sql<{ table: string; bytes: string }>`
    select c.relname as "table", pg_relation_size(c.oid)::text as bytes from pg_class c
    where c.oid = any (${builds.map((build) => `public.${build.table}`)}::regclass[])`.execute(db);
  const bytes = (table: string) => Number(sizes.rows.find((row) => row.table === table)?.bytes ?? 0);
  // Largest tables first: the biggest table's builds (one after another) are the critical path.
  const tables = [...new Set(builds.map((build) => build.table))].sort((a, b) => bytes(b) - bytes(a));
  const queue = tables.map((table) => builds.filter((build) => build.table === table));
  const workers = workerCount(options);
  await Promise.all(
    Array.from({ length: workers }, () =>
      db.connection().execute(async (connection) => {
        // Both connections already keep both cores busy: parallel workers per build would only
        // compete with them (measured a little slower).
        await sql.raw(`set maintenance_work_mem = '256MB'; set max_parallel_maintenance_workers = 0`).execute(connection);
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

/**
 * Validates every NOT VALID constraint, one transaction each (reads and writes go on), the tables
 * spread over two connections: VALIDATE takes a self-conflicting lock on its own table only.
 */
async function validateConstraints(db: AnyDb, options: ExecuteOptions): Promise<void> {
  const pending = await sql<{ table: string; name: string }>`
    select c.relname as "table", k.conname as name from pg_constraint k join pg_class c on c.oid = k.conrelid
    join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = 'public' and not k.convalidated and c.relname = any (${[...CARRIED_TABLES]})
    order by pg_relation_size(c.oid) desc, c.relname, k.contype, k.conname`.execute(db);
  const tables = [...new Set(pending.rows.map((row) => row.table))];
  await onConnections(db, workerCount(options), tables, async (connection, table) => {
    for (const constraint of pending.rows.filter((row) => row.table === table)) {
      const started = performance.now();
      await withLockRetries(options, `validate ${constraint.name}`, () =>
        connection.transaction().execute(async (trx: Transaction<unknown>) => {
          await sql.raw(`set local lock_timeout = '${options.lockTimeoutMs}ms'`).execute(trx);
          await sql.raw(`alter table public.${constraint.table} validate constraint ${constraint.name}`).execute(trx);
        }),
      );
      options.log(`  validated ${constraint.table}.${constraint.name} (${Math.round(performance.now() - started)} ms)`);
      await options.checkpoint(`validate:${constraint.name}`);
    }
  });
}

/**
 * The snapshot on a server: the row counts and checksums of the tables are computed on two
 * connections at once, all in the snapshot this transaction exports, so they describe the same
 * instant, as if taken in one statement; the rows are stored by this transaction.
 */
async function takeSnapshot(db: AnyDb, statements: string[], options: ExecuteOptions): Promise<void> {
  await db.connection().execute(async (main) =>
    main.transaction().setIsolationLevel('repeatable read').execute(async (trx: Transaction<unknown>) => {
      const head = (await sql<{ legacy: boolean; snapshot: string }>`
        select to_regclass('public.program_sessions') is not null as legacy, pg_export_snapshot() as snapshot`.execute(trx)).rows[0]!;
      if (head.legacy) {
        const tables = (await sql.raw<{ source: string; target: string; columns: string[]; names: string[] }>(SNAPSHOT_TABLES_SQL).execute(trx)).rows;
        const sums = new Map<string, { rowCount: string; checksum: string }>();
        await onConnections(db, workerCount(options), tables, async (connection, table) => {
          await connection.transaction().setIsolationLevel('repeatable read').execute(async (worker: Transaction<unknown>) => {
            await sql.raw(`set transaction snapshot '${head.snapshot}'`).execute(worker);
            const result = await sql<{ rowCount: string; checksum: string }>`
              select row_count::text as "rowCount", checksum from eduzen_upgrade.table_checksum(${table.source}, ${table.columns})`.execute(worker);
            sums.set(table.target, result.rows[0]!);
          });
        });
        await sql`delete from eduzen_upgrade.snapshot`.execute(trx);
        for (const table of tables) {
          const sum = sums.get(table.target)!;
          await sql`insert into eduzen_upgrade.snapshot (table_name, source_name, columns, row_count, checksum)
            values (${table.target}, ${table.source}, ${table.names}, ${sum.rowCount}::bigint, ${sum.checksum})`.execute(trx);
        }
      }
      // The phase's other statements (its progress record); the first is the one-statement snapshot.
      for (const statement of statements.slice(1)) await sql.raw(statement).execute(trx);
      await options.checkpoint('in:snapshot');
    }),
  );
}

/**
 * Gives autovacuum back to the tables the prepare phase paused it on (after the later migrations,
 * whose locks it would otherwise get in the way of). Nothing to do on a database whose upgrade
 * paused nothing, or was done by an EDUZEN that did not pause it.
 */
export async function resumeAutovacuum(db: AnyDb, options: Pick<ExecuteOptions, 'lockTimeoutMs' | 'retries' | 'log'>): Promise<void> {
  const present = await sql<{ present: boolean }>`select to_regclass('eduzen_upgrade.autovacuum_paused') is not null as present`.execute(db);
  if (!present.rows[0]?.present) return;
  // Tables dropped since they were paused (the old script's partial copies) are only forgotten.
  const paused = await sql<{ name: string | null }>`
    select c.relname::text as name from eduzen_upgrade.autovacuum_paused p left join pg_class c on c.oid = p.relid
    order by 1`.execute(db);
  if (paused.rows.length === 0) return;
  const tables = paused.rows.flatMap((row) => (row.name ? [row.name] : []));
  await withLockRetries(options, 'resume autovacuum', () =>
    db.transaction().execute(async (trx: Transaction<unknown>) => {
      await sql.raw(`set local lock_timeout = '${options.lockTimeoutMs}ms'; ${RESUME_AUTOVACUUM_SQL}`).execute(trx);
    }),
  );
  if (tables.length > 0) options.log(`  autovacuum back on ${tables.join(', ')}`);
}

export async function withLockRetries<T>(options: Pick<ExecuteOptions, 'lockTimeoutMs' | 'retries' | 'log'>, label: string, work: () => Promise<T>): Promise<T> {
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

const WARM_UP_HELPERS = `select eduzen_upgrade.rename_table('eduzen_upgrade_none', 'eduzen_upgrade_none'),
  eduzen_upgrade.rename_column('eduzen_upgrade_none', 'a', 'b'), eduzen_upgrade.name_constraint('eduzen_upgrade_none', 'a', 'b'),
  eduzen_upgrade.name_index('eduzen_upgrade_none', 'a', 'b'), eduzen_upgrade.rename_prefixed('eduzen_upgrade_none', 'a'),
  eduzen_upgrade.ensure_column('eduzen_upgrade_none', 'a', 'text', null, false, false), eduzen_upgrade.add_constraint('eduzen_upgrade_none', 'a', 'b'),
  eduzen_upgrade.attach_unique('eduzen_upgrade_none', 'a', 'b'), eduzen_upgrade.drop_superseded_constraints('eduzen_upgrade_none', '{}', '{}'),
  eduzen_upgrade.drop_legacy_triggers('eduzen_upgrade_none', 'a')`;

/** Read-only: reads no row, takes no lock a writer would wait for. */
async function warmUp(connection: AnyDb): Promise<void> {
  const tables = (await sql<{ name: string }>`
    select c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = 'public' and c.relname = any (${LOCKED_TABLES})`.execute(connection)).rows.map((row) => row.name);
  const helpers = (await sql<{ present: boolean }>`select to_regprocedure('eduzen_upgrade.drop_legacy_triggers(text, text)') is not null as present`.execute(connection)).rows[0]?.present;
  const reads = [
    ...tables.map((table) => `select * from public.${table} limit 0`),
    // The definitions the helpers compare, and the rows of the catalogues they read.
    `select pg_get_constraintdef(k.oid), pg_get_indexdef(k.conindid) from pg_constraint k join pg_class c on c.oid = k.conrelid
      join pg_namespace n on n.oid = c.relnamespace where n.nspname = 'public'`,
    `select pg_get_indexdef(x.indexrelid) from pg_index x join pg_class c on c.oid = x.indrelid
      join pg_namespace n on n.oid = c.relnamespace where n.nspname = 'public'`,
    `select count(*) from pg_attribute a join pg_class c on c.oid = a.attrelid join pg_namespace n on n.oid = c.relnamespace
      left join pg_attrdef d on d.adrelid = a.attrelid and d.adnum = a.attnum where n.nspname = 'public' and pg_get_expr(d.adbin, d.adrelid) is not null`,
    `select count(*) from pg_trigger t join pg_class c on c.oid = t.tgrelid join pg_namespace n on n.oid = c.relnamespace where n.nspname = 'public'`,
    `select count(*) from pg_policy p join pg_class c on c.oid = p.polrelid join pg_namespace n on n.oid = c.relnamespace where n.nspname = 'public'`,
  ];
  await sql.raw([...reads, ...(helpers ? [WARM_UP_HELPERS] : [])].join(';\n')).execute(connection);
}

/**
 * Takes every exclusive lock at once with NOWAIT, again and again for up to the lock timeout:
 * while it tries, it holds nothing, so it can neither queue traffic behind it nor deadlock with
 * a statement that locks the same tables in another order. Only then does it queue (bounded by
 * the lock timeout) so that a steady stream of traffic cannot starve it.
 */
async function lockAll(trx: Transaction<unknown>, lockTimeoutMs: number, tables: readonly string[]): Promise<void> {
  const existing = (await sql<{ name: string }>`
    select c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = 'public' and c.relname = any (${[...tables]})`.execute(trx)).rows.map((row) => row.name);
  const deadline = performance.now() + lockTimeoutMs;
  while (performance.now() < deadline) {
    await sql.raw('savepoint eduzen_lock').execute(trx);
    try {
      await sql.raw(lockTablesNowaitSql(existing, tables)).execute(trx);
      await sql.raw('release savepoint eduzen_lock').execute(trx);
      return;
    } catch (error) {
      if (!isLockTimeout(error)) throw error;
      await sql.raw('rollback to savepoint eduzen_lock').execute(trx);
      await new Promise((resolve) => setTimeout(resolve, 2 + Math.random() * 8));
    }
  }
  await sql.raw(lockTablesSql(tables)).execute(trx);
}

export function isLockTimeout(error: unknown): boolean {
  return error instanceof Error && (error as { code?: string }).code === LOCK_NOT_AVAILABLE;
}
