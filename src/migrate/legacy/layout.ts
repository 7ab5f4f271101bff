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
  const programs = isLegacyPrograms('programs') ? 'programs' : isLegacyPrograms('formations_temp') ? 'formations_temp' : null;
  if (!programs || !relations.has('program_sessions')) return null;
  const relation = {} as Record<CarriedTable, string>;
  const columns = {} as Record<CarriedTable, string[]>;
  for (const table of CARRIED_TABLES) {
    const name = table === 'formations' ? programs : table === 'sessions' ? 'program_sessions' : table;
    const present = relations.get(name);
    if (!present) return null;
    relation[table] = name;
    columns[table] = present;
  }
  return { relation, columns };
}

/** The legacy column holding a target column's values, if any. */
export function legacyColumn(layout: LegacyLayout, table: CarriedTable, column: string): string | null {
  const present = layout.columns[table];
  if (present.includes(column) && !(table === 'sessions' && column === 'formation_id')) return column;
  if (table === 'sessions' && column === 'formation_id') return present.includes('program_id') ? 'program_id' : null;
  if (column === 'session_id' && present.includes('program_session_id')) return 'program_session_id';
  return null;
}

/** SQL for the organisation of a legacy session row aliased `t` that has no programme. */
export function orphanOrganizationSql(layout: LegacyLayout, defaultOrganizationCode?: string): string {
  const column = (table: CarriedTable) => legacyColumn(layout, table, 'session_id') ?? 'session_id';
  const fallback = defaultOrganizationCode
    ? `, (select o.id from public.organizations o where o.code = ${quoteLiteral(defaultOrganizationCode)})`
    : '';
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
