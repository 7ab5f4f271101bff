/**
 * Row counts and content checksums of the carried tables, taken on the legacy shape before the
 * catalogue phase and stored in eduzen_upgrade.snapshot. Columns are recorded under their new
 * names, so `verify` recomputes the same checksum on the upgraded tables: a renamed table or
 * column changes nothing, a lost or altered row does.
 */
import { type Kysely, sql } from 'kysely';
import { legacyValueSql, swappedConversions } from './column-types-sql';

// biome-ignore lint: works on any database
type AnyDb = Kysely<any>;

/** Takes the snapshot while the database still has its legacy shape; keeps the one taken before otherwise. */
export const SNAPSHOT_SQL = `
do $$
declare
  r record;
  v_columns text[];
  v_names text[];
  v_count bigint;
  v_checksum text;
begin
  if to_regclass('public.program_sessions') is null then
    return;
  end if;
  delete from eduzen_upgrade.snapshot;
  for r in select * from (values ('organizations', 'organizations'), ('users', 'users'), ('students', 'students'),
      ('programs', 'formations'), ('program_sessions', 'sessions'), ('enrollments', 'enrollments'),
      ('attendance', 'attendance'), ('grades', 'grades')) v (source, target) loop
    select array_agg(a.attname::text order by a.attnum),
           array_agg(case when r.target = 'sessions' and a.attname = 'program_id' then 'formation_id'
                          when a.attname = 'program_session_id' then 'session_id'
                          else a.attname::text end order by a.attnum)
      into v_columns, v_names
      from pg_attribute a
      where a.attrelid = eduzen_upgrade.rel(r.source) and a.attnum > 0 and not a.attisdropped;
    select c.row_count, c.checksum into v_count, v_checksum from eduzen_upgrade.table_checksum(r.source, v_columns) c;
    insert into eduzen_upgrade.snapshot (table_name, source_name, columns, row_count, checksum)
      values (r.target, r.source, v_names, v_count, v_checksum);
  end loop;
end
$$`;

/** Each carried table with its columns (and their new names), largest first: the CLI checksums them in parallel. */
export const SNAPSHOT_TABLES_SQL = `
select v.source, v.target,
  array_agg(a.attname::text order by a.attnum) as columns,
  array_agg(case when v.target = 'sessions' and a.attname = 'program_id' then 'formation_id'
                 when a.attname = 'program_session_id' then 'session_id'
                 else a.attname::text end order by a.attnum) as names
from (values ('organizations', 'organizations'), ('users', 'users'), ('students', 'students'),
    ('programs', 'formations'), ('program_sessions', 'sessions'), ('enrollments', 'enrollments'),
    ('attendance', 'attendance'), ('grades', 'grades')) v (source, target)
  join pg_attribute a on a.attrelid = eduzen_upgrade.rel(v.source) and a.attnum > 0 and not a.attisdropped
group by v.source, v.target
order by max(pg_relation_size(a.attrelid)) desc, v.source`;

export type SnapshotRow = { tableName: string; sourceName: string; columns: string[]; rowCount: string; checksum: string };

export type ChecksumComparison = { table: string; expectedRows: number; actualRows: number | null; equal: boolean; problem?: string };

export async function readSnapshot(db: AnyDb): Promise<SnapshotRow[]> {
  const present = await sql<{ present: boolean }>`select to_regclass('eduzen_upgrade.snapshot') is not null as present`.execute(db);
  if (!present.rows[0]?.present) return [];
  const rows = await sql<SnapshotRow>`
    select table_name as "tableName", source_name as "sourceName", columns, row_count::text as "rowCount", checksum
    from eduzen_upgrade.snapshot order by table_name`.execute(db);
  return rows.rows;
}

/**
 * Columns that a later product migration moved out of a carried table, and the table that
 * holds their values now (one row per row of the carried table, found by `join`). Verify reads
 * them there, so that the checksum still covers every legacy value.
 */
const MOVED_COLUMNS: Record<string, { table: string; join: string; columns: readonly string[] }> = {
  // 20251213000000_session_slots: the half-day hours became slots; the values are kept.
  sessions: {
    table: 'session_former_hours',
    join: 'm.organization_id = t.organization_id and m.session_id = t.id',
    columns: ['start_time', 'am_end_time', 'pm_start_time', 'end_time'],
  },
};

/** Types hashed as values by eduzen_upgrade.table_checksum; any other by its text form. */
const HASHED_AS_VALUES = new Set(['uuid', 'text', 'character varying', 'character', 'smallint', 'integer', 'bigint', 'numeric',
  'boolean', 'date', 'timestamp without time zone', 'timestamp with time zone', 'time without time zone', 'interval', 'jsonb',
  'bytea', 'real', 'double precision']);

async function columnTypes(db: AnyDb, table: string): Promise<Map<string, string>> {
  const rows = await sql<{ name: string; type: string }>`
    select a.attname as name, format_type(a.atttypid, null) as type from pg_attribute a
    where a.attrelid = to_regclass(${`public.${table}`}) and a.attnum > 0 and not a.attisdropped`.execute(db);
  return new Map(rows.rows.map((row) => [row.name, row.type]));
}

/**
 * The checksum of a carried table whose snapshot columns a later migration moved elsewhere
 * (MOVED_COLUMNS), or whose legacy column types the upgrade converted (column-types-sql.ts),
 * computed exactly as table_checksum does on the legacy table: the moved columns read where they
 * are now, the converted ones read back as their legacy values (a value that is not the image of
 * one stops it). Undefined when no column of the table was moved or converted.
 */
async function movedColumnsChecksum(db: AnyDb, row: SnapshotRow): Promise<{ rowCount: string; checksum: string } | undefined> {
  const moved = MOVED_COLUMNS[row.tableName];
  const own = await columnTypes(db, row.tableName);
  const converted = new Map((await swappedConversions(db, row.tableName)).map((conversion) => [conversion.column, conversion]));
  const isMoved = moved !== undefined && !row.columns.every((column) => own.has(column));
  if (!isMoved && !row.columns.some((column) => converted.has(column))) return undefined;
  const elsewhere = moved && isMoved ? await columnTypes(db, moved.table) : new Map<string, string>();
  const values = row.columns.map((column) => {
    const conversion = converted.get(column);
    if (conversion && own.has(column)) {
      const value = legacyValueSql(row.tableName, conversion, `t.${quoteIdentifier(column)}`);
      return HASHED_AS_VALUES.has(conversion.legacyBase) ? `(${value})` : `(${value})::text`;
    }
    const [alias, type] = own.has(column) ? ['t', own.get(column)] : moved?.columns.includes(column) ? ['m', elsewhere.get(column)] : ['t', undefined];
    const reference = `${alias}.${quoteIdentifier(column)}`;
    return type !== undefined && HASHED_AS_VALUES.has(type) ? reference : `${reference}::text`;
  });
  const join = moved && isMoved ? sql`left join ${sql.table(`public.${moved.table}`)} m on ${sql.raw(moved.join)}` : sql``;
  const result = await sql<{ rowCount: string; checksum: string }>`
    select count(*)::text as "rowCount", coalesce(sum(hash_record_extended(row(${sql.raw(values.join(', '))}), 0)), 0)::text as checksum
    from ${sql.table(`public.${row.tableName}`)} t ${join}`.execute(db);
  return result.rows[0];
}

function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

export async function compareWithSnapshot(db: AnyDb): Promise<ChecksumComparison[]> {
  const comparisons: ChecksumComparison[] = [];
  for (const row of await readSnapshot(db)) {
    const expectedRows = Number(row.rowCount);
    try {
      const actual = await movedColumnsChecksum(db, row) ?? (await sql<{ rowCount: string; checksum: string }>`
        select row_count::text as "rowCount", checksum from eduzen_upgrade.table_checksum(${row.tableName}, ${row.columns})`.execute(db)).rows[0];
      comparisons.push({
        table: row.tableName,
        expectedRows,
        actualRows: actual ? Number(actual.rowCount) : null,
        equal: actual?.rowCount === row.rowCount && actual.checksum === row.checksum,
      });
    } catch (error) {
      comparisons.push({ table: row.tableName, expectedRows, actualRows: null, equal: false, problem: (error as Error).message });
    }
  }
  return comparisons;
}
