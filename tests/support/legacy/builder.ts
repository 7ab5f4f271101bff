/**
 * Builds a legacy EDUZEN database on the test server: the legacy schema, data at a chosen size
 * with the awkward cases, and optionally a state left half-done by the old script.
 *
 *   const url = await createServerDatabase();
 *   await buildLegacyDatabase(url, { size: SMALL_SIZE, partial: 'formations-partial' });
 */
import fs from 'node:fs';
import pg from 'pg';
import { readMigrationFiles } from '../../../src/migrate/runner';
import { splitStatements } from '../../../src/migrate/split-statements';
import { LEGACY_DDL } from './legacy-ddl';
import { type LegacySize, SMALL_SIZE, legacyDataStatements } from './legacy-data';
import { type PartialState, oldScriptUntil } from './old-script';

export { SMALL_SIZE, type LegacySize } from './legacy-data';
export { ORPHAN_CHILDREN_AWAY, PARTIAL_STATES, type PartialState, oldScriptToTheEnd } from './old-script';

export type LegacyOptions = {
  size?: LegacySize;
  /** Sessions without a programme, reversed dates, loose attendance and grades (default true). */
  awkward?: boolean;
  partial?: PartialState;
  /** Extra SQL run at the end, e.g. to add a blocker. */
  extraSql?: string[];
};

export async function buildLegacyDatabase(databaseUrl: string, options: LegacyOptions = {}): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await buildLegacyShape((statement) => client.query(statement), options);
  } finally {
    await client.end();
  }
}

/**
 * The same, through any way of running SQL (the embedded engine's connection, say): `run` is
 * given one statement at a time, or a script of several when its engine runs scripts.
 */
export async function buildLegacyShape(run: (sql: string) => Promise<unknown>, options: LegacyOptions = {}): Promise<void> {
  // Supabase provides `auth`; the shim stands in for it, as on a real legacy database.
  const shim = readMigrationFiles().find((file) => file.version === '20251201000000');
  if (!shim) throw new Error('the auth shim migration is missing');
  for (const script of [shim.sql, LEGACY_DDL]) {
    for (const statement of splitStatements(script)) await run(statement.text);
  }
  for (const statement of legacyDataStatements(options.size ?? SMALL_SIZE, options.awkward ?? true)) await run(statement);
  await run('analyze');
  if (options.partial) for (const statement of oldScriptUntil(options.partial)) await run(statement);
  for (const statement of options.extraSql ?? []) await run(statement);
}

/** Clones a database on the same server (the source must have no open connections). */
export async function cloneDatabase(databaseUrl: string, name: string): Promise<string> {
  const url = new URL(databaseUrl);
  const source = url.pathname.slice(1);
  const admin = new URL(databaseUrl);
  admin.pathname = '/postgres';
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    await client.query(`create database "${name}" template "${source}"`);
  } finally {
    await client.end();
  }
  url.pathname = `/${name}`;
  return url.toString();
}

export function readSqlFile(path: string): string {
  return fs.readFileSync(path, 'utf8');
}
