/**
 * Legacy EDUZEN databases generated from the legacy schema's own constraints.
 *
 * The schema is created first (Supabase Auth's `auth` and REAL_LEGACY_DDL, or the plain
 * LEGACY_DDL), then its catalogue is read: column types and nullability (pg_attribute), CHECK
 * constraints (value lists `col = ANY (ARRAY[...])` and comparisons with constants), unique keys
 * and unique indexes, foreign keys. Each column gets a fast-check arbitrary over what the
 * catalogue admits: every value a CHECK lists (each one at least once per database), NULL where
 * nullable, numerics at the edges of their type, times at any hour, free dates; foreign keys
 * pick parents with replacement (duplicates wherever no unique key forbids them, and rows that
 * copy another's references and dates); rows a unique key refuses are dropped. Nothing else is
 * imposed, except that a row's references stay within its organisation (what the legacy
 * application and its policies wrote; `crossOrganization` lifts that).
 *
 *   const generated = await generateLegacyDatabase(run, { seed: 42, size: 40 });
 *
 * `mode: 'plain'` generates from LEGACY_DDL and narrows each column further to what the
 * product's baseline schema admits (its single-column checks, its unique keys, and the rules
 * listed in NARROW_RULES): the legacy databases the upgrade has always handled.
 */
import fs from 'node:fs';
import bcrypt from 'bcryptjs';
import fc from 'fast-check';
import { baselineTable } from '../../../src/migrate/legacy/baseline';
import { readMigrationFiles } from '../../../src/migrate/runner';
import { splitStatements } from '../../../src/migrate/split-statements';
import { LEGACY_DDL } from './legacy-ddl';
import { REAL_LEGACY_DDL } from './real-legacy-ddl';

export type Query = (text: string) => Promise<Record<string, unknown>[]>;
export type LegacyMode = 'real' | 'plain';
export type GenerateOptions = {
  seed: number;
  /** Rows of the main tables: sessions and learners; children are a few times more. */
  size: number;
  mode?: LegacyMode;
  /** Let a few references point at another organisation's rows (the legacy keys allow it). */
  crossOrganization?: boolean;
};

type Value = string | number | boolean | null;
type Row = Record<string, Value>;
type Column = { name: string; type: string; base: string; typmod: number; notNull: boolean; generated: boolean };
type ForeignKey = { columns: string[]; parentSchema: string; parent: string; parentColumns: string[] };
type Bound = { value: number; inclusive: boolean };
/** What the CHECK constraints say of one column. */
type Domain = { values?: string[]; min?: Bound; max?: Bound };
export type TableCatalogue = {
  name: string;
  columns: Column[];
  domains: Map<string, Domain>;
  uniques: string[][];
  foreignKeys: ForeignKey[];
};

export type GeneratedLegacyDatabase = {
  seed: number;
  mode: LegacyMode;
  /** The legacy ids of every public table's rows, and of auth.users. */
  ids: Record<string, string[]>;
  /** Staff whose password is known: the test logs in as them after the upgrade. */
  logins: { email: string; password: string; role: string }[];
  catalogue: TableCatalogue[];
};

export const LOGIN_PASSWORD = 'mot de passe Supabase 2024';
const AUTH_SCHEMA_FILE = new URL('../gotrue/auth-schema.sql', import.meta.url);
const GOTRUE_INSTANCE_ID = '00000000-0000-0000-0000-000000000000';
const OTHER_HASHES = [bcrypt.hashSync('un autre mot de passe', 4), bcrypt.hashSync('encore un autre', 4)];
/** Supabase Auth writes `$2a$` hashes (the same algorithm as `$2b$` for these lengths). */
const asSupabaseHash = (hash: string) => hash.replace(/^\$2b\$/, '$2a$');

// ---------------------------------------------------------------------------------------------
// The schema and its catalogue

export async function createLegacySchema(run: Query, mode: LegacyMode): Promise<void> {
  const shim = readMigrationFiles().find((file) => file.version === '20251201000000');
  if (!shim) throw new Error('the auth shim migration is missing');
  const scripts = mode === 'real'
    ? [fs.readFileSync(AUTH_SCHEMA_FILE, 'utf8'), shim.sql, LEGACY_DDL, REAL_LEGACY_DDL]
    : [shim.sql, LEGACY_DDL];
  for (const script of scripts) for (const statement of splitStatements(script)) await run(statement.text);
}

export async function readLegacyCatalogue(run: Query): Promise<TableCatalogue[]> {
  const columns = await run(`select c.relname as "table", a.attname as name, format_type(a.atttypid, a.atttypmod) as type,
      t.typname as base, a.atttypmod as typmod, a.attnotnull as not_null, a.attgenerated <> '' as generated
    from pg_attribute a join pg_class c on c.oid = a.attrelid join pg_namespace n on n.oid = c.relnamespace
    join pg_type t on t.oid = a.atttypid
    where n.nspname = 'public' and c.relkind = 'r' and a.attnum > 0 and not a.attisdropped order by c.relname, a.attnum`);
  const listOf = (key: string, rel: string) => `(select string_agg(a.attname::text, ',' order by u.i)
      from unnest(k.${key}) with ordinality u (attnum, i) join pg_attribute a on a.attrelid = k.${rel} and a.attnum = u.attnum)`;
  const constraints = await run(`select c.relname as "table", k.contype::text as kind, pg_get_constraintdef(k.oid) as definition,
      ${listOf('conkey', 'conrelid')} as columns, ${listOf('confkey', 'confrelid')} as parent_columns,
      p.relname as parent, pn.nspname as parent_schema
    from pg_constraint k join pg_class c on c.oid = k.conrelid join pg_namespace n on n.oid = c.relnamespace
    left join pg_class p on p.oid = k.confrelid left join pg_namespace pn on pn.oid = p.relnamespace
    where n.nspname = 'public' and k.contype in ('c', 'u', 'p', 'f') order by c.relname, k.conname`);
  // Unique indexes that no constraint owns (expression indexes cannot be followed: none in the legacy schema).
  const indexes = await run(`select c.relname as "table", (select string_agg(a.attname::text, ',' order by u.i)
        from unnest(x.indkey::int2[]) with ordinality u (attnum, i) join pg_attribute a on a.attrelid = x.indrelid and a.attnum = u.attnum) as columns
    from pg_index x join pg_class c on c.oid = x.indrelid join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = 'public' and x.indisunique and x.indexprs is null
      and not exists (select 1 from pg_constraint k where k.conindid = x.indexrelid)`);
  const tables = new Map<string, TableCatalogue>();
  for (const row of columns) {
    const name = String(row.table);
    if (!tables.has(name)) tables.set(name, { name, columns: [], domains: new Map(), uniques: [], foreignKeys: [] });
    tables.get(name)!.columns.push({
      name: String(row.name), type: String(row.type), base: String(row.base), typmod: Number(row.typmod),
      notNull: row.not_null === true, generated: row.generated === true,
    });
  }
  for (const row of constraints) {
    const table = tables.get(String(row.table))!;
    const list = String(row.columns ?? '').split(',').filter(Boolean);
    if (row.kind === 'p' || row.kind === 'u') table.uniques.push(list);
    if (row.kind === 'f') {
      table.foreignKeys.push({ columns: list, parent: String(row.parent), parentSchema: String(row.parent_schema), parentColumns: String(row.parent_columns).split(',') });
    }
    if (row.kind === 'c') {
      const parsed = parseCheck(String(row.definition));
      if (parsed.unparsed.length > 0) throw new Error(`${table.name}: cannot follow ${String(row.definition)} (${parsed.unparsed.join('; ')})`);
      for (const [column, domain] of parsed.domains) table.domains.set(column, intersect(table.domains.get(column), domain));
    }
  }
  for (const row of indexes) tables.get(String(row.table))!.uniques.push(String(row.columns).split(','));
  return [...tables.values()];
}

// ---------------------------------------------------------------------------------------------
// CHECK constraints as column domains

/** Splits `expression` on `operator` outside parentheses and quotes. */
function splitTop(expression: string, operator: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quoted = false;
  let start = 0;
  for (let i = 0; i < expression.length; i++) {
    const char = expression[i];
    if (char === "'") quoted = !quoted;
    if (quoted) continue;
    if (char === '(') depth++;
    if (char === ')') depth--;
    if (depth === 0 && expression.startsWith(operator, i)) {
      parts.push(expression.slice(start, i));
      start = i + operator.length;
    }
  }
  parts.push(expression.slice(start));
  return parts.map((part) => unwrap(part.trim()));
}

/** Removes parentheses that wrap the whole expression. */
function unwrap(expression: string): string {
  let text = expression.trim();
  while (text.startsWith('(') && text.endsWith(')')) {
    let depth = 0;
    let wraps = true;
    for (let i = 0; i < text.length - 1; i++) {
      if (text[i] === '(') depth++;
      if (text[i] === ')') depth--;
      if (depth === 0) { wraps = false; break; }
    }
    if (!wraps) break;
    text = text.slice(1, -1).trim();
  }
  return text;
}

const ANY_LIST = /^(\w+) = ANY \(\(?ARRAY\[(.*)\]\)?(?:::[\w\s[\]]+)?\)$/s;
const IN_LIST = /^(\w+) IN \((.*)\)$/s;
const COMPARISON = /^(\w+) (>=|<=|>|<|=) \(?'?(-?\d+(?:\.\d+)?)'?\)?(?:::[\w\s]+)?$/;

/** Each conjunct of a CHECK as one column's domain; `(col IS NULL) OR …` only says NULL is admitted. */
export function parseCheck(definition: string): { domains: Map<string, Domain>; unparsed: string[] } {
  const body = unwrap(definition.replace(/^CHECK /, '').replace(/ NOT VALID$/, ''));
  const domains = new Map<string, Domain>();
  const unparsed: string[] = [];
  for (const conjunct of splitTop(body, ' AND ')) {
    const alternatives = splitTop(conjunct, ' OR ').filter((part) => !/^\w+ IS NULL$/.test(part));
    const parsed = alternatives.length === 1 ? parseCondition(alternatives[0]!) : undefined;
    if (!parsed) unparsed.push(conjunct);
    else domains.set(parsed.column, intersect(domains.get(parsed.column), parsed.domain));
  }
  return { domains, unparsed };
}

function parseCondition(condition: string): { column: string; domain: Domain } | undefined {
  const inner = splitTop(condition, ' AND ');
  if (inner.length > 1) {
    const parts = inner.map(parseCondition);
    if (parts.some((part) => !part) || new Set(parts.map((part) => part!.column)).size !== 1) return undefined;
    return { column: parts[0]!.column, domain: parts.reduce<Domain>((domain, part) => intersect(domain, part!.domain), {}) };
  }
  const list = ANY_LIST.exec(condition) ?? IN_LIST.exec(condition);
  if (list) {
    const values = [...list[2]!.matchAll(/'((?:[^']|'')*)'/g)].map((match) => match[1]!.replace(/''/g, "'"));
    return { column: list[1]!, domain: { values } };
  }
  const comparison = COMPARISON.exec(condition);
  if (!comparison) return undefined;
  const [, column, operator, literal] = comparison;
  const value = Number(literal);
  if (operator === '=') return { column: column!, domain: { min: { value, inclusive: true }, max: { value, inclusive: true } } };
  const bound = { value, inclusive: operator!.endsWith('=') };
  return { column: column!, domain: operator!.startsWith('>') ? { min: bound } : { max: bound } };
}

function intersect(a: Domain | undefined, b: Domain): Domain {
  if (!a) return b;
  const values = a.values && b.values ? a.values.filter((value) => b.values!.includes(value)) : (a.values ?? b.values);
  const tighter = (x: Bound | undefined, y: Bound | undefined, pick: (p: number, q: number) => boolean) =>
    !x ? y : !y ? x : pick(x.value, y.value) || (x.value === y.value && !x.inclusive) ? x : y;
  return { values, min: tighter(a.min, b.min, (p, q) => p > q), max: tighter(a.max, b.max, (p, q) => p < q) };
}

// ---------------------------------------------------------------------------------------------
// The narrow (plain) mode: the product's own constraints on top of the legacy ones

const PRODUCT_NAMES: Record<string, { table: string; columns: Record<string, string> }> = {
  programs: { table: 'formations', columns: {} },
  program_sessions: { table: 'sessions', columns: { program_id: 'formation_id' } },
  enrollments: { table: 'enrollments', columns: { program_session_id: 'session_id' } },
  attendance: { table: 'attendance', columns: { program_session_id: 'session_id' } },
  grades: { table: 'grades', columns: { program_session_id: 'session_id' } },
};

/** The product's checks that span columns, which the narrow mode keeps rows within. */
const NARROW_RULES: Record<string, (row: Row) => void> = {
  programs: (row) => {
    const [low, high] = [row.age_min ?? null, row.age_max ?? null];
    if (low !== null && high !== null && Number(low) > Number(high)) Object.assign(row, { age_min: high, age_max: low });
  },
  attendance: (row) => {
    if (row.status !== 'late') row.late_minutes = null;
    else if (row.late_minutes !== null) row.late_minutes = Math.min(600, Math.max(0, Number(row.late_minutes)));
  },
  grades: (row) => {
    if (Number(row.score) > Number(row.max_score ?? 20)) row.score = row.max_score ?? 20;
  },
};

function narrowToProduct(table: TableCatalogue): TableCatalogue {
  const names = PRODUCT_NAMES[table.name] ?? { table: table.name, columns: {} };
  let product;
  try {
    product = baselineTable(names.table);
  } catch {
    return table; // the operator's own tables: only their legacy constraints
  }
  const toLegacy = (column: string) => Object.entries(names.columns).find(([, target]) => target === column)?.[0] ?? column;
  const has = (column: string) => table.columns.some((candidate) => candidate.name === column);
  const domains = new Map(table.domains);
  const uniques = [...table.uniques];
  for (const constraint of product.constraints) {
    if (constraint.kind === 'c') {
      for (const [column, domain] of parseCheck(constraint.definition).domains) {
        if (has(toLegacy(column))) domains.set(toLegacy(column), intersect(domains.get(toLegacy(column)), domain));
      }
    }
    if (constraint.kind === 'u') {
      const columns = constraint.columns.map(toLegacy).filter(has);
      if (columns.length > 0) uniques.push(columns);
    }
  }
  return { ...table, domains, uniques };
}

// ---------------------------------------------------------------------------------------------
// Values

const pad = (n: number, width = 2) => String(n).padStart(width, '0');
const WORDS = ['Formation', 'Bureautique', "l'été", 'Comptabilité', 'Sécurité', 'Anglais', 'Niveau 2', 'Œuvre', 'CACES®', 'Ça', 'Gestion', 'Prise de parole'];
const phrase = fc.array(fc.constantFrom(...WORDS), { minLength: 1, maxLength: 4 }).map((words) => words.join(' '));
const longText = fc.constantFrom('Ligne une\nligne deux', `${'Texte long '.repeat(40)}fin`, 'Guillemets "doubles" et \\ barre', 'Émoji 📚 et tabulation\tici');

/** Free text takes the shape its name implies: the legacy schema leaves it free, the product's checks do not. */
function textArbitrary(column: string): fc.Arbitrary<Value> {
  if (/email/.test(column)) return fc.nat({ max: 99_999 }).map((n) => `personne${n}@legacy.example`);
  if (/^code$|_code$|_number$/.test(column)) return fc.tuple(fc.constantFrom('ORG', 'PRG', 'E', 'R', 'CPF'), fc.nat({ max: 99_999 })).map(([prefix, n]) => `${prefix}-${n}`);
  if (column === 'currency') return fc.constantFrom('EUR', 'XOF', 'USD', 'MAD', 'CHF');
  if (column === 'country') return fc.constantFrom('FR', 'BE', 'SN', 'CI', 'MA', 'CH');
  if (/_url$/.test(column)) return fc.nat({ max: 9999 }).map((n) => `https://cdn.example/${n}.png`);
  if (/phone/.test(column)) return fc.nat({ max: 99_999_999 }).map((n) => `+33 6 ${pad(n, 8)}`);
  if (/name|title|subject/.test(column)) return phrase;
  return fc.oneof({ arbitrary: phrase, weight: 4 }, { arbitrary: longText, weight: 1 });
}

/** Scale and digits of numeric(p, s) from its typmod; unconstrained numeric as numeric(12, 2). */
function numericShape(typmod: number): { precision: number; scale: number } {
  if (typmod < 0) return { precision: 12, scale: 2 };
  return { precision: ((typmod - 4) >> 16) & 0xffff, scale: (typmod - 4) & 0xffff };
}

const INTEGER_LIMITS: Record<string, number> = { int2: 32_767, int4: 2_147_483_647, int8: 9_007_199_254_740_991 };

/** Integers in units of 10^-scale between the type's edges and the CHECK's bounds, edges included. */
function numberArbitrary(limit: number, scale: number, domain: Domain): fc.Arbitrary<Value> {
  const unit = 10 ** scale;
  const low = domain.min ? Math.ceil(domain.min.value * unit) + (domain.min.inclusive ? 0 : 1) : -limit;
  const high = domain.max ? Math.floor(domain.max.value * unit) - (domain.max.inclusive ? 0 : 1) : limit;
  const clamp = (n: number) => Math.min(high, Math.max(low, n));
  const format = (n: number) => (scale === 0 ? String(n) : (n / unit).toFixed(scale));
  const edges = [...new Set([low, high, clamp(0), clamp(1), clamp(-1)])];
  const usual = fc.integer({ min: clamp(0), max: clamp(100 * unit) });
  return fc.oneof({ arbitrary: fc.constantFrom(...edges), weight: 1 }, { arbitrary: usual, weight: 3 }, { arbitrary: fc.integer({ min: low, max: high }), weight: 1 })
    .map(format);
}

const DAY = 86_400_000;
const EPOCH = Date.UTC(2023, 0, 1);
const date = (offset: number) => new Date(EPOCH + offset * DAY).toISOString().slice(0, 10);
const dateArbitrary = fc.oneof({ arbitrary: fc.integer({ min: 0, max: 1100 }), weight: 9 }, { arbitrary: fc.constantFrom(-44_000, 28_000), weight: 1 }).map(date);
const time = (hour: number, minute: number, second = 0) => `${pad(hour)}:${pad(minute)}:${pad(second)}`;
/** Any hour of the day, the day's edges, and the hours that bound its usual parts. */
const timeArbitrary = fc.oneof(
  fc.tuple(fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 59 }), fc.integer({ min: 0, max: 59 })).map(([h, m, s]) => time(h, m, s)),
  fc.constantFrom('00:00:00', '23:59:59.999999', '12:00:00', '12:30:00', '13:30:00', '18:00:00', '21:00:00'),
);
const timestampArbitrary = fc.integer({ min: 0, max: 1100 * 24 * 60 }).map((minutes) => new Date(EPOCH + minutes * 60_000).toISOString());

function columnArbitrary(column: Column, domain: Domain): fc.Arbitrary<Value> {
  let values: fc.Arbitrary<Value>;
  if (domain.values) values = fc.constantFrom(...domain.values);
  else if (column.base in INTEGER_LIMITS) values = numberArbitrary(INTEGER_LIMITS[column.base]!, 0, domain);
  else if (column.base === 'numeric') {
    const { precision, scale } = numericShape(column.typmod);
    values = numberArbitrary(10 ** (precision - scale) * 10 ** scale - 1, scale, domain);
  } else if (column.base === 'text' || column.base === 'varchar') values = textArbitrary(column.name);
  else if (column.base === 'bool') values = fc.boolean();
  else if (column.base === 'date') values = dateArbitrary;
  else if (column.base === 'time') values = timeArbitrary;
  else if (column.base === 'timestamptz' || column.base === 'timestamp') values = timestampArbitrary;
  else if (column.base === 'uuid') values = fc.uuid();
  else throw new Error(`no arbitrary for ${column.name} ${column.type}`);
  return column.notNull ? values : fc.option(values, { nil: null, freq: 6 });
}

/** Session hours as real databases hold them: none, mornings, afternoons, evenings, any. */
const SESSION_HOURS: [Value, Value][] = [
  [null, null], ['08:30:00', '12:00:00'], ['13:30:00', '17:00:00'], ['18:00:00', '21:00:00'], ['09:00:00', '17:00:00'],
  ['09:00:00', null], [null, '17:00:00'], ['22:00:00', '06:00:00'], ['00:00:00', '23:59:59.999999'],
];
const NARROW_SESSION_HOURS: [Value, Value][] = [['09:00:00', '17:00:00'], ['08:00:00', '16:30:00'], ['12:30:00', '13:30:00'], ['07:15:00', '20:00:00']];

// ---------------------------------------------------------------------------------------------
// Rows

type Generated = { rows: Row[]; homes: number[]; untold: Set<number>; emptyReference: Set<number> };

/** Tables in an order where every parent comes before its children. */
function dependencyOrder(tables: TableCatalogue[]): TableCatalogue[] {
  const ordered: TableCatalogue[] = [];
  const visit = (table: TableCatalogue, path: string[]) => {
    if (ordered.includes(table)) return;
    if (path.includes(table.name)) throw new Error(`foreign keys loop through ${path.join(' → ')}`);
    for (const key of table.foreignKeys) {
      const parent = tables.find((candidate) => candidate.name === key.parent && key.parentSchema === 'public');
      if (parent && parent !== table) visit(parent, [...path, table.name]);
    }
    ordered.push(table);
  };
  for (const table of tables) visit(table, []);
  return ordered;
}

const ROWS_PER_SIZE: Record<string, number> = {
  organizations: 0, users: 0.5, programs: 0.4, program_sessions: 1, students: 1,
  enrollments: 3, attendance: 4, grades: 2, session_documents: 0.25,
};

function sample<T>(arbitrary: fc.Arbitrary<T>, seed: number): T {
  return fc.sample(arbitrary, { seed, numRuns: 1 })[0]!;
}

export async function generateLegacyDatabase(run: Query, options: GenerateOptions): Promise<GeneratedLegacyDatabase> {
  const mode = options.mode ?? 'real';
  await createLegacySchema(run, mode);
  const legacy = await readLegacyCatalogue(run);
  const catalogue = mode === 'plain' ? legacy.map(narrowToProduct) : legacy;
  const organizations = sample(fc.noBias(fc.integer({ min: 1, max: 4 })), options.seed);
  const generated = new Map<string, Generated>();
  const ids: Record<string, string[]> = {};
  const authRows: Row[] = [];
  const logins: GeneratedLegacyDatabase['logins'] = [];
  for (const [index, table] of dependencyOrder(catalogue).entries()) {
    const seed = options.seed * 101 + index;
    const count = table.name === 'organizations' ? organizations : Math.max(12, Math.round(options.size * (ROWS_PER_SIZE[table.name] ?? 1)));
    const result = generateTable(table, count, seed, generated, { ...options, mode, organizations });
    generated.set(table.name, result);
    const primary = table.uniques.find((key) => key.length === 1 && key[0] === 'id');
    if (primary) ids[table.name] = result.rows.map((row) => String(row.id));
    if (table.foreignKeys.some((key) => key.parentSchema === 'auth' && key.parent === 'users')) {
      authRows.push(...authAccounts(result.rows, logins, seed, mode));
    }
  }
  ids['auth.users'] = authRows.map((row) => String(row.id));
  for (const statement of insertStatements('auth.users', authRows)) await run(statement);
  if (mode === 'real') {
    const identities = authRows.filter((row) => row.email !== null).map((row): Row => ({
      provider_id: row.id!, user_id: row.id!, provider: 'email', created_at: row.created_at!, updated_at: row.created_at!,
      identity_data: JSON.stringify({ sub: row.id, email: row.email, email_verified: true }),
    }));
    for (const statement of insertStatements('auth.identities', identities)) await run(statement);
  }
  for (const table of dependencyOrder(catalogue)) {
    for (const statement of insertStatements(`public.${table.name}`, generated.get(table.name)!.rows)) await run(statement);
  }
  await run('analyze');
  return { seed: options.seed, mode, ids, logins, catalogue };
}

type TableOptions = GenerateOptions & { mode: LegacyMode; organizations: number };

// Choices between rows are uniform: fast-check's bias towards small values would empty most references.
const probability = fc.noBias(fc.integer({ min: 0, max: 9_999 })).map((n) => n / 10_000);

function generateTable(table: TableCatalogue, count: number, seed: number, generated: Map<string, Generated>, options: TableOptions): Generated {
  const publicKeys = table.foreignKeys.filter((key) => key.parentSchema === 'public' && key.columns.length === 1);
  const organizationKey = publicKeys.find((key) => key.parent === 'organizations');
  const references = publicKeys.filter((key) => key !== organizationKey)
    .map((key) => ({ key, column: table.columns.find((column) => column.name === key.columns[0])! }));
  const keyColumns = new Set(publicKeys.flatMap((key) => key.columns));
  const free = table.columns.filter((column) => !column.generated && !keyColumns.has(column.name));
  // A row that tells nothing of its organisation: no organisation column, every reference empty, and no child.
  const nullable = !organizationKey && references.length > 0 && references.every(({ column }) => !column.notNull);
  const draw = fc.record({
    home: fc.noBias(fc.nat({ max: options.organizations - 1 })),
    values: fc.record(Object.fromEntries(free.map((column) => [column.name, columnArbitrary(column, table.domains.get(column.name) ?? {})]))),
    picks: fc.array(fc.tuple(probability, probability), { minLength: references.length, maxLength: references.length }),
    copyOf: probability.map((p) => (p < 0.1 ? Math.floor(p * 100_000) : undefined)),
    untold: probability.map((p) => p < 0.08),
    crossOrganization: probability.map((p) => options.crossOrganization === true && p < 0.05),
    span: probability.map((p) => (p < 0.07 ? -1 - Math.floor(p * 400) : Math.floor(p * 40))),
  });
  const draws = sample(fc.array(draw, { minLength: count, maxLength: count }), seed);
  const result: Generated = { rows: [], homes: [], untold: new Set(), emptyReference: new Set() };
  const taken = table.uniques.map(() => new Set<string>());
  for (const [index, drawn] of draws.entries()) {
    const row: Row = { ...drawn.values };
    let home = drawn.home;
    const untold = options.mode === 'real' && nullable && (drawn.untold || index === 0);
    const source = copySource(index, drawn.copyOf, result);
    if (untold) {
      for (const { column } of references) row[column.name] = null;
    } else if (source !== undefined) {
      // Now and then a row repeats another's references and dates: repeated marks of one learner and day, say.
      home = result.homes[source]!;
      for (const { column } of references) row[column.name] = result.rows[source]![column.name]!;
      for (const column of table.columns) if (column.base === 'date') row[column.name] = result.rows[source]![column.name]!;
    } else {
      let missing = false;
      for (const [position, { key, column }] of references.entries()) {
        const parent = generated.get(key.parent);
        // The first rows point at parents whose own references are empty: children of sessions without a programme.
        const special = index < 3 && position === 0 ? [...(parent?.emptyReference ?? [])][index] : undefined;
        const [pick, emptiness] = drawn.picks[position]!;
        const choice = special ?? pickParent(parent, home, pick, emptiness, column.notNull, drawn.crossOrganization);
        if (choice === undefined) {
          missing ||= column.notNull;
          row[column.name] = null;
          continue;
        }
        row[column.name] = parent!.rows[choice]![key.parentColumns[0]!]!;
        if (position === 0) home = parent!.homes[choice]!;
      }
      if (missing) continue;
      // The narrow mode keeps every session's organisation told by one of its references.
      if (options.mode === 'plain' && nullable && references.every(({ column }) => row[column.name] === null)) {
        const { key, column } = references[references.length - 1]!;
        const choice = pickParent(generated.get(key.parent), home, drawn.picks[0]![0], 1, true, false);
        if (choice !== undefined) row[column.name] = generated.get(key.parent)!.rows[choice]![key.parentColumns[0]!]!;
      }
    }
    if (organizationKey) row[organizationKey.columns[0]!] = generated.get('organizations')!.rows[home]!.id!;
    coverValues(table, row, index);
    shapeSession(table, row, index, options.mode, drawn.span);
    if (options.mode === 'plain') NARROW_RULES[table.name]?.(row);
    const keys = table.uniques.map((columns) =>
      columns.some((column) => row[column] === null || row[column] === undefined) ? undefined : columns.map((column) => String(row[column])).join('\u0000'));
    if (keys.some((key, at) => key !== undefined && taken[at]!.has(key))) continue;
    keys.forEach((key, at) => key !== undefined && taken[at]!.add(key));
    const at = result.rows.length;
    if (untold) result.untold.add(at);
    else if (references.some(({ column }) => !column.notNull && row[column.name] === null)) result.emptyReference.add(at);
    result.rows.push(row);
    result.homes.push(home);
  }
  return result;
}

function copySource(index: number, copyOf: number | undefined, result: Generated): number | undefined {
  if (result.rows.length === 0) return undefined;
  const source = index === 1 ? 0 : copyOf === undefined ? undefined : copyOf % result.rows.length;
  return source === undefined || result.untold.has(source) ? undefined : source;
}

/** A parent of the same organisation (any, for a cross-organisation draw), or none for a nullable key now and then. */
function pickParent(parent: Generated | undefined, home: number, pick: number, emptiness: number, notNull: boolean, anyOrganization: boolean): number | undefined {
  if (!parent) return undefined;
  if (!notNull && emptiness < 0.15) return undefined;
  const told = parent.rows.map((_, at) => at).filter((at) => !parent.untold.has(at));
  const sameOrganization = told.filter((at) => anyOrganization || parent.homes[at] === home);
  const pool = sameOrganization.length > 0 ? sameOrganization : told;
  return pool.length === 0 ? undefined : pool[Math.floor(pick * pool.length)];
}

/** The first rows of a table take, column by column, every value its CHECK admits, then NULL where nullable. */
function coverValues(table: TableCatalogue, row: Row, index: number): void {
  for (const column of table.columns) {
    const values = table.domains.get(column.name)?.values;
    if (!values) continue;
    const all: Value[] = column.notNull ? values : [...values, null];
    if (index < all.length) row[column.name] = all[index]!;
  }
  if (table.name !== 'users') return;
  // The legacy administrators the test logs in as: active, an admin and (where admitted) a super admin.
  const roles = table.domains.get('role')?.values ?? [];
  if (index === 0) Object.assign(row, { role: 'admin', is_active: true });
  if (index === 1 && roles.includes('super_admin')) Object.assign(row, { role: 'super_admin', is_active: true });
}

/** Session hours as real databases hold them, each shape at least once; dates over a few weeks, some reversed. */
function shapeSession(table: TableCatalogue, row: Row, index: number, mode: LegacyMode, span: number): void {
  const start = table.columns.find((column) => column.name === 'start_time' && column.base === 'time');
  const end = table.columns.find((column) => column.name === 'end_time' && column.base === 'time');
  if (start && end) {
    const shapes = (mode === 'plain' ? NARROW_SESSION_HOURS : SESSION_HOURS)
      .filter(([from, to]) => (from !== null || !start.notNull) && (to !== null || !end.notNull));
    if (index < shapes.length || mode === 'plain') [row.start_time, row.end_time] = shapes[index % shapes.length]!;
  }
  if (typeof row.start_date === 'string' && table.columns.some((column) => column.name === 'end_date' && column.base === 'date')) {
    const startDay = Math.round((Date.parse(row.start_date) - EPOCH) / DAY);
    row.end_date = date(startDay + (index === 2 ? -3 : span));
  }
}

/** Identities for the staff rows (Supabase Auth's shape on a real database), plus sign-ups that never became staff. */
function authAccounts(users: Row[], logins: GeneratedLegacyDatabase['logins'], seed: number, mode: LegacyMode): Row[] {
  const known = asSupabaseHash(bcrypt.hashSync(LOGIN_PASSWORD, 10));
  const accounts: Row[] = [];
  const emails = new Set<string>();
  for (const [index, user] of users.entries()) {
    const login = index <= 1 && (user.role === 'admin' || user.role === 'super_admin');
    let email = `compte${index}.${seed}@legacy.example`;
    if (login) user.email = email; // the staff row's e-mail is the identity's
    else if (typeof user.email === 'string' && !emails.has(user.email.toLowerCase())) email = user.email.toLowerCase();
    emails.add(email);
    const password = login ? known : index % 5 === 0 ? null : asSupabaseHash(OTHER_HASHES[index % 2]!);
    if (login) logins.push({ email, password: LOGIN_PASSWORD, role: String(user.role) });
    accounts.push(authRow(String(user.id), email, password, typeof user.created_at === 'string' ? user.created_at : null, mode));
  }
  for (let extra = 0; extra < 3; extra++) {
    accounts.push(authRow(sample(fc.uuid(), seed + 1000 + extra), `inscription${extra}.${seed}@legacy.example`, asSupabaseHash(OTHER_HASHES[0]!), null, mode));
  }
  return accounts;
}

function authRow(id: string, email: string, password: string | null, createdAt: string | null, mode: LegacyMode): Row {
  const created = createdAt ?? '2024-03-01T09:00:00.000Z';
  const row: Row = {
    id, email, encrypted_password: password, created_at: created, updated_at: created,
    raw_app_meta_data: JSON.stringify({ provider: 'email', providers: ['email'] }),
    raw_user_meta_data: JSON.stringify({ sub: id, email, email_verified: true }),
  };
  if (mode === 'plain') return row;
  return {
    ...row, instance_id: GOTRUE_INSTANCE_ID, aud: 'authenticated', role: 'authenticated', email_confirmed_at: created,
    confirmation_token: '', recovery_token: '', email_change_token_new: '', email_change_token_current: '', email_change: '',
    phone_change: '', phone_change_token: '', reauthentication_token: '', is_super_admin: false, is_sso_user: false, is_anonymous: false,
  };
}

// ---------------------------------------------------------------------------------------------
// SQL

function literal(value: Value): string {
  if (value === null) return 'null';
  if (typeof value === 'number') return String(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  return `'${value.replace(/'/g, "''")}'`;
}

function insertStatements(table: string, rows: Row[]): string[] {
  if (rows.length === 0) return [];
  const columns = Object.keys(rows[0]!);
  const statements: string[] = [];
  for (let start = 0; start < rows.length; start += 200) {
    const values = rows.slice(start, start + 200).map((row) => `(${columns.map((column) => literal(row[column] ?? null)).join(', ')})`);
    statements.push(`insert into ${table} (${columns.join(', ')}) values ${values.join(', ')}`);
  }
  return statements;
}
