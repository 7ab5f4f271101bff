/**
 * Where the legacy data of each table lives right now. On a plain legacy database that is
 * `programs`, `program_sessions` and `program_session_id`; after the old script stopped half-way
 * the original `programs` may sit in `formations_temp` and enrollments may already say `session_id`.
 */
import { type Kysely, sql } from 'kysely';
import { CARRIED_TABLES, type CarriedTable } from './legacy-shape';

// biome-ignore lint: works on any database
type AnyDb = Kysely<any>;

export type LegacyLayout = {
  /** The relation holding each table's legacy rows. */
  relation: Record<CarriedTable, string>;
  /** Columns present in each of those relations. */
  columns: Record<CarriedTable, string[]>;
  /**
   * The old script ran to the end: `formations` and `sessions` hold the live rows, and
   * `sessions_temp` (its copy of program_sessions) holds the sessions its inner join left out.
   * The repair phase carries those back and renames the tables to their legacy names.
   */
  scriptFinished?: boolean;
};

export async function readRelationColumns(db: AnyDb): Promise<Map<string, string[]>> {
  const result = await sql<{ table: string; columns: string[] }>`
    select c.relname as "table", array_agg(a.attname::text order by a.attnum) as columns
    from pg_class c join pg_namespace n on n.oid = c.relnamespace
    join pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
    where n.nspname = 'public' and c.relkind in ('r', 'p')
    group by c.relname`.execute(db);
  return new Map(result.rows.map((row) => [row.table, row.columns]));
}

/** Null when the legacy rows are not where a legacy (or half-migrated legacy) database has them. */
export function resolveLayout(relations: Map<string, string[]>): LegacyLayout | null {
  const isLegacyPrograms = (name: string) => relations.get(name)?.includes('duration_hours') ?? false;
  if (scriptFinished(relations)) return layoutOf(relations, 'formations', 'sessions', true);
  const programs = isLegacyPrograms('programs') ? 'programs' : isLegacyPrograms('formations_temp') ? 'formations_temp' : null;
  if (!programs || !relations.has('program_sessions')) return null;
  return layoutOf(relations, programs, 'program_sessions', false);
}

/**
 * The old script ran to the end: program_sessions dropped, its copy sessions_temp kept, a
 * sessions table with formation_id but without the organisation EDUZEN adds, and formations
 * with the legacy programs' columns.
 */
export function scriptFinished(relations: Map<string, string[]>): boolean {
  const sessions = relations.get('sessions');
  return !relations.has('program_sessions')
    && (relations.get('sessions_temp')?.includes('program_id') ?? false)
    && sessions !== undefined && sessions.includes('formation_id') && !sessions.includes('organization_id')
    && (relations.get('formations')?.includes('duration_hours') ?? false);
}

function layoutOf(relations: Map<string, string[]>, formations: string, sessions: string, finished: boolean): LegacyLayout | null {
  const relation = {} as Record<CarriedTable, string>;
  const columns = {} as Record<CarriedTable, string[]>;
  for (const table of CARRIED_TABLES) {
    const name = table === 'formations' ? formations : table === 'sessions' ? sessions : table;
    const present = relations.get(name);
    if (!present) return null;
    relation[table] = name;
    columns[table] = present;
  }
  return finished ? { relation, columns, scriptFinished: true } : { relation, columns };
}

/** Where the legacy rows are once the repair phase has run: under the legacy names again. */
export function repairedLayout(layout: LegacyLayout): LegacyLayout {
  const sessions = layout.columns.sessions.map((column) => (layout.scriptFinished && column === 'formation_id' ? 'program_id' : column));
  return {
    relation: { ...layout.relation, formations: 'programs', sessions: 'program_sessions' },
    columns: { ...layout.columns, sessions },
  };
}

/**
 * The legacy session rows as a relation: the table itself, or, when the old script ran to the
 * end, its sessions plus those of sessions_temp it left out (which the repair phase carries back).
 */
export function sessionsSourceSql(layout: LegacyLayout): string {
  if (!layout.scriptFinished) return `public.${layout.relation.sessions}`;
  const columns = layout.columns.sessions;
  return `(select ${columns.map(quoteIdent).join(', ')} from public.${layout.relation.sessions}
    union all
    select ${columns.map((column) => (column === 'formation_id' ? 'st.program_id' : `st.${quoteIdent(column)}`)).join(', ')}
    from public.sessions_temp st where not exists (select 1 from public.${layout.relation.sessions} s where s.id = st.id))`;
}

/** The legacy column holding a target column's values, if any. */
export function legacyColumn(layout: LegacyLayout, table: CarriedTable, column: string): string | null {
  const present = layout.columns[table];
  if (present.includes(column) && !(table === 'sessions' && column === 'formation_id')) return column;
  if (table === 'sessions' && column === 'formation_id') {
    return present.includes('program_id') ? 'program_id' : layout.scriptFinished && present.includes('formation_id') ? 'formation_id' : null;
  }
  if (column === 'session_id' && present.includes('program_session_id')) return 'program_session_id';
  return null;
}

/** The only organisation of the database, null when it has several (or none). */
export const SOLE_ORGANIZATION_SQL = '(select min(o.id::text)::uuid from public.organizations o having count(*) = 1)';

/**
 * SQL for the organisation of a legacy session row aliased `t` that has no programme: what its
 * rows tell, else the organisation named by --default-organization, else the database's only one
 * (`told` alone: what its rows tell, nothing else).
 */
export function orphanOrganizationSql(layout: LegacyLayout, defaultOrganizationCode?: string, told = false): string {
  const column = (table: CarriedTable) => legacyColumn(layout, table, 'session_id') ?? 'session_id';
  const fallback = told
    ? ''
    : defaultOrganizationCode
      ? `, (select o.id from public.organizations o where o.code = ${quoteLiteral(defaultOrganizationCode)})`
      : `, ${SOLE_ORGANIZATION_SQL}`;
  return `coalesce(
    (select u.organization_id from public.users u where u.id = t.teacher_id),
    (select min(st.organization_id::text)::uuid from public.enrollments e join public.students st on st.id = e.student_id
      where e.${column('enrollments')} = t.id),
    (select min(a.organization_id::text)::uuid from public.attendance a where a.${column('attendance')} = t.id),
    (select min(g.organization_id::text)::uuid from public.grades g where g.${column('grades')} = t.id)${fallback})`;
}

export function quoteLiteral(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

export function quoteIdent(value: string): string {
  return `"${value.replace(/"/g, '""')}"`;
}

/** The layout of an untouched legacy database, for SQL written before seeing the database. */
export function standardLayout(): LegacyLayout {
  const child = ['id', 'program_session_id', 'student_id', 'organization_id'];
  return {
    relation: {
      organizations: 'organizations', users: 'users', students: 'students', formations: 'programs',
      sessions: 'program_sessions', enrollments: 'enrollments', attendance: 'attendance', grades: 'grades',
    },
    columns: {
      organizations: [], users: [], students: [], formations: [], sessions: ['id', 'program_id', 'teacher_id'],
      enrollments: child, attendance: child, grades: child,
    },
  };
}
