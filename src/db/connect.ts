/**
 * Opens the database on either engine behind one Kysely<Database>:
 * - embedded: PGlite (Postgres compiled to WASM, in-process), on a data directory or in memory;
 * - postgres: any server reached through a postgres:// URL.
 *
 * Both go through node-postgres, so the SQL, the error codes and the type parsing are the same.
 * PGlite is a single backend: interleaving two transactions on it corrupts both, so it is
 * reached through a pool of exactly one connection and every transaction is serialised.
 */
import fs from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { createPgConfig } from '@electric-sql/pglite/node-postgres';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Database } from './schema';

export type Engine = 'embedded' | 'postgres';

export type ConnectOptions =
  | { engine: 'postgres'; databaseUrl: string; poolSize?: number }
  | { engine: 'embedded'; dataDir: string | 'memory' };

export type DatabaseHandle = {
  db: Kysely<Database>;
  engine: Engine;
  /** Where the data lives, for messages: a data directory, `memory`, or the URL without password. */
  location: string;
  /** The PGlite instance in embedded mode (for dumps), undefined on a server. */
  pglite: PGlite | undefined;
  close(): Promise<void>;
};

export class DatabaseConnectionError extends Error {
  override name = 'DatabaseConnectionError';
}

const DATE_OID = 1082;

// Dates stay ISO strings ('2026-03-02'): a JS Date would shift them by the process time zone.
const typeParsers = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === DATE_OID) return (value: string) => value;
    return pg.types.getTypeParser(oid, format);
  },
} as pg.CustomTypesConfig;

export async function connect(options: ConnectOptions): Promise<DatabaseHandle> {
  return options.engine === 'postgres'
    ? connectServer(options.databaseUrl, options.poolSize ?? 10)
    : connectEmbedded(options.dataDir);
}

export function redactUrl(databaseUrl: string): string {
  try {
    const url = new URL(databaseUrl);
    if (url.password) url.password = '***';
    return url.toString();
  } catch {
    return '<unparseable URL>';
  }
}

async function connectServer(databaseUrl: string, poolSize: number): Promise<DatabaseHandle> {
  const location = redactUrl(databaseUrl);
  let pool: pg.Pool;
  try {
    pool = new pg.Pool({ connectionString: databaseUrl, max: poolSize, types: typeParsers });
  } catch (error) {
    throw new DatabaseConnectionError(`invalid DATABASE_URL ${location}: ${messageOf(error)}`);
  }
  // Idle clients can lose their server (restart, failover): log nothing, the pool replaces them.
  pool.on('error', () => {});
  try {
    await pool.query('select 1');
  } catch (error) {
    await pool.end().catch(() => {});
    throw new DatabaseConnectionError(`cannot connect to ${location}: ${messageOf(error)}`);
  }
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return {
    db,
    engine: 'postgres',
    location,
    pglite: undefined,
    close: () => db.destroy(),
  };
}

async function connectEmbedded(dataDir: string | 'memory'): Promise<DatabaseHandle> {
  if (dataDir !== 'memory') ensureWritableDirectory(dataDir);
  let pglite: PGlite;
  try {
    pglite = dataDir === 'memory' ? await PGlite.create() : await PGlite.create(dataDir);
  } catch (error) {
    throw new DatabaseConnectionError(`cannot open the embedded database in ${dataDir}: ${messageOf(error)}`);
  }
  const pool = new pg.Pool({ ...createPgConfig(pglite), max: 1, types: typeParsers });
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return {
    db,
    engine: 'embedded',
    location: dataDir,
    pglite,
    async close() {
      await db.destroy();
      await pglite.close();
    },
  };
}

function ensureWritableDirectory(dataDir: string): void {
  try {
    fs.mkdirSync(dataDir, { recursive: true });
    fs.accessSync(dataDir, fs.constants.R_OK | fs.constants.W_OK);
  } catch (error) {
    throw new DatabaseConnectionError(`the data directory ${dataDir} is not usable: ${messageOf(error)}`);
  }
  if (!fs.statSync(dataDir).isDirectory()) {
    throw new DatabaseConnectionError(`the data directory ${dataDir} is not a directory`);
  }
}

function messageOf(error: unknown): string {
  if (error instanceof AggregateError && error.errors.length > 0) return messageOf(error.errors[0]);
  if (error instanceof Error) return error.message || error.name;
  return String(error);
}
