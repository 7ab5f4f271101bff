/**
 * Legacy values EDUZEN does not have, and what the upgrade makes of them (decision 013).
 *
 * The product's value lists (roles, statuses) come from the baseline's CHECK constraints as the
 * last migration leaves them; the legacy database's own lists come from its catalogue, and what
 * its rows really hold from the rows. Every legacy value outside the product's list has a
 * mapping: a known one (`super_admin` → `admin`), else the column's catch-all. The original value
 * of every row changed is kept in `eduzen_upgrade.remedy_log` (`from`, `to`, `updated_at`), and a
 * rollback puts it back. Legacy learners' and parents' logins leave `users` for
 * `portal_accounts` (kept whole in the log meanwhile), unless a row elsewhere points at them.
 *
 * Mapping changes meaning, so it is a remedy (`--legacy-values=map`); it is also the safe default
 * `--yes` takes: no mapped account gains a right it did not have (unknown roles become inactive
 * staff, which an administrator must enable), no status holds a seat it did not hold.
 */
import { type Kysely, sql } from 'kysely';
import { baselineTable } from './baseline';
import { type LegacyLayout, legacyColumn, quoteLiteral } from './layout';
import type { CarriedTable } from './legacy-shape';
import { ATTENDANCE_DAYS_REMEDY, ATTENDANCE_HISTORY_SQL, ROLLBACK_ATTENDANCE_DAYS_SQL, attendanceDaysSql } from './attendance-days';
import { OUT_OF_RANGE_REMEDY, ROLLBACK_OUT_OF_RANGE_SQL, outOfRangeSql } from './out-of-range';
import { HOURS_UNKNOWN_REMEDY, ROLLBACK_SESSION_HOURS_SQL, UNKNOWN_HOURS_SLOTS_SQL, sessionsWithoutHoursSql } from './session-hours';

// biome-ignore lint: works on any database
type AnyDb = Kysely<any>;

export const VALUE_MAP_REMEDY = 'legacy-values=map';
export const PORTAL_REMEDY = 'legacy-values=portal';
export { LEGACY_VALUES_FLAG } from './legacy-values-flag';

export type ValueMapping = {
  table: CarriedTable;
  column: string;
  /** Legacy values with a meaning of their own in EDUZEN. */
  known: Record<string, string>;
  /** What an empty value becomes (a NOT NULL column of EDUZEN). */
  whenNull: string;
  /** What any other value becomes, the original kept in the log. */
  catchAll: string;
  /** Mapped rows whose values are in this list (or caught by the catch-all) are also deactivated. */
  deactivate?: { column: string; values: string[]; catchAll: boolean };
};

export const VALUE_MAPPINGS: ValueMapping[] = [
  {
    table: 'users',
    column: 'role',
    known: { super_admin: 'admin', finance: 'accountant', support: 'staff', user: 'staff', student: 'staff', parent: 'staff' },
    whenNull: 'staff',
    catchAll: 'staff',
    // A sign-up without a role, a learner or parent a row still points at, an unknown role:
    // kept as staff who cannot sign in until an administrator decides.
    deactivate: { column: 'is_active', values: ['user', 'student', 'parent'], catchAll: true },
  },
  { table: 'students', column: 'status', known: { dropped: 'inactive' }, whenNull: 'active', catchAll: 'inactive' },
  {
    table: 'enrollments',
    column: 'status',
    known: { active: 'confirmed', withdrawn: 'cancelled', dropped: 'cancelled' },
    whenNull: 'pending',
    catchAll: 'pending',
  },
  { table: 'enrollments', column: 'payment_status', known: {}, whenNull: 'pending', catchAll: 'pending' },
  { table: 'sessions', column: 'status', known: {}, whenNull: 'planned', catchAll: 'planned' },
  { table: 'attendance', column: 'status', known: {}, whenNull: 'excused', catchAll: 'excused' },
];

/** Legacy staff roles that are learners' or parents' logins: `portal_accounts.kind`. */
export const PORTAL_ROLES = ['student', 'parent'];

const VALUE_LIST = /^CHECK \(\(\(?(\w+) = ANY \(ARRAY\[(.*)\]\)\)\)?\)$/;

/** The values a CHECK of the form `column = ANY (ARRAY[...])` admits, or null. */
export function checkValues(definition: string, column: string): string[] | null {
  const match = VALUE_LIST.exec(definition.replace(/ NOT VALID$/, ''));
  if (!match || match[1] !== column) return null;
  return [...match[2]!.matchAll(/'((?:[^']|'')*)'::(?:text|character varying)/g)].map((value) => value[1]!.replace(/''/g, "'"));
}

/** The values EDUZEN admits in a mapped column. */
export function productValues(mapping: ValueMapping): string[] {
  for (const constraint of baselineTable(mapping.table).constraints) {
    if (constraint.kind !== 'c') continue;
    const values = checkValues(constraint.definition, mapping.column);
    if (values) return values;
  }
  throw new Error(`no value list for ${mapping.table}.${mapping.column} in the baseline`);
}

export function mappingOf(table: string, column: string): ValueMapping | undefined {
  return VALUE_MAPPINGS.find((mapping) => mapping.table === table && mapping.column === column);
}

/** The mapping a preflight finding is about (`check:users_role_check`, `not-null:students.status`). */
export function mappingOfFinding(id: string): ValueMapping | undefined {
  const notNull = /^not-null:(\w+)\.(\w+)$/.exec(id);
  if (notNull) return mappingOf(notNull[1]!, notNull[2]!);
  const check = /^check:(\w+)$/.exec(id);
  if (!check) return undefined;
  return VALUE_MAPPINGS.find((mapping) => baselineTable(mapping.table).constraints.some(
    (constraint) => constraint.name === check[1] && checkValues(constraint.definition, mapping.column) !== null,
  ));
}

export function mapValue(mapping: ValueMapping, value: string | null): string {
  if (value === null) return mapping.whenNull;
  if (productValues(mapping).includes(value)) return value;
  return mapping.known[value] ?? mapping.catchAll;
}

/** The mapped value of `expression` in SQL. */
function mapExpression(mapping: ValueMapping, expression: string): string {
  const known = Object.entries(mapping.known).map(([from, to]) => ` when ${quoteLiteral(from)} then ${quoteLiteral(to)}`).join('');
  const other = known === '' ? quoteLiteral(mapping.catchAll) : `case ${expression}${known} else ${quoteLiteral(mapping.catchAll)} end`;
  return `case when ${expression} is null then ${quoteLiteral(mapping.whenNull)}
    when ${expression} = any (${arrayLiteral(productValues(mapping))}) then ${expression}
    else ${other} end`;
}

function pendingCondition(mapping: ValueMapping, expression: string): string {
  return `(${expression} is null or not (${expression} = any (${arrayLiteral(productValues(mapping))})))`;
}

function arrayLiteral(values: string[]): string {
  return `array[${values.map(quoteLiteral).join(', ')}]::text[]`;
}

/** The values the legacy column's own CHECK admits (null: no list, anything goes). */
export async function legacyDomain(db: AnyDb, layout: LegacyLayout, mapping: ValueMapping): Promise<string[] | null> {
  const column = legacyColumn(layout, mapping.table, mapping.column);
  if (!column) return null;
  const checks = await sql<{ definition: string }>`
    select pg_get_constraintdef(k.oid) as definition from pg_constraint k
    where k.conrelid = to_regclass(${`public.${layout.relation[mapping.table]}`}) and k.contype = 'c'`.execute(db);
  for (const row of checks.rows) {
    const values = checkValues(row.definition, column);
    if (values) return values;
  }
  return null;
}

export type ValueCount = { value: string | null; count: number };

/** What the blocker of a mapped column says: each legacy value found, how many rows, what it becomes. */
export function describeMapping(mapping: ValueMapping, counts: ValueCount[], domain: string[] | null): string {
  const shown = (value: string | null) => (value === null ? 'empty' : value);
  const found = counts.map(({ value, count }) => {
    const to = mapValue(mapping, value);
    const portal = mapping.table === 'users' && value !== null && PORTAL_ROLES.includes(value) ? 'a learner portal account' : to;
    const caught = value !== null && !(value in mapping.known) ? ' (catch-all)' : '';
    return `${shown(value)} (${count}) → ${portal}${caught}`;
  });
  const product = productValues(mapping);
  const admittedElsewhere = (domain ?? []).filter((value) => !product.includes(value) && !counts.some((entry) => entry.value === value));
  const also = admittedElsewhere.length > 0
    ? `; the database's own CHECK also admits ${admittedElsewhere.map((value) => `${value} → ${mapValue(mapping, value)}`).join(', ')}`
    : '';
  return `${found.join(', ')}${also}`;
}

/**
 * The remedy's statements, over the legacy tables (before the snapshot): learners' and parents'
 * logins moved out of `users` first (kept whole in the log), then every mapped column, each row's
 * values before logged.
 */
export function valueMapSql(layout: LegacyLayout): string[] {
  const statements: string[] = [];
  // The checksums a rollback compares with, of each table about to change (and of it only).
  for (const mapping of VALUE_MAPPINGS) {
    const column = legacyColumn(layout, mapping.table, mapping.column);
    if (!column) continue;
    statements.push(`select eduzen_upgrade.record_legacy_checksums(array[${quoteLiteral(layout.relation[mapping.table])}])
      where exists (select 1 from public.${layout.relation[mapping.table]} t where ${pendingCondition(mapping, `t.${column}`)})`);
  }
  statements.push(portalMoveSql(layout));
  if (legacyColumn(layout, 'sessions', 'start_time')) statements.push(...sessionsWithoutHoursSql(layout.relation.sessions));
  statements.push(...attendanceDaysSql(layout));
  statements.push(...outOfRangeSql(layout));
  for (const mapping of VALUE_MAPPINGS) {
    const column = legacyColumn(layout, mapping.table, mapping.column);
    if (!column) continue;
    const relation = `public.${layout.relation[mapping.table]}`;
    const value = `t.${column}`;
    const pending = pendingCondition(mapping, value);
    const deactivate = mapping.deactivate && legacyColumn(layout, mapping.table, mapping.deactivate.column) ? mapping.deactivate : undefined;
    const deactivated = deactivate
      ? `(${value} = any (${arrayLiteral(deactivate.values)})${deactivate.catchAll ? ` or not (${value} = any (${arrayLiteral([...Object.keys(mapping.known), ...productValues(mapping)])}))` : ''})`
      : 'false';
    const before = deactivate ? `, ${quoteLiteral(deactivate.column)}, to_jsonb(t.${deactivate.column})` : '';
    statements.push(
      `insert into eduzen_upgrade.remedy_log (remedy, table_name, row_id, details)
        select ${quoteLiteral(VALUE_MAP_REMEDY)}, ${quoteLiteral(mapping.table)}, t.id,
          jsonb_build_object('column', ${quoteLiteral(column)}, 'from', ${value}, 'to', ${mapExpression(mapping, value)},
            'deactivated', coalesce(${deactivated}, false), 'updated_at', to_jsonb(t) -> 'updated_at'${before})
        from ${relation} t where ${pending}`,
      `update ${relation} t set ${column} = ${mapExpression(mapping, value)}${
        deactivate ? `, ${deactivate.column} = case when coalesce(${deactivated}, false) then false else t.${deactivate.column} end` : ''
      } where ${pending}`,
    );
  }
  return statements;
}

/**
 * Legacy `student` and `parent` logins that no row points at (a session's trainer, say) leave
 * `users`: the whole row in the log, carried into `portal_accounts` once the later migrations
 * have made it (`carryPortalAccounts`). The others stay, as inactive staff.
 */
function portalMoveSql(layout: LegacyLayout): string {
  const users = `public.${layout.relation.users}`;
  return `do $$
declare
  r record;
  v_free text := '';
begin
  if not eduzen_upgrade.has_column(${quoteLiteral(layout.relation.users)}, 'role') then return; end if;
  for r in select k.conrelid::regclass::text as child, a.attname from pg_constraint k
      join pg_attribute a on a.attrelid = k.conrelid and a.attnum = k.conkey[1]
      where k.contype = 'f' and k.confrelid = to_regclass(${quoteLiteral(users)}) and array_length(k.conkey, 1) = 1 loop
    v_free := v_free || format(' and not exists (select 1 from %s x where x.%I = t.id)', r.child, r.attname);
  end loop;
  execute format('with moved as (delete from ${users} t where t.role = any (%L::text[])%s returning t.*)
      insert into eduzen_upgrade.remedy_log (remedy, table_name, row_id, details)
      select %L, %L, m.id, jsonb_build_object(%L, to_jsonb(m)) from moved m',
    ${arrayLiteral(PORTAL_ROLES).replace(/::text\[\]$/, '')}, v_free, ${quoteLiteral(PORTAL_REMEDY)}, 'users', 'row');
end $$`;
}

/**
 * After the later migrations: the learners' and parents' logins the remedy moved out of `users`
 * become `portal_accounts` (inactive, linked to a learner by e-mail by that table's trigger).
 * Idempotent; nothing to do on a database without such logins.
 */
export const CARRY_PORTAL_ACCOUNTS_SQL = `insert into public.portal_accounts (id, organization_id, kind, legacy_role, email, full_name, is_active, created_at, updated_at)
  select (l.details -> 'row' ->> 'id')::uuid, (l.details -> 'row' ->> 'organization_id')::uuid, l.details -> 'row' ->> 'role',
    l.details -> 'row' ->> 'role', l.details -> 'row' ->> 'email', l.details -> 'row' ->> 'full_name', false,
    coalesce((l.details -> 'row' ->> 'created_at')::timestamptz, l.applied_at), coalesce((l.details -> 'row' ->> 'updated_at')::timestamptz, l.applied_at)
  from eduzen_upgrade.remedy_log l
  where l.remedy = ${quoteLiteral(PORTAL_REMEDY)} and exists (select 1 from auth.users a where a.id = (l.details -> 'row' ->> 'id')::uuid)
  on conflict (id) do nothing`;

export async function carryPortalAccounts(db: AnyDb): Promise<void> {
  const ready = await sql<{ ready: boolean }>`
    select to_regclass('eduzen_upgrade.remedy_log') is not null and to_regclass('public.portal_accounts') is not null
      and to_regclass('public.session_slots') is not null as ready`.execute(db);
  if (ready.rows[0]?.ready !== true) return;
  for (const statement of AFTER_LATER_MIGRATIONS_SQL) await sql.raw(statement).execute(db);
}

/** What the mapping finishes once the later migrations ran (the SQL script runs it too). */
export const AFTER_LATER_MIGRATIONS_SQL = [CARRY_PORTAL_ACCOUNTS_SQL, UNKNOWN_HOURS_SLOTS_SQL, ATTENDANCE_HISTORY_SQL];

/**
 * The rollback's part: mapped values given back on the rows that still hold what the remedy
 * wrote (their updated_at too, where it is still the remedies' time), and the moved logins put
 * back in `users`. Called by `rollback_undo_remedies`, tables under their legacy names, with the
 * tables' user triggers off.
 */
export const ROLLBACK_VALUE_MAPS_SQL = ROLLBACK_SESSION_HOURS_SQL + ROLLBACK_OUT_OF_RANGE_SQL + String.raw`
create or replace function eduzen_upgrade.rollback_undo_value_maps() returns jsonb
  language plpgsql set search_path = public, pg_catalog as $$
declare
  r record;
  t record;
  v_undone bigint;
  v_details jsonb := '{}';
  v_triggers jsonb;
  v_relations text[] := array[]::text[];
  v_relation text;
  v_stamp text;
  v_active text;
begin
  if not exists (select 1 from eduzen_upgrade.remedy_log where remedy in ('${VALUE_MAP_REMEDY}', '${PORTAL_REMEDY}', '${HOURS_UNKNOWN_REMEDY}', '${ATTENDANCE_DAYS_REMEDY}', '${OUT_OF_RANGE_REMEDY}')) then
    return v_details;
  end if;
  for r in select distinct l.table_name from eduzen_upgrade.remedy_log l where l.remedy in ('${VALUE_MAP_REMEDY}', '${PORTAL_REMEDY}', '${HOURS_UNKNOWN_REMEDY}', '${ATTENDANCE_DAYS_REMEDY}', '${OUT_OF_RANGE_REMEDY}') loop
    v_relations := v_relations || case r.table_name when 'sessions' then 'program_sessions' else r.table_name end;
  end loop;
  select coalesce(jsonb_agg(jsonb_build_object('table', c.relname, 'name', g.tgname, 'enabled', g.tgenabled::text)), '[]') into v_triggers
    from pg_trigger g join pg_class c on c.oid = g.tgrelid join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = 'public' and c.relname = any (v_relations) and not g.tgisinternal and g.tgenabled in ('O', 'A');
  for t in select * from jsonb_to_recordset(v_triggers) as x ("table" text, name text, enabled text) loop
    execute format('alter table public.%I disable trigger %I', t."table", t.name);
  end loop;
  -- Moved logins back first: their rows are whole in the log.
  insert into public.users select (jsonb_populate_record(null::public.users, l.details -> 'row')).*
    from eduzen_upgrade.remedy_log l
    where l.remedy = '${PORTAL_REMEDY}' and not exists (select 1 from public.users u where u.id = l.row_id);
  get diagnostics v_undone = row_count;
  if v_undone > 0 then v_details := v_details || jsonb_build_object('${PORTAL_REMEDY}', v_undone); end if;
  ${ROLLBACK_ATTENDANCE_DAYS_SQL};
  get diagnostics v_undone = row_count;
  if v_undone > 0 then v_details := v_details || jsonb_build_object('${ATTENDANCE_DAYS_REMEDY}', v_undone); end if;
  for r in select l.table_name, l.details ->> 'column' as column_name, count(*) as logged
      from eduzen_upgrade.remedy_log l where l.remedy = '${VALUE_MAP_REMEDY}' group by 1, 2 order by 1, 2 loop
    v_relation := case r.table_name when 'sessions' then 'program_sessions' else r.table_name end;
    v_stamp := case when eduzen_upgrade.has_column(v_relation, 'updated_at')
      then ', updated_at = case when t.updated_at = l.applied_at and l.details ? ''updated_at'' then (l.details ->> ''updated_at'')::timestamptz else t.updated_at end'
      else '' end;
    v_active := case when eduzen_upgrade.has_column(v_relation, 'is_active')
      then ', is_active = case when l.details ? ''is_active'' then (l.details ->> ''is_active'')::boolean else t.is_active end'
      else '' end;
    execute format('with undone as (update public.%I t set %I = l.details ->> ''from''%s%s
        from eduzen_upgrade.remedy_log l
        where l.remedy = %L and l.table_name = %L and l.details ->> ''column'' = %L and l.row_id = t.id
          and t.%I is not distinct from l.details ->> ''to''
        returning 1) select count(*) from undone', v_relation, r.column_name, v_stamp, v_active,
      '${VALUE_MAP_REMEDY}', r.table_name, r.column_name, r.column_name) into v_undone;
    v_details := v_details || jsonb_build_object('${VALUE_MAP_REMEDY}:' || r.table_name || '.' || r.column_name,
      jsonb_build_object('logged', r.logged, 'undone', v_undone));
  end loop;
  v_details := v_details || eduzen_upgrade.rollback_session_hours();
  v_details := v_details || eduzen_upgrade.rollback_out_of_range();
  for t in select * from jsonb_to_recordset(v_triggers) as x ("table" text, name text, enabled text) loop
    execute format('alter table public.%I %s trigger %I', t."table", case when t.enabled = 'A' then 'enable always' else 'enable' end, t.name);
  end loop;
  return v_details;
end $$;
`;
