/**
 * The operator's views (and materialized views) that read a legacy column the upgrade converts
 * to another type, or that a later migration drops (the sessions' hours, once slots hold them).
 * Postgres refuses to drop or retype a column a view reads: found later, in finalize or in the
 * migrate phase, that would stop the upgrade after its first changes. Preflight finds them first.
 * Views are the operator's own objects, so EDUZEN does not rewrite them: the remedy is theirs,
 * and the view's definition is in the blocker.
 */
import { type Kysely, sql } from 'kysely';
import { baselineTable, loadBaseline } from './baseline';
import { type LegacyLayout, legacyColumn } from './layout';
import { CARRIED_TABLES } from './legacy-shape';
import type { Blocker } from './preflight';

// biome-ignore lint: works on any database
type AnyDb = Kysely<any>;

export async function dependentViewBlockers(db: AnyDb, layout: LegacyLayout): Promise<Blocker[]> {
  const dropped = loadBaseline().laterDroppedColumns ?? {};
  const watched: { relation: string; column: string; type: string; dropped: boolean }[] = [];
  for (const table of CARRIED_TABLES) {
    for (const column of baselineTable(table).columns) {
      const legacy = legacyColumn(layout, table, column.name);
      if (legacy) watched.push({ relation: layout.relation[table], column: legacy, type: column.type, dropped: dropped[table]?.includes(column.name) ?? false });
    }
  }
  const result = await sql<{ view: string; relation: string; column_name: string; definition: string }>`
    select distinct v.oid::regclass::text as view, w.relation, w.column_name, pg_get_viewdef(v.oid) as definition
    from unnest(${watched.map((entry) => entry.relation)}::text[], ${watched.map((entry) => entry.column)}::text[],
        ${watched.map((entry) => entry.type)}::text[], ${watched.map((entry) => entry.dropped)}::boolean[]) w (relation, column_name, type, dropped)
    join pg_attribute a on a.attrelid = to_regclass('public.' || w.relation) and a.attname = w.column_name and not a.attisdropped
    join pg_depend d on d.refobjid = a.attrelid and d.refobjsubid = a.attnum and d.classid = 'pg_rewrite'::regclass
    join pg_rewrite r on r.oid = d.objid
    join pg_class v on v.oid = r.ev_class and v.oid <> a.attrelid
    where w.dropped or format_type(a.atttypid, a.atttypmod) <> w.type
    order by 1, 2, 3`.execute(db);
  const byView = new Map<string, { columns: string[]; definition: string }>();
  for (const row of result.rows) {
    const entry = byView.get(row.view) ?? { columns: [], definition: row.definition };
    entry.columns.push(`${row.relation}.${row.column_name}`);
    byView.set(row.view, entry);
  }
  return [...byView].map(([view, entry]) => ({
    id: `dependent-view:${view}`,
    title: `the view ${view} reads ${entry.columns.join(', ')}, which the upgrade converts to EDUZEN's type or a later migration drops; its definition: ${entry.definition.replace(/\s+/g, ' ').trim()}`,
    table: view,
    count: 1,
    sample: [],
    remedy: `drop the view ${view} before the upgrade, and create it again afterwards on the product's tables (sessions' hours are in session_slots)`,
    resolved: false,
  }));
}
