/**
 * Which state a database is in: `legacy` (the old shape, untouched), `partial` (left half-done
 * by the old script, or by an interrupted `eduzen db upgrade`), `upgraded` (the product schema,
 * baseline recorded), `fresh` (empty) or `unknown` (none of these, with the reasons).
 */
import { type Kysely, sql } from 'kysely';
import { readHistory } from '../runner';
import { BASELINE_VERSIONS } from './baseline';
import { type LegacyLayout, readRelationColumns, resolveLayout } from './layout';

// biome-ignore lint: works on any database
type AnyDb = Kysely<any>;

export type LegacyState = 'legacy' | 'upgraded' | 'partial' | 'fresh' | 'unknown';

export type InterruptedRun = {
  id: string;
  phase: string;
  startedAt: Date;
  autovacuumPaused: string[];
  /** Set once `eduzen db upgrade --rollback` has begun: only the rollback may go on. */
  rollbackStartedAt: Date | null;
  /** Why the last attempt (of the upgrade or of its rollback) stopped, if it failed. */
  lastError: string | null;
};

export type Detection = {
  state: LegacyState;
  /** Why the state was chosen: artefacts found, tables missing… */
  reasons: string[];
  /** Where the legacy rows are, while the catalogue phase has not run. */
  layout: LegacyLayout | null;
  run: InterruptedRun | null;
  /** Copies left by the old script that `eduzen db cleanup` may drop. */
  leftovers: string[];
};

export async function detectState(db: AnyDb): Promise<Detection> {
  const relations = await readRelationColumns(db);
  const history = new Set((await readHistory(db)).map((row) => row.version));
  const baselineRecorded = BASELINE_VERSIONS.every((version) => history.has(version));
  const run = await readInterruptedRun(db);
  const leftovers = ['formations_temp', 'sessions_temp'].filter((name) => relations.has(name));
  const layout = resolveLayout(relations);
  const has = (name: string) => relations.has(name);
  const base = { layout, run, leftovers };

  if (!has('organizations') && !has('programs') && !has('program_sessions') && !has('sessions')) {
    return { ...base, state: 'fresh', reasons: ['no EDUZEN table in the public schema'] };
  }
  if (run) return { ...base, state: 'partial', reasons: interruptedRunReasons(run) };
  if (baselineRecorded && !has('program_sessions') && relations.get('sessions')?.includes('formation_id')) {
    const reasons = ['the migration history records the baseline and the tables have the product shape'];
    if (leftovers.length > 0) reasons.push(`leftovers of the old script: ${leftovers.join(', ')} (see eduzen db cleanup)`);
    return { ...base, state: 'upgraded', reasons };
  }
  if (layout?.scriptFinished) {
    const reasons = [
      'the old script ran to the end: formations and sessions hold the rows, program_sessions is gone',
      'sessions_temp, its copy of program_sessions, holds the sessions its inner join left out and the columns it did not copy: the upgrade carries them back into sessions',
    ];
    if (has('programs')) reasons.push('a programs table made by the old script (dropped by the upgrade if it is empty)');
    return { ...base, state: 'partial', reasons };
  }
  if (layout) {
    const artefacts: string[] = [];
    if (layout.relation.formations === 'formations_temp') artefacts.push('the legacy programs were moved to formations_temp by the old script');
    else if (has('formations_temp')) artefacts.push('formations_temp, a copy of programs made by the old script');
    if (has('programs') && layout.relation.formations !== 'programs') artefacts.push('an empty new programs table made by the old script');
    if (has('formations')) artefacts.push('a partly filled formations table made by the old script');
    if (has('sessions_temp')) artefacts.push('sessions_temp, a copy of program_sessions made by the old script');
    if (has('sessions')) artefacts.push('a sessions table filled through an inner join by the old script (sessions without a programme are missing from it)');
    for (const table of ['enrollments', 'attendance', 'grades'] as const) {
      if (layout.columns[table].includes('session_id')) artefacts.push(`${table}.program_session_id already renamed to session_id`);
    }
    if (artefacts.length > 0) return { ...base, state: 'partial', reasons: artefacts };
    return { ...base, state: 'legacy', reasons: ['programs holds formations and sessions live in program_sessions'] };
  }
  const reasons: string[] = [];
  if (has('sessions') && has('formations') && !has('program_sessions')) {
    reasons.push(
      'formations and sessions exist but the migration history does not record the baseline: the old script probably ran to ' +
        'the end and dropped program_sessions, with the sessions its inner join left out. Restore the backup taken before it, then run eduzen db upgrade.',
    );
  }
  for (const name of ['organizations', 'users', 'students', 'enrollments', 'attendance', 'grades', 'program_sessions']) {
    if (!has(name)) reasons.push(`table ${name} is missing`);
  }
  if (!relations.get('programs')?.includes('duration_hours') && !relations.get('formations_temp')?.includes('duration_hours')) {
    reasons.push('no table holds the legacy programs (programs with duration_hours, or formations_temp)');
  }
  return { ...base, state: 'unknown', reasons };
}

/** What stopped, and the two ways out: finish it, or roll it back (once a rollback began, only that). */
function interruptedRunReasons(run: InterruptedRun): string[] {
  const paused = run.autovacuumPaused.length > 0 ? `; autovacuum stays off on ${run.autovacuumPaused.join(', ')} until it finishes` : '';
  const failed = run.lastError ? [`its last attempt failed: ${run.lastError}`] : [];
  if (run.rollbackStartedAt) {
    return [
      `an eduzen db upgrade --rollback started ${run.rollbackStartedAt.toISOString()} did not finish: re-run eduzen db upgrade --rollback to return to the legacy state (eduzen db upgrade refuses to go on until then)${paused}`,
      ...failed,
    ];
  }
  return [
    `an eduzen db upgrade started ${run.startedAt.toISOString()} stopped after its ${run.phase} phase${paused}`,
    ...failed,
    're-run eduzen db upgrade to finish, or eduzen db upgrade --rollback to return to the legacy state',
  ];
}

async function readInterruptedRun(db: AnyDb): Promise<InterruptedRun | null> {
  const present = await sql<{ present: boolean }>`select to_regclass('eduzen_upgrade.run') is not null as present`.execute(db);
  if (!present.rows[0]?.present) return null;
  // Columns added by later versions are read through to_jsonb: a run record made before them has none.
  const rows = await sql<InterruptedRun>`
    select r.id::text as id, r.phase, r.started_at as "startedAt",
      case when to_regclass('eduzen_upgrade.autovacuum_paused') is not null
        then array(select c.relname::text from eduzen_upgrade.autovacuum_paused p
          join pg_class c on c.oid = p.relid order by 1) else '{}' end as "autovacuumPaused",
      (to_jsonb(r) ->> 'rollback_started_at')::timestamptz as "rollbackStartedAt",
      to_jsonb(r) ->> 'last_error' as "lastError"
    from eduzen_upgrade.run r
    where r.finished_at is null order by r.id desc limit 1`.execute(db);
  return rows.rows[0] ?? null;
}

/** Records why an attempt failed, for `eduzen db status`; nothing to record before the run exists. */
export async function recordRunError(db: AnyDb, message: string): Promise<void> {
  const present = await sql<{ present: boolean }>`
    select exists (select 1 from pg_attribute where attrelid = to_regclass('eduzen_upgrade.run') and attname = 'last_error' and not attisdropped) as present`.execute(db);
  if (!present.rows[0]?.present) return;
  await sql`update eduzen_upgrade.run set last_error = ${message.slice(0, 2000)} where finished_at is null`.execute(db);
}
