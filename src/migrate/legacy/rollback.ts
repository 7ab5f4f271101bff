/**
 * `eduzen db upgrade --rollback`: returns a partial upgrade (one whose finalize phase has not
 * committed) to the exact legacy state, from what the upgrade recorded before changing anything
 * (legacy-catalogue.ts), by the steps of rollback-plan.ts. The steps keep the upgrade's discipline:
 * exclusive ones take all their locks at once with NOWAIT, then queue for at most the lock
 * timeout, and are retried; index builds and validations run outside any exclusive lock, on two
 * connections; every step is idempotent and has its checkpoints (`before:rollback:<step>`,
 * `in:rollback:<step>`, `after:rollback:<step>`, `rollback:drop-index:<name>`,
 * `rollback:index:<name>`, `rollback:validate:<name>`), so a killed rollback is finished by
 * running it again. Once it has begun, `eduzen db upgrade` refuses to go on: the only way on is
 * the rollback's end.
 */
import { type Kysely, type Transaction, sql } from 'kysely';
import type { DatabaseHandle } from '../../db/connect';
import type { CheckpointHook } from './checkpoints';
import { type Detection, detectState, recordRunError } from './detect';
import { type ExecuteOptions, durabilityBarrier, onConnections, runTransaction, withLockRetries, workerCount } from './execute';
import { type RollbackStep, buildRollbackPlan, madeLiteral, rollbackHelpersSql } from './rollback-plan';

// biome-ignore lint: works on any database
type AnyDb = Kysely<any>;

export type RollbackRequest = {
  lockTimeoutMs?: number;
  retries?: number;
  checkpoint?: CheckpointHook;
  log?: (line: string) => void;
  /** Called once the rollback is known to be possible, before anything changes. */
  beforeChanges?: (plan: RollbackStep[], detection: Detection) => Promise<void>;
};

/** A legacy table against its checksum before the upgrade changed any of its rows (`against`: which record). */
export type ChecksumCheck = { table: string; rows: number | null; expectedRows: number; against: string; equal: boolean };

export type RollbackReport = {
  /** The legacy tables, once their shape was back (none: the upgrade stopped before any record of rows). */
  checksums: ChecksumCheck[];
  /** Per remedy: rows it logged, rows given back their legacy value, placeholder formations removed. */
  remedies: Record<string, Record<string, number>>;
  /** Objects found since the upgrade began that are not the upgrade's: left as they are. */
  kept: string[];
};

export type RollbackOutcome =
  | { outcome: 'nothing' | 'refused'; message: string }
  | { outcome: 'rolled-back'; detection: Detection; report: RollbackReport; totalMs: number; longestLockMs: number };

export class RollbackBlocked extends Error {
  override name = 'RollbackBlocked';
}

type RunRecords = { runs: boolean; unfinished: boolean; priorState: boolean; catalogue: boolean; legacyShape: boolean; rollbackStarted: boolean };

async function readRunRecords(db: AnyDb): Promise<RunRecords> {
  const present = (await sql<{ run: boolean; prior: boolean; catalogue: boolean; legacy: boolean }>`
    select to_regclass('eduzen_upgrade.run') is not null as run, to_regclass('eduzen_upgrade.prior_state') is not null as prior,
      to_regclass('eduzen_upgrade.legacy_catalogue') is not null as catalogue,
      to_regclass('public.program_sessions') is not null as legacy`.execute(db)).rows[0]!;
  const records: RunRecords = { runs: false, unfinished: false, priorState: false, catalogue: false, legacyShape: present.legacy, rollbackStarted: false };
  if (!present.run) return records;
  const runs = (await sql<{ runs: boolean; unfinished: boolean; rollback: boolean }>`
    select count(*) > 0 as runs, count(*) filter (where r.finished_at is null) > 0 as unfinished,
      bool_or(r.finished_at is null and to_jsonb(r) ->> 'rollback_started_at' is not null) is true as rollback
    from eduzen_upgrade.run r`.execute(db)).rows[0]!;
  records.runs = runs.runs;
  records.unfinished = runs.unfinished;
  records.rollbackStarted = runs.rollback;
  if (present.prior) {
    records.priorState = (await sql<{ n: string }>`select count(*) as n from eduzen_upgrade.prior_state where key = 'tables'`.execute(db)).rows[0]!.n !== '0';
  }
  if (present.catalogue) {
    records.catalogue = (await sql<{ n: string }>`select count(*) as n from eduzen_upgrade.legacy_catalogue`.execute(db)).rows[0]!.n !== '0';
  }
  return records;
}

const RESTORE_INSTEAD = 'restore the backup taken before the upgrade instead: eduzen db restore --input FILE --force';

/** Whether there is a partial upgrade to roll back, and if not, what to say. */
export async function decideRollback(db: AnyDb): Promise<{ go: true; detection: Detection } | { go: false; outcome: 'nothing' | 'refused'; message: string }> {
  const detection = await detectState(db);
  const records = await readRunRecords(db);
  if (detection.state === 'upgraded' || (records.runs && !records.unfinished)) {
    return {
      go: false, outcome: 'refused',
      message: `the database is upgraded already (the upgrade's finalize phase is done): --rollback only returns a partial upgrade to the legacy state; ${RESTORE_INSTEAD}`,
    };
  }
  if (!records.unfinished) {
    const why: Record<Detection['state'], string> = {
      legacy: 'it is a legacy database, untouched',
      partial: 'it was left half-done by the old script, which eduzen db upgrade finishes (or restore the backup taken before the old script ran)',
      fresh: 'it is empty',
      unknown: 'its state is unknown (see eduzen db status)',
      upgraded: '',
    };
    return { go: false, outcome: 'nothing', message: `nothing to roll back: no eduzen db upgrade was started on this database; ${why[detection.state]}` };
  }
  if (!records.priorState || (!records.catalogue && !records.legacyShape)) {
    return {
      go: false, outcome: 'refused',
      message: `this upgrade was started by an EDUZEN that did not record the legacy state, so it cannot be rolled back: finish it with eduzen db upgrade, or ${RESTORE_INSTEAD}`,
    };
  }
  return { go: true, detection };
}

export async function runRollback(handle: DatabaseHandle, request: RollbackRequest): Promise<RollbackOutcome> {
  const decision = await decideRollback(handle.db);
  if (!decision.go) return { outcome: decision.outcome, message: decision.message };
  const plan = buildRollbackPlan();
  await request.beforeChanges?.(plan, decision.detection);
  const options: ExecuteOptions = {
    engine: handle.engine,
    lockTimeoutMs: request.lockTimeoutMs ?? 500,
    retries: request.retries ?? 40,
    batchSize: 0,
    checkpoint: request.checkpoint ?? (async () => {}),
    log: request.log ?? (() => {}),
    progressStream: process.stderr,
  };
  try {
    const started = performance.now();
    const { report, longestLockMs } = await executeRollback(handle.db, plan, options);
    return { outcome: 'rolled-back', detection: decision.detection, report, longestLockMs, totalMs: performance.now() - started };
  } catch (error) {
    // Best effort: the connection may be what failed, and the original error is the one to see.
    await recordRunError(handle.db, `rollback: ${(error as Error).message}`).catch(() => undefined);
    throw error;
  }
}

async function executeRollback(db: AnyDb, plan: RollbackStep[], options: ExecuteOptions): Promise<{ report: RollbackReport; longestLockMs: number }> {
  let report: RollbackReport = { checksums: [], remedies: {}, kept: [] };
  let longestLockMs = 0;
  for (const step of plan) {
    const label = `rollback:${step.step}` as const;
    await options.checkpoint(`before:${label}`);
    options.log(`${label}: ${step.summary}`);
    const started = performance.now();
    const timing = { lockHeldMs: 0, lockTotalMs: 0, lockAttempts: 0 };
    // The report lives in eduzen_upgrade, which the last step drops.
    if (step.step === 'finish') report = await readReport(db);
    let skipped = false;
    if (step.kind === 'transaction') {
      if (step.pending && (await sql.raw(step.pending).execute(db)).rows.length === 0) skipped = true;
      else await runTransaction(db, label, step.statements, step.exclusive, options, timing, step.lockTables);
    } else if (step.step === 'unindex') {
      await dropMadeIndexes(db, step.pending, options);
    } else if (step.step === 'indexes') {
      await buildLegacyIndexes(db, step.pending, options);
    } else {
      await validateLegacyConstraints(db, step.pending, options);
    }
    longestLockMs = Math.max(longestLockMs, timing.lockHeldMs);
    const lock = timing.lockAttempts > 0 ? `, exclusive lock held ${timing.lockHeldMs.toFixed(1)} ms` : '';
    options.log(`${label}: ${skipped ? 'nothing to do' : `done in ${Math.round(performance.now() - started)} ms${lock}`}`);
    await options.checkpoint(`after:${label}`);
  }
  if (options.engine === 'postgres') await durabilityBarrier(db);
  return { report, longestLockMs };
}

async function readReport(db: AnyDb): Promise<RollbackReport> {
  const rows = (await sql<{ item: string; details: Record<string, unknown> }>`
    select item, details from eduzen_upgrade.rollback_report order by item`.execute(db)).rows;
  const checksums = rows.filter((row) => row.item.startsWith('checksum:')).map((row) => ({
    table: String(row.details.table),
    rows: row.details.rows === null ? null : Number(row.details.rows),
    expectedRows: Number(row.details.expected_rows),
    against: String(row.details.against),
    equal: row.details.equal === true,
  }));
  const remedies = (rows.find((row) => row.item === 'remedies')?.details ?? {}) as RollbackReport['remedies'];
  const kept = (await sql.raw<{ difference: string }>(`select difference from eduzen_upgrade.legacy_differences(${madeLiteral()}) where not problem order by 1`)
    .execute(db)).rows.map((row) => row.difference);
  return { checksums, remedies, kept };
}

/** The upgrade's plain indexes, dropped CONCURRENTLY before the detach step (their files go without a lock). */
async function dropMadeIndexes(db: AnyDb, pending: string, options: ExecuteOptions): Promise<void> {
  const indexes = (await sql.raw<{ table_name: string; name: string }>(pending).execute(db)).rows;
  const concurrently = options.engine === 'postgres' ? 'concurrently ' : '';
  await onConnections(db, workerCount(options), groupByTable(indexes), async (connection, group) => {
    await sql.raw(`set lock_timeout = '${options.lockTimeoutMs}ms'`).execute(connection);
    try {
      for (const index of group) {
        await withLockRetries(options, `drop index ${index.name}`, () => sql.raw(`drop index ${concurrently}if exists public."${index.name}"`).execute(connection));
        options.log(`  dropped ${index.name}${concurrently ? ' concurrently' : ''}`);
        await options.checkpoint(`rollback:drop-index:${index.name}`);
      }
    } finally {
      await sql.raw('reset lock_timeout').execute(connection);
    }
  });
}

/**
 * The legacy indexes the upgrade dropped, under their names, two tables at a time (two builds on
 * one table would wait for each other); an invalid leftover of a killed build is dropped first.
 * A unique index that no longer holds (rows written since the upgrade began) stops the rollback
 * with the index named.
 */
async function buildLegacyIndexes(db: AnyDb, pending: string, options: ExecuteOptions): Promise<void> {
  const indexes = (await sql.raw<{ table_name: string; name: string; definition: string; invalid: boolean }>(pending).execute(db)).rows;
  const concurrently = options.engine === 'postgres' ? 'CONCURRENTLY ' : '';
  await onConnections(db, workerCount(options), groupByTable(indexes), async (connection, group) => {
    for (const index of group) {
      if (index.invalid) {
        options.log(`  ${index.name} was left invalid by an interrupted build: rebuilding`);
        await sql.raw(`drop index ${concurrently}if exists public."${index.name}"`).execute(connection);
      }
      const statement = index.definition.replace(/^CREATE (UNIQUE )?INDEX /, `CREATE $1INDEX ${concurrently}IF NOT EXISTS `);
      try {
        await sql.raw(statement).execute(connection);
      } catch (error) {
        if ((error as { code?: string }).code === '23505') {
          throw new RollbackBlocked(`${index.table_name}: the legacy unique index ${index.name} no longer holds (${(error as Error).message}): rows written since the upgrade began repeat its key; correct them, then run eduzen db upgrade --rollback again`);
        }
        throw error;
      }
      options.log(`  built ${index.name}${concurrently ? ' concurrently' : ''}`);
      await options.checkpoint(`rollback:index:${index.name}`);
    }
  });
}

/** VALIDATE CONSTRAINT one by one, two tables at a time; a violation stops with the constraint named. */
async function validateLegacyConstraints(db: AnyDb, pending: string, options: ExecuteOptions): Promise<void> {
  const constraints = (await sql.raw<{ table_name: string; name: string }>(pending).execute(db)).rows;
  await onConnections(db, workerCount(options), groupByTable(constraints), async (connection, group) => {
    for (const constraint of group) {
      try {
        await withLockRetries(options, `validate ${constraint.name}`, () =>
          connection.transaction().execute(async (trx: Transaction<unknown>) => {
            await sql.raw(`set local lock_timeout = '${options.lockTimeoutMs}ms'`).execute(trx);
            await sql.raw(`alter table public."${constraint.table_name}" validate constraint "${constraint.name}"`).execute(trx);
          }),
        );
      } catch (error) {
        if (['23514', '23503', '23502'].includes((error as { code?: string }).code ?? '')) {
          throw new RollbackBlocked(`${constraint.table_name}: rows written since the upgrade began break the legacy constraint ${constraint.name} (${(error as Error).message}); eduzen db status counts them: correct them, then run eduzen db upgrade --rollback again`);
        }
        throw error;
      }
      options.log(`  validated ${constraint.table_name}.${constraint.name}`);
      await options.checkpoint(`rollback:validate:${constraint.name}`);
    }
  });
}

function groupByTable<T extends { table_name: string }>(items: T[]): T[][] {
  const groups = new Map<string, T[]>();
  for (const item of items) groups.set(item.table_name, [...(groups.get(item.table_name) ?? []), item]);
  return [...groups.values()];
}

export type RollbackPreview = { step: RollbackStep; statements: string[] }[];

/**
 * What each step would do on the database as it is now, for `--dry-run`: the helpers are
 * installed in a transaction that is rolled back, so nothing changes. The attach and validate
 * steps are shown as the legacy constraints gone (the detach step frees their names first).
 */
export async function previewRollback(db: AnyDb): Promise<{ preview: RollbackPreview; kept: string[] }> {
  class Done extends Error {
    constructor(readonly result: { preview: RollbackPreview; kept: string[] }) {
      super('preview');
    }
  }
  const plan = buildRollbackPlan();
  try {
    await db.transaction().execute(async (trx) => {
      for (const statement of rollbackHelpersSql()) await sql.raw(statement).execute(trx);
      const rows = async <T>(query: string) => (await sql.raw<T>(query).execute(trx)).rows;
      const gone = await rows<{ table_name: string; name: string; definition: string; type: string; validated: boolean }>(`
        select t.name as table_name, l.name, l.definition, l.details ->> 'type' as type, (l.details ->> 'validated')::boolean as validated
        from eduzen_upgrade.legacy_catalogue l join eduzen_upgrade.legacy_catalogue t on t.kind = 'table' and t.objid = l.relid
        where l.kind = 'constraint' and l.details ->> 'type' <> 'n' and not exists (select 1 from pg_constraint k where k.oid = l.objid) order by 1, 2`);
      const preview: RollbackPreview = [];
      for (const step of plan) {
        let statements: string[] = [];
        if (step.step === 'unindex') {
          statements = (await rows<{ name: string }>(step.pending!)).map((index) => `drop index concurrently if exists public.${index.name}`);
        } else if (step.step === 'indexes') {
          statements = (await rows<{ definition: string }>(step.pending!)).map((index) => index.definition.replace(/^CREATE (UNIQUE )?INDEX /, 'CREATE $1INDEX CONCURRENTLY IF NOT EXISTS '));
        } else if (step.step === 'attach') {
          statements = gone.map((constraint) => `alter table public.${constraint.table_name} add constraint ${constraint.name} ${
            constraint.type === 'p' ? `primary key using index ${constraint.name}`
              : constraint.type === 'u' ? `unique using index ${constraint.name}`
                : `${constraint.definition}${['f', 'c'].includes(constraint.type) ? ' not valid' : ''}`}`);
        } else if (step.step === 'validate') {
          statements = gone.filter((constraint) => ['f', 'c'].includes(constraint.type) && constraint.validated)
            .map((constraint) => `alter table public.${constraint.table_name} validate constraint ${constraint.name}`);
          statements.push('-- and the NOT NULL checks of the detach step, if any');
        } else if (step.kind === 'transaction' && step.pending) {
          statements = (await rows<{ statement: string }>(step.pending)).map((row) => row.statement);
          if (step.step === 'detach') {
            statements.push(...(await rows<{ remedy: string; table_name: string; n: string }>(`
              select remedy, table_name, count(*) as n from eduzen_upgrade.remedy_log group by 1, 2 order by 1, 2`))
              .map((entry) => `-- rollback_undo_remedies: ${entry.remedy} logged on ${entry.n} row(s) of ${entry.table_name}`));
          }
        } else if (step.kind === 'transaction') {
          statements = step.step === 'prepare' ? ['-- the helpers of eduzen_upgrade (src/migrate/legacy/rollback-sql.ts, rollback-data-sql.ts)', step.statements.at(-1)!] : step.statements.map((statement) => statement.replace(/'\{"tables".*\}'::jsonb/s, "'{…the upgrade's objects…}'::jsonb"));
        }
        preview.push({ step, statements });
      }
      const kept = (await rows<{ difference: string }>(`select difference from eduzen_upgrade.legacy_differences(${madeLiteral()}) where not problem order by 1`))
        .map((row) => row.difference);
      throw new Done({ preview, kept });
    });
  } catch (error) {
    if (error instanceof Done) return error.result;
    throw error;
  }
  throw new Error('the rollback preview did not run');
}
