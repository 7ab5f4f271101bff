/**
 * Preflight of the legacy column types: each carried legacy column whose type (read from the
 * catalogue) differs from the baseline's is classified. A lossless widening is converted as it is
 * (column-types-sql.ts); a narrowing or lossy change is converted only when every value present
 * comes back equal from the baseline's type (the cast round-trips), and is a blocker otherwise,
 * counted and sampled before anything changes.
 */
import { fitsSql } from './fits';
import { numericMendOf } from './out-of-range';
import { LEGACY_VALUES_FLAG } from './legacy-values-flag';
import { type Kysely, sql } from 'kysely';
import { baselineTable } from './baseline';
import { defaultTimeZone } from './column-types-sql';
import { type LegacyLayout, legacyColumn, quoteLiteral, sessionsSourceSql } from './layout';
import { CARRIED_TABLES, type CarriedTable } from './legacy-shape';
import type { Blocker, Remedies } from './preflight';

// biome-ignore lint: works on any database
type AnyDb = Kysely<any>;

export type TypeChange = 'same' | 'widening' | 'narrowing' | 'unsupported';

/** A legacy column of another type than the baseline's. */
export type ColumnTypeFinding = { table: CarriedTable; column: string; legacyColumn: string; legacyType: string; targetType: string; change: TypeChange };

const SAMPLE_SIZE = 5;
const INTEGER_DIGITS: Record<string, number> = { smallint: 5, integer: 10, bigint: 19 };
const NUMERIC = /^numeric\((\d+),(\d+)\)$/;
const TEXTUAL = /^(text|character varying(\(\d+\))?|character(\(\d+\))?)$/;
/** Types the baseline's columns may be converted to from another, through a cast that is checked. */
const CASTABLE = /^(smallint|integer|bigint|numeric(\(\d+,\d+\))?|real|double precision|text|character varying(\(\d+\))?|character(\(\d+\))?|boolean|date|uuid|jsonb)$/;

/**
 * Lossless widenings: every value of the legacy type has one equal value of the target's.
 * Narrowings are convertible when the values present allow it; unsupported pairs never are.
 */
export function classifyTypeChange(legacy: string, target: string): TypeChange {
  if (legacy === target) return 'same';
  const targetNumeric = NUMERIC.exec(target);
  const legacyNumeric = NUMERIC.exec(legacy);
  const digits = INTEGER_DIGITS[legacy];
  if (target === 'timestamp with time zone') {
    // A date is midnight of that day in the organisation's zone, which always exists (a zone that
    // skips midnight gives the day's first instant, read back as the same date); a timestamp
    // without time zone may fall in a skipped hour: its values are checked.
    if (legacy === 'date') return 'widening';
    if (legacy === 'timestamp without time zone') return 'narrowing';
    return 'unsupported';
  }
  if (targetNumeric) {
    const [p2, s2] = [Number(targetNumeric[1]), Number(targetNumeric[2])];
    if (digits !== undefined) return p2 - s2 >= digits ? 'widening' : 'narrowing';
    if (legacyNumeric) {
      const [p1, s1] = [Number(legacyNumeric[1]), Number(legacyNumeric[2])];
      return s2 >= s1 && p2 - s2 >= p1 - s1 ? 'widening' : 'narrowing';
    }
  }
  if (target === 'numeric' && (digits !== undefined || legacy === 'numeric' || legacyNumeric)) return 'widening';
  if (target === 'bigint' && (legacy === 'integer' || legacy === 'smallint')) return 'widening';
  if (target === 'integer' && legacy === 'smallint') return 'widening';
  if (target === 'text' && TEXTUAL.test(legacy)) return 'widening';
  return CASTABLE.test(legacy) && CASTABLE.test(target) ? 'narrowing' : 'unsupported';
}

/** The legacy columns (of the carried tables) whose type is not the baseline's. */
export async function readColumnTypeFindings(db: AnyDb, layout: LegacyLayout): Promise<ColumnTypeFinding[]> {
  const relations = CARRIED_TABLES.map((table) => layout.relation[table]);
  const types = (await sql<{ relation: string; column: string; type: string }>`
    select c.relname as relation, a.attname as column, format_type(a.atttypid, a.atttypmod) as type
    from pg_attribute a join pg_class c on c.oid = a.attrelid join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = 'public' and c.relname = any (${relations}) and a.attnum > 0 and not a.attisdropped`.execute(db)).rows;
  const findings: ColumnTypeFinding[] = [];
  for (const table of CARRIED_TABLES) {
    for (const column of baselineTable(table).columns) {
      const legacy = legacyColumn(layout, table, column.name);
      const found = legacy && types.find((row) => row.relation === layout.relation[table] && row.column === legacy);
      if (!legacy || !found || found.type === column.type) continue;
      findings.push({ table, column: column.name, legacyColumn: legacy, legacyType: found.type, targetType: column.type, change: classifyTypeChange(found.type, column.type) });
    }
  }
  return findings;
}

/** The organisation's time zone of a legacy row aliased t (legacy names; the baseline's default where there is none). */
function legacyZoneSql(layout: LegacyLayout, table: CarriedTable): string {
  const zone = quoteLiteral(defaultTimeZone());
  if (!layout.columns.organizations.includes('timezone')) return zone;
  const of = (organisation: string) => `coalesce((select o.timezone from public.organizations o where o.id = ${organisation}), ${zone})`;
  if (table === 'organizations') return `coalesce(t.timezone, ${zone})`;
  if (table === 'sessions') {
    const program = legacyColumn(layout, 'sessions', 'formation_id');
    return of(`(select f.organization_id from public.${layout.relation.formations} f where f.id = t.${program})`);
  }
  if (table === 'enrollments') return of('(select s.organization_id from public.students s where s.id = t.student_id)');
  return of('t.organization_id');
}

/** The legacy rows whose value does not come back equal from the target type (never raising). */
function doesNotFitSql(layout: LegacyLayout, finding: ColumnTypeFinding, hasInputCheck: boolean): string {
  const value = `t.${finding.legacyColumn}`;
  if (finding.targetType === 'timestamp with time zone') {
    const zone = legacyZoneSql(layout, finding.table);
    return `${value} is not null and ((${value} at time zone ${zone}) at time zone ${zone}) is distinct from ${value}`;
  }
  return `${value} is not null and case when not ${fitsSql(`(${value})::text`, finding.targetType, hasInputCheck)} then true
    else ((${value})::${finding.targetType})::${finding.legacyType} is distinct from ${value} end`;
}

/**
 * Blockers of the column types: the values that do not fit, per column; and columns whose types
 * have no conversion at all. Widenings and narrowings whose every value fits give none.
 */
export async function columnTypeBlockers(db: AnyDb, layout: LegacyLayout, remedies: Remedies = {}): Promise<Blocker[]> {
  const blockers: Blocker[] = [];
  const version = await sql<{ version: number }>`select current_setting('server_version_num')::int as version`.execute(db);
  const hasInputCheck = (version.rows[0]?.version ?? 0) >= 160000;
  for (const finding of await readColumnTypeFindings(db, layout)) {
    const what = `${finding.table}.${finding.column}`;
    if (finding.change === 'unsupported') {
      blockers.push({
        id: `column-type:${what}`,
        title: `${what} is ${finding.legacyType} where EDUZEN has ${finding.targetType}, and EDUZEN has no conversion between them`,
        table: finding.table, count: 1, sample: [],
        remedy: `change the column to ${finding.targetType} by hand (alter table … alter column ${finding.legacyColumn} type ${finding.targetType} using …), then re-run`,
        resolved: false,
      });
      continue;
    }
    if (finding.change !== 'narrowing') continue;
    const source = finding.table === 'sessions' ? sessionsSourceSql(layout) : `public.${layout.relation[finding.table]}`;
    const result = await sql.raw<{ count: string; sample: string[] | null }>(
      `select count(*) as count, (array_agg(t.id::text order by t.id))[1:${SAMPLE_SIZE}] as sample from ${source} t where ${doesNotFitSql(layout, finding, hasInputCheck)}`,
    ).execute(db);
    const count = Number(result.rows[0]?.count ?? 0);
    if (count === 0) continue;
    const mended = numericMendOf(finding.table, finding.column);
    blockers.push({
      id: `column-type:${what}`,
      title: `${count} ${finding.table} rows have a ${finding.column} (${finding.legacyType}) that ${finding.targetType}, EDUZEN's type, cannot hold exactly`,
      table: finding.table,
      count,
      sample: result.rows[0]?.sample ?? [],
      ...(mended
        ? { remedy: `${mended.says}, each value before kept in the upgrade log (the default with --yes)`, flag: LEGACY_VALUES_FLAG, resolved: remedies.legacyValues === 'map' }
        : { remedy: `change these values by hand to ones ${finding.targetType} holds exactly (EDUZEN would otherwise round or refuse them), then re-run`, resolved: false }),
    });
  }
  return blockers;
}
