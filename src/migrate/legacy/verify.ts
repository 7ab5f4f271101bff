/**
 * `eduzen db verify`: the guide's steps 5–6, corrected. Every table, every renamed column,
 * every foreign key to sessions, RLS with the product's policies, counts and checksums equal to
 * the snapshot taken before the upgrade, and the schema equal to a fresh install's.
 */
import { verifyMovedRows } from './attendance-days';
import { type Kysely, sql } from 'kysely';
import { loadBaseline } from './baseline';
import { compareWithSnapshot } from './snapshot';
import { readFreshSchema } from './scratch';
import { diffSchemas } from './schema-diff';
import { readSchema } from './schema-read';
import { verifySetAsideSessions } from './unplaced';

// biome-ignore lint: works on any database
type AnyDb = Kysely<any>;

export type VerifyCheck = { name: string; ok: boolean; details: string[] };

export type VerifyReport = { ok: boolean; checks: VerifyCheck[]; extras: string[] };

export async function verifyDatabase(db: AnyDb, databaseUrl: string | undefined): Promise<VerifyReport> {
  const baseline = loadBaseline();
  const actual = await readSchema(db);
  const checks: VerifyCheck[] = [];
  const tables = Object.keys(baseline.tables);

  const missing = tables.filter((table) => !actual.tables[table]);
  checks.push({ name: 'every table exists', ok: missing.length === 0, details: missing.map((table) => `${table} is missing`) });

  const renamed: string[] = [];
  if (actual.tables.program_sessions) renamed.push('program_sessions still exists');
  for (const table of ['enrollments', 'attendance', 'grades']) {
    const columns = actual.tables[table]?.columns.map((column) => column.name) ?? [];
    if (columns.includes('program_session_id')) renamed.push(`${table}.program_session_id is not renamed`);
    if (!columns.includes('session_id')) renamed.push(`${table}.session_id is missing`);
  }
  const sessionColumns = actual.tables.sessions?.columns.map((column) => column.name) ?? [];
  if (!sessionColumns.includes('formation_id')) renamed.push('sessions.formation_id is missing');
  checks.push({ name: 'every column is renamed', ok: renamed.length === 0, details: renamed });

  const keys = await sql<{ table: string; name: string; parent: string }>`
    select c.relname as "table", k.conname as name, p.relname as parent
    from pg_constraint k join pg_class c on c.oid = k.conrelid join pg_class p on p.oid = k.confrelid
    join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = 'public' and k.contype = 'f'`.execute(db);
  const keyProblems: string[] = [];
  for (const table of ['enrollments', 'attendance', 'grades']) {
    if (!keys.rows.some((key) => key.table === table && key.name === `${table}_session_fkey` && key.parent === 'sessions')) {
      keyProblems.push(`${table}_session_fkey does not point at sessions`);
    }
  }
  for (const key of keys.rows.filter((row) => row.parent === 'program_sessions')) keyProblems.push(`${key.table}.${key.name} points at program_sessions`);
  checks.push({ name: 'every foreign key points at sessions', ok: keyProblems.length === 0, details: keyProblems });

  const rls: string[] = [];
  for (const table of tables) {
    const have = actual.tables[table];
    if (!have) continue;
    if (!have.rowSecurity) rls.push(`${table}: row-level security is off`);
    const names = new Set(have.policies.map((policy) => policy.name));
    for (const policy of baseline.tables[table]!.policies) if (!names.has(policy.name)) rls.push(`${table}: policy ${policy.name} is missing`);
  }
  checks.push({ name: "RLS is enabled with the product's policies on every tenant table", ok: rls.length === 0, details: rls });

  const comparisons = await compareWithSnapshot(db);
  checks.push({
    name: 'row counts and content checksums equal the snapshot taken before the upgrade',
    ok: comparisons.every((comparison) => comparison.equal),
    details:
      comparisons.length === 0
        ? ['no snapshot: this database was not upgraded by eduzen db upgrade (nothing to compare)']
        : comparisons.map((comparison) =>
            `${comparison.table}: ${comparison.actualRows ?? '?'} rows, snapshot ${comparison.expectedRows}${comparison.equal ? ', checksum equal' : comparison.problem ? `: ${comparison.problem}` : ', CHECKSUM DIFFERS'}`,
          ),
  });

  checks.push(await verifySetAsideSessions(db));
  checks.push(await verifyMovedRows(db));

  const fresh = await readFreshSchema(databaseUrl);
  const diff = diffSchemas(actual, fresh.schema);
  checks.push({ name: `the schema equals a fresh install's (built in ${fresh.where})`, ok: diff.differences.length === 0, details: diff.differences });

  return { ok: checks.every((check) => check.ok), checks, extras: diff.extras };
}
