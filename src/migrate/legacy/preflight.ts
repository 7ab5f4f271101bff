/**
 * Preflight: every row the upgrade cannot carry as it is, found before anything changes.
 * Each blocker is counted, sampled, and names its remedy: an explicit flag, or a correction by
 * hand. The upgrade stops on any blocker whose remedy flag was not given.
 */
import { type Kysely, sql } from 'kysely';
import { baselineTable } from './baseline';
import { type LegacyLayout, legacyColumn } from './layout';
import { CARRIED_TABLES, type CarriedTable } from './legacy-shape';
import { type ProjectionOptions, projectionSql } from './projection';
import { ATTENDANCE_DAY_KEY } from './attendance-days';
import { mendOfFinding, unnamedMendBlockers } from './out-of-range';
import { LEGACY_VALUES_FLAG, describeMapping, legacyDomain, mappingOfFinding } from './value-maps';
import { unplacedSessionBlockers } from './unplaced';
import { columnTypeBlockers } from './column-types';
import { dependentViewBlockers } from './dependents';

// biome-ignore lint: works on any database
type AnyDb = Kysely<any>;

export type Remedies = {
  orphanSessions?: 'placeholder';
  reversedDates?: 'swap';
  defaultOrganization?: string;
  /** Sessions whose organisation nothing tells, set aside in unplaced_sessions (unplaced.ts). */
  unplacedSessions?: 'set-aside';
  /** Legacy values EDUZEN does not have, mapped as value-maps.ts says (the default `--yes` takes). */
  legacyValues?: 'map';
};

export type Blocker = {
  id: string;
  title: string;
  table: string;
  count: number;
  sample: string[];
  remedy: string;
  /** The flag that resolves it, when there is one. */
  flag?: string;
  /** True when that flag was given. */
  resolved: boolean;
};

type Finding = { id: string; table: CarriedTable; condition: string; title: string };

const FOREIGN_KEY = /^FOREIGN KEY \(([^)]+)\) REFERENCES ((?:\w+\.)?\w+)\(([^)]+)\)/;
const SAMPLE_SIZE = 5;

export type PreflightOptions = { /** Connections to spread the tables over (server only). */ parallel?: number };

/** The parts of a table's preflight, each one query (or a few): spread over the connections as separate work. */
const PARTS = ['rows', 'keys', 'unique'] as const;
type Part = (typeof PARTS)[number];

export async function runPreflight(db: AnyDb, layout: LegacyLayout, remedies: Remedies = {}, options: PreflightOptions = {}): Promise<Blocker[]> {
  const uniqueColumns = await legacyUniqueColumns(db, layout);
  // Each table's row checks and key checks are separate scans: spread as separate items over the
  // connections, largest table first, so that the two largest tables do not end up on one connection.
  const sizes = await sql<{ table: string; bytes: string }>`
    select v.name as "table", coalesce(pg_relation_size(to_regclass('public.' || v.relation)), 0)::text as bytes
    from unnest(${[...CARRIED_TABLES]}::text[], ${CARRIED_TABLES.map((table) => layout.relation[table])}::text[]) v (name, relation)`.execute(db);
  const bytes = (table: string) => Number(sizes.rows.find((row) => row.table === table)?.bytes ?? 0);
  const queue = [...CARRIED_TABLES]
    .sort((a, b) => bytes(b) - bytes(a))
    .flatMap((table) => (['keys', 'rows', 'unique'] as const).map((part) => ({ table, part })));
  const found = new Map<string, Blocker[]>();
  let failed = false;
  await Promise.all(
    Array.from({ length: Math.max(1, options.parallel ?? 1) }, () =>
      db.connection().execute(async (connection) => {
        for (let item = queue.shift(); item && !failed; item = queue.shift()) {
          try {
            // Projected keys are expressions the planner cannot estimate: without this it may pick
            // nested loops over whole tables, quadratic in the data size. Hash joins keep preflight linear.
            const blockers = await connection.transaction().execute(async (trx) => {
              await sql.raw('set local enable_nestloop = off').execute(trx);
              return tableBlockers(trx, layout, item.table, item.part, remedies, uniqueColumns);
            });
            found.set(`${item.table}:${item.part}`, blockers);
          } catch (error) {
            failed = true;
            throw error;
          }
        }
      }),
    ),
  );
  // Blockers in table order, each table's row checks, key checks, then duplicates.
  return [
    ...CARRIED_TABLES.flatMap((table) => PARTS.flatMap((part) => found.get(`${table}:${part}`) ?? [])),
    ...(await unplacedSessionBlockers(db, layout, remedies)),
    ...(await columnTypeBlockers(db, layout, remedies)),
    ...(await dependentViewBlockers(db, layout)),
    ...(await unnamedMendBlockers(db, layout, remedies.legacyValues === 'map')),
  ];
}

async function tableBlockers(
  db: AnyDb,
  layout: LegacyLayout,
  table: CarriedTable,
  part: Part,
  remedies: Remedies,
  uniqueColumns: Map<CarriedTable, string[][]>,
): Promise<Blocker[]> {
  const options: ProjectionOptions = { defaultOrganizationCode: remedies.defaultOrganization };
  const blockers: Blocker[] = [];
  {
    const projection = projectionSql(layout, table, options);
    const groups: [Finding[], Source][] =
      part === 'rows'
        ? [[rowFindings(table), { with: '', from: `(${projection}) c` }]]
        : part === 'keys'
          ? [[foreignKeyFindings(layout, table), foreignKeySource(layout, table, projection, options)]]
          : [];
    for (const [findings, from] of groups) {
      if (findings.length === 0) continue;
      const counts = await sql.raw<Record<string, string>>(
        `${from.with}select ${findings.map((finding, index) => `count(*) filter (where ${finding.condition}) as f${index}`).join(', ')} from ${from.from}`,
      ).execute(db);
      for (const [index, finding] of findings.entries()) {
        const count = Number(counts.rows[0]?.[`f${index}`] ?? 0);
        if (count > 0) blockers.push(await describe(db, layout, finding, count, from, remedies));
      }
    }
    for (const constraint of part === 'unique' ? baselineTable(table).constraints : []) {
      if (constraint.kind !== 'u') continue;
      if (uniqueColumns.get(table)?.some((columns) => columns.every((column) => constraint.columns.includes(column)))) continue;
      const list = constraint.definition.replace(/^UNIQUE \((.*)\)$/, '$1');
      const duplicates = await sql.raw<{ groups: string; sample: string[] | null }>(
        `select count(*) as groups, (array_agg(ids[1]::text))[1:${SAMPLE_SIZE}] as sample from (
          select array_agg(id) as ids from (${projection}) c
          where ${list.split(',').map((column) => `${column.trim()} is not null`).join(' and ')}
          group by ${list} having count(*) > 1) d`,
      ).execute(db);
      const groups = Number(duplicates.rows[0]?.groups ?? 0);
      if (groups > 0 && constraint.name === ATTENDANCE_DAY_KEY) {
        blockers.push({
          id: `duplicate:${constraint.name}`,
          title: `${groups} learners' days hold several attendance rows for one session`,
          table,
          count: groups,
          sample: duplicates.rows[0]?.sample ?? [],
          remedy: "keep the latest row of each day as the mark; the earlier ones go, whole, into the mark's change history (the default with --yes)",
          flag: LEGACY_VALUES_FLAG,
          resolved: remedies.legacyValues === 'map',
        });
      } else if (groups > 0 && mendOfFinding(`duplicate:${constraint.name}`)) {
        blockers.push({
          id: `duplicate:${constraint.name}`,
          title: `${groups} groups of ${table} rows would collide on (${list})`,
          table,
          count: groups,
          sample: duplicates.rows[0]?.sample ?? [],
          remedy: `${mendOfFinding(`duplicate:${constraint.name}`)!.says} (the default with --yes)`,
          flag: LEGACY_VALUES_FLAG,
          resolved: remedies.legacyValues === 'map',
        });
      } else if (groups > 0) {
        blockers.push({
          id: `duplicate:${constraint.name}`,
          title: `${groups} groups of ${table} rows would collide on (${list})`,
          table,
          count: groups,
          sample: duplicates.rows[0]?.sample ?? [],
          remedy: `rename or merge the duplicates by hand (${constraint.name}), then re-run`,
          resolved: false,
        });
      }
    }
  }
  return blockers;
}

function rowFindings(table: CarriedTable): Finding[] {
  const shape = baselineTable(table);
  const findings: Finding[] = shape.columns
    .filter((column) => column.notNull)
    .map((column) => ({ id: `not-null:${table}.${column.name}`, table, condition: `c.${column.name} is null`, title: `${table}.${column.name} is empty` }));
  for (const constraint of shape.constraints) {
    if (constraint.kind !== 'c') continue;
    findings.push({
      id: `check:${constraint.name}`,
      table,
      condition: `not ${constraint.definition.replace(/^CHECK /, '').replace(/ NOT VALID$/, '')}`,
      title: `${table} rows break ${constraint.name}: ${constraint.definition}`,
    });
  }
  return findings;
}

function foreignKeys(table: CarriedTable) {
  return baselineTable(table)
    .constraints.filter((constraint) => constraint.kind === 'f')
    .map((constraint) => {
      const match = FOREIGN_KEY.exec(constraint.definition);
      if (!match) throw new Error(`unexpected foreign key definition: ${constraint.definition}`);
      const split = (list: string) => list.split(',').map((item) => item.trim());
      return { name: constraint.name, columns: split(match[1]!), parent: match[2]!, parentColumns: split(match[3]!) };
    })
    .filter((key) => (CARRIED_TABLES as readonly string[]).includes(key.parent));
}

/** A query's FROM clause, and the WITH clause it needs (empty, or ending with a space). */
type Source = { with: string; from: string };

/**
 * The table's rows left-joined to each parent's projected rows, one join per foreign key. Each
 * parent projection is a materialised CTE: its keys are then plain columns, which the planner
 * hashes (the parent is the smaller side) instead of hashing the whole child table and spilling.
 */
function foreignKeySource(layout: LegacyLayout, table: CarriedTable, projection: string, options: ProjectionOptions): Source {
  const keys = foreignKeys(table);
  if (keys.length === 0) return { with: '', from: `(${projection}) c` };
  const parents = [...new Set(keys.map((key) => key.parent))];
  const ctes = parents.map((parent) => `parent_${parent} as materialized (${projectionSql(layout, parent as CarriedTable, options)})`);
  const joins = keys.map((key, index) => {
    const on = key.columns.map((column, position) => `p${index}.${key.parentColumns[position]} = c.${column}`).join(' and ');
    return `left join parent_${key.parent} p${index} on ${on}`;
  });
  return { with: `with ${ctes.join(', ')} `, from: `(${projection}) c ${joins.join(' ')}` };
}

function foreignKeyFindings(_layout: LegacyLayout, table: CarriedTable): Finding[] {
  return foreignKeys(table).map((key, index) => ({
    id: key.columns.includes('organization_id') && key.columns.length > 1 ? `cross-organization:${key.name}` : `dangling:${key.name}`,
    table,
    condition: `${key.columns.map((column) => `c.${column} is not null`).join(' and ')} and p${index}.${key.parentColumns[0]} is null`,
    title:
      key.columns.length > 1
        ? `${table} rows point at a ${key.parent} row of another organisation (${key.name})`
        : `${table} rows point at a missing ${key.parent} row (${key.name})`,
  }));
}

async function describe(db: AnyDb, layout: LegacyLayout, finding: Finding, count: number, from: Source, remedies: Remedies): Promise<Blocker> {
  const sample = await sql.raw<{ id: string }>(
    `${from.with}select c.id::text as id from ${from.from} where ${finding.condition} order by 1 limit ${SAMPLE_SIZE}`,
  ).execute(db);
  const base = { id: finding.id, table: finding.table, count, sample: sample.rows.map((row) => row.id) };
  if (finding.id === 'not-null:sessions.formation_id') {
    return {
      ...base,
      title: `${count} sessions have no programme (the old script's inner join dropped them)`,
      remedy: 'file them, with their enrollments, attendance and grades, under one formation per organisation called "Sessions sans formation"',
      flag: '--orphan-sessions=placeholder',
      resolved: remedies.orphanSessions === 'placeholder',
    };
  }
  if (finding.id === 'check:sessions_dates_check') {
    return {
      ...base,
      title: `${count} sessions end before they start`,
      remedy: 'swap their start and end dates (they are listed first)',
      flag: '--reversed-dates=swap',
      resolved: remedies.reversedDates === 'swap',
    };
  }
  if (finding.id === 'not-null:sessions.organization_id') {
    return {
      ...base,
      title: `the organisation of ${count} sessions cannot be determined (no programme, trainer, learner, attendance or grade tells it)`,
      remedy: 'name the organisation they belong to',
      flag: '--default-organization=CODE',
      resolved: remedies.defaultOrganization !== undefined,
    };
  }
  if (['not-null:sessions.start_time', 'not-null:sessions.end_time', 'check:sessions_times_check'].includes(finding.id)) {
    return {
      ...base,
      title: `${count} sessions have no hours, or hours that end before they start (${finding.id.replace(/^[^:]+:/, '')})`,
      remedy: 'carry them with their hours not known yet: no slot is made for them but on the days a learner was marked (9:00–17:00 there), the original hours kept in the upgrade log (the default with --yes)',
      flag: LEGACY_VALUES_FLAG,
      resolved: remedies.legacyValues === 'map',
    };
  }
  const mend = mendOfFinding(finding.id);
  if (mend) {
    return {
      ...base,
      title: `${count} ${finding.title}`,
      remedy: `${mend.says}, each value before kept in the upgrade log (the default with --yes)`,
      flag: LEGACY_VALUES_FLAG,
      resolved: remedies.legacyValues === 'map',
    };
  }
  const mapping = mappingOfFinding(finding.id);
  if (mapping) {
    const counts = await sql.raw<{ value: string | null; n: string }>(
      `${from.with}select c.${mapping.column}::text as value, count(*) as n from ${from.from} where ${finding.condition} group by 1 order by 2 desc, 1`,
    ).execute(db);
    const values = counts.rows.map((row) => ({ value: row.value, count: Number(row.n) }));
    return {
      ...base,
      title: `${count} ${finding.table} rows hold a ${mapping.column} EDUZEN does not have: ${describeMapping(mapping, values, await legacyDomain(db, layout, mapping))}`,
      remedy: 'map them as listed, each original value kept in the upgrade log (the default with --yes)',
      flag: LEGACY_VALUES_FLAG,
      resolved: remedies.legacyValues === 'map',
    };
  }
  return { ...base, title: `${count} ${finding.title}`, remedy: 'correct these rows by hand, then re-run', resolved: false };
}

/** Columns (under their new names) of the legacy unique constraints, which already hold. */
async function legacyUniqueColumns(db: AnyDb, layout: LegacyLayout): Promise<Map<CarriedTable, string[][]>> {
  const result = await sql<{ table: string; columns: string[] }>`
    select c.relname as "table", array_agg(a.attname::text) as columns
    from pg_constraint k join pg_class c on c.oid = k.conrelid join pg_namespace n on n.oid = c.relnamespace
    join pg_attribute a on a.attrelid = k.conrelid and a.attnum = any (k.conkey)
    where n.nspname = 'public' and k.contype in ('p', 'u') group by c.relname, k.oid`.execute(db);
  const map = new Map<CarriedTable, string[][]>();
  for (const table of CARRIED_TABLES) {
    const mapColumn = (column: string) => {
      for (const target of baselineTable(table).columns) if (legacyColumn(layout, table, target.name) === column) return target.name;
      return column;
    };
    map.set(table, result.rows.filter((row) => row.table === layout.relation[table]).map((row) => row.columns.map(mapColumn)));
  }
  return map;
}
