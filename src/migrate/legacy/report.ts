/**
 * The legacy report of `eduzen db status` (the guide's steps 1–3) and the list of what the
 * upgrade keeps untouched: row counts, foreign keys pointing at the sessions table, policies,
 * blockers, and the tables, columns and policies EDUZEN does not know.
 */
import { type Kysely, sql } from 'kysely';
import { loadBaseline } from './baseline';
import { type Detection, detectState } from './detect';
import { legacyColumn } from './layout';
import { CARRIED_TABLES, LEFTOVER_TABLES, legacyNameOf, legacyPolicyNames } from './legacy-shape';
import { type Blocker, type Remedies, runPreflight } from './preflight';
import { findRerunBlockers } from './rerun-blockers';

// biome-ignore lint: works on any database
type AnyDb = Kysely<any>;

export type Unknowns = { tables: string[]; columns: string[]; policies: string[] };

export type LegacyReport = {
  state: Detection['state'];
  reasons: string[];
  interruptedPhase: string | null;
  counts: Record<string, number>;
  foreignKeys: { table: string; constraint: string; column: string; references: string }[];
  policies: Record<string, string[]>;
  blockers: Blocker[];
  leftovers: string[];
  unknowns: Unknowns;
};

export async function buildLegacyReport(db: AnyDb, remedies: Remedies = {}): Promise<LegacyReport> {
  const detection = await detectState(db);
  const tables = await sql<{ name: string }>`
    select c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = 'public' and c.relkind in ('r', 'p') order by 1`.execute(db);
  const counts: Record<string, number> = {};
  for (const { name } of tables.rows) {
    const result = await sql.raw<{ n: string }>(`select count(*) as n from public."${name}"`).execute(db);
    counts[name] = Number(result.rows[0]?.n ?? 0);
  }
  const foreignKeys = await sql<LegacyReport['foreignKeys'][number]>`
    select c.relname as "table", k.conname as constraint,
      (select string_agg(a.attname, ', ') from pg_attribute a where a.attrelid = k.conrelid and a.attnum = any (k.conkey)) as column,
      p.relname as references
    from pg_constraint k join pg_class c on c.oid = k.conrelid join pg_class p on p.oid = k.confrelid
    join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = 'public' and k.contype = 'f' and p.relname in ('program_sessions', 'sessions')
    order by 1, 2`.execute(db);
  const policyRows = await sql<{ table: string; name: string }>`
    select tablename as "table", policyname as name from pg_policies where schemaname = 'public' order by 1, 2`.execute(db);
  const policies: Record<string, string[]> = {};
  for (const row of policyRows.rows) (policies[row.table] ??= []).push(row.name);
  const blockers = detection.layout ? await runPreflight(db, detection.layout, remedies) : [];
  // An interrupted run: what would stop a re-run (of the upgrade, or of its rollback) from finishing.
  const rerun = detection.run ? await findRerunBlockers(db, detection.run.rollbackStartedAt !== null) : [];
  return {
    state: detection.state,
    reasons: [...detection.reasons, ...rerun],
    interruptedPhase: detection.run?.phase ?? null,
    counts,
    foreignKeys: foreignKeys.rows,
    policies,
    blockers,
    leftovers: detection.leftovers,
    unknowns: await listUnknowns(db, detection),
  };
}

/** What EDUZEN does not know and leaves as it is. */
export async function listUnknowns(db: AnyDb, detection: Detection): Promise<Unknowns> {
  const baseline = loadBaseline();
  const known = new Set([
    ...Object.keys(baseline.tables),
    ...CARRIED_TABLES.map(legacyNameOf),
    ...LEFTOVER_TABLES.map((leftover) => leftover.table),
  ]);
  const columns = await sql<{ table: string; columns: string[] }>`
    select c.relname as "table", array_agg(a.attname::text order by a.attnum) as columns
    from pg_class c join pg_namespace n on n.oid = c.relnamespace
    join pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
    where n.nspname = 'public' and c.relkind in ('r', 'p') group by 1 order by 1`.execute(db);
  const unknownColumns: string[] = [];
  for (const table of CARRIED_TABLES) {
    const relation = detection.layout?.relation[table] ?? table;
    const present = columns.rows.find((row) => row.table === relation)?.columns ?? [];
    const baselineColumns = new Set(baseline.tables[table]!.columns.map((column) => column.name));
    for (const column of present) {
      const target = detection.layout
        ? (baseline.tables[table]!.columns.find((entry) => legacyColumn(detection.layout!, table, entry.name) === column)?.name ?? column)
        : column;
      if (!baselineColumns.has(target)) unknownColumns.push(`${relation}.${column}`);
    }
  }
  const policies = await sql<{ table: string; name: string }>`
    select tablename as "table", policyname as name from pg_policies where schemaname = 'public' order by 1, 2`.execute(db);
  const unknownPolicies = policies.rows
    .filter((policy) => {
      const carried = CARRIED_TABLES.find(
        (table) => table === policy.table || legacyNameOf(table) === policy.table || detection.layout?.relation[table] === policy.table,
      );
      if (!carried && !known.has(policy.table)) return false;
      const product = baseline.tables[policy.table]?.policies.some((entry) => entry.name === policy.name) ?? false;
      const legacy = legacyPolicyNames(carried ? legacyNameOf(carried) : policy.table).includes(policy.name);
      return !product && !legacy;
    })
    .map((policy) => `${policy.table}: ${policy.name}`);
  return {
    tables: columns.rows.map((row) => row.table).filter((table) => !known.has(table)),
    columns: unknownColumns,
    policies: unknownPolicies,
  };
}
