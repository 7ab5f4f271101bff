/**
 * The target of the legacy upgrade: the product schema as the three baseline migrations leave it
 * on a fresh database. `baseline-schema.json` is generated from those files by
 * `node --import tsx src/migrate/legacy/generate-baseline.ts` (a test checks it is current), so
 * every name and definition the upgrade writes comes from the migrations themselves.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type MigrationFile, defaultMigrationsDir, readMigrationFiles } from '../runner';
import { splitStatements } from '../split-statements';
import type { SchemaShape, TableShape } from './schema-read';

export const BASELINE_VERSIONS = ['20251201000000', '20251201000100', '20251201000200'] as const;

export const BASELINE_FILE = fileURLToPath(new URL('./baseline-schema.json', import.meta.url));

/** Tables of the product, parents first. */
export const PRODUCT_TABLES = [
  'organizations', 'users', 'students', 'programs', 'formations', 'sessions',
  'enrollments', 'attendance', 'grades', 'change_log',
] as const;

export type ProductTable = (typeof PRODUCT_TABLES)[number];

export type Baseline = {
  tables: Record<string, TableShape>;
  /**
   * CHECK constraints of the baseline that later migrations redefine under the same name
   * (`users_role_check` gained `accountant`), as the last migration leaves them: table → name →
   * definition. The upgrade writes and checks these, so rows a later migration admits (an
   * accountant, an overdue payment) are carried as they are, and rows it would refuse are found
   * by preflight, before any change, instead of stopping the later migration.
   */
  laterChecks?: Record<string, Record<string, string>>;
  /** Columns of the baseline that later migrations drop (the sessions' hours, once slots hold them): table → columns. */
  laterDroppedColumns?: Record<string, string[]>;
};

let cached: Baseline | undefined;

export function loadBaseline(): Baseline {
  if (!cached) {
    const file = JSON.parse(fs.readFileSync(BASELINE_FILE, 'utf8')) as Baseline;
    cached = { tables: withLaterChecks(file.tables, file.laterChecks ?? {}), laterDroppedColumns: file.laterDroppedColumns ?? {} };
  }
  return cached;
}

function withLaterChecks(tables: Record<string, TableShape>, later: Record<string, Record<string, string>>): Record<string, TableShape> {
  return Object.fromEntries(Object.entries(tables).map(([name, table]) => [name, {
    ...table,
    constraints: table.constraints.map((constraint) => {
      const definition = later[name]?.[constraint.name];
      return definition === undefined ? constraint : { ...constraint, definition };
    }),
  }]));
}

/** The baseline's columns gone once every migration has run. */
export function laterDroppedColumns(baseline: Baseline, latest: SchemaShape): Record<string, string[]> {
  const result: Record<string, string[]> = {};
  for (const [name, table] of Object.entries(baseline.tables)) {
    const now = new Set(latest.tables[name]?.columns.map((column) => column.name) ?? []);
    const gone = table.columns.filter((column) => !now.has(column.name)).map((column) => column.name);
    if (gone.length > 0) result[name] = gone;
  }
  return result;
}

/** The baseline's CHECK constraints whose definition differs once every migration has run. */
export function laterChecks(baseline: Baseline, latest: SchemaShape): Record<string, Record<string, string>> {
  const result: Record<string, Record<string, string>> = {};
  for (const [name, table] of Object.entries(baseline.tables)) {
    for (const constraint of table.constraints) {
      if (constraint.kind !== 'c') continue;
      const now = latest.tables[name]?.constraints.find((entry) => entry.name === constraint.name && entry.kind === 'c');
      if (now && now.definition !== constraint.definition) (result[name] ??= {})[constraint.name] = now.definition;
    }
  }
  return result;
}

export function baselineTable(name: string): TableShape {
  const table = loadBaseline().tables[name];
  if (!table) throw new Error(`${name} is not a table of the baseline schema`);
  return table;
}

/** Keeps what the upgrade needs from a schema read on a fresh baseline database. */
export function toBaseline(schema: SchemaShape): Baseline {
  const tables: Record<string, TableShape> = {};
  for (const name of PRODUCT_TABLES) {
    const table = schema.tables[name];
    if (table) tables[name] = table;
  }
  return { tables };
}

export function readBaselineFiles(migrationsDir = defaultMigrationsDir): MigrationFile[] {
  const files = readMigrationFiles(migrationsDir).filter((file) => (BASELINE_VERSIONS as readonly string[]).includes(file.version));
  if (files.length !== BASELINE_VERSIONS.length) {
    throw new Error(`the baseline migrations ${BASELINE_VERSIONS.join(', ')} are not all in ${migrationsDir}`);
  }
  return files;
}

/** A directory holding only the baseline migrations, to migrate a scratch database to them. */
export function writeBaselineMigrationsDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'eduzen-baseline-'));
  for (const file of readBaselineFiles()) fs.writeFileSync(path.join(dir, file.fileName), file.sql);
  return dir;
}

/** The statements of the baseline files, to reuse their exact text (functions, policies, grants…). */
export function baselineStatements(): string[] {
  return readBaselineFiles().flatMap((file) =>
    splitStatements(file.sql).map((statement) => statement.text.replace(/^(\s*--[^\n]*\n)+/, '').trim()),
  );
}

/** The baseline statement that starts with `prefix` (whitespace-insensitive). */
export function findBaselineStatement(prefix: string): string {
  const wanted = normalise(prefix);
  const found = baselineStatements().find((statement) => normalise(statement).startsWith(wanted));
  if (!found) throw new Error(`no baseline statement starts with: ${prefix}`);
  return found;
}

export function findBaselineStatements(pattern: RegExp): string[] {
  return baselineStatements().filter((statement) => pattern.test(normalise(statement)));
}

function normalise(text: string): string {
  return text.replace(/--[^\n]*/g, '').replace(/\s+/g, ' ').trim().toLowerCase();
}
