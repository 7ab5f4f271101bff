/**
 * The migration runner: applies `supabase/migrations/*.sql` in order and records them where the
 * Supabase CLI reads its history (`supabase_migrations.schema_migrations`), plus a checksum.
 *
 * - Each file runs in its own transaction, statement by statement, so a failure names the file,
 *   the statement and its line, and leaves the file neither applied nor recorded.
 * - Every transaction first takes a transaction-level advisory lock and re-reads the history,
 *   so concurrent runners serialise and each file is applied exactly once.
 * - A short `lock_timeout` keeps a migration from queueing production traffic behind it: when a
 *   table lock is not granted in time the transaction rolls back and is retried with back-off.
 * - A file edited after it was applied is refused: history is immutable.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Kysely, sql } from 'kysely';
import type { Database } from '../db/schema';
import { splitStatements } from './split-statements';

export const defaultMigrationsDir = fileURLToPath(new URL('../../supabase/migrations', import.meta.url));

const LOCK_KEY = 'eduzen.schema_migrations';
const LOCK_NOT_AVAILABLE = '55P03';

export type MigrationFile = {
  version: string;
  name: string;
  fileName: string;
  sql: string;
  checksum: string;
};

export type AppliedMigration = {
  version: string;
  name: string | null;
  checksum: string | null;
  appliedAt: Date | null;
};

export type MigrationStatus = {
  applied: AppliedMigration[];
  pending: MigrationFile[];
  /** Applied files whose content no longer matches the recorded checksum. */
  modified: MigrationFile[];
  /** Versions recorded in the history with no file on disk (e.g. applied by another tool). */
  unknown: AppliedMigration[];
};

export type MigrateOptions = {
  migrationsDir?: string;
  lockTimeoutMs?: number;
  retries?: number;
  log?: (line: string) => void;
};

export class MigrationError extends Error {
  override name = 'MigrationError';
}

export function checksumOf(content: string): string {
  return createHash('sha256').update(content).digest('hex');
}

export function readMigrationFiles(migrationsDir = defaultMigrationsDir): MigrationFile[] {
  return fs
    .readdirSync(migrationsDir)
    .filter((fileName) => fileName.endsWith('.sql'))
    .sort()
    .map((fileName) => {
      const match = /^(\d{14})_(.+)\.sql$/.exec(fileName);
      if (!match) {
        throw new MigrationError(`${fileName}: migration files are named <14-digit timestamp>_<name>.sql`);
      }
      const content = fs.readFileSync(path.join(migrationsDir, fileName), 'utf8');
      return { version: match[1]!, name: match[2]!, fileName, sql: content, checksum: checksumOf(content) };
    });
}

export async function ensureHistoryTable(db: Kysely<Database>): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await sql`select pg_advisory_xact_lock(hashtext(${LOCK_KEY}))`.execute(trx);
    await sql`create schema if not exists supabase_migrations`.execute(trx);
    await sql`create table if not exists supabase_migrations.schema_migrations (
      version text not null primary key,
      statements text[],
      name text
    )`.execute(trx);
    await sql`alter table supabase_migrations.schema_migrations
      add column if not exists checksum text,
      add column if not exists applied_at timestamptz default now()`.execute(trx);
  });
}

export async function readHistory(db: Kysely<Database>): Promise<AppliedMigration[]> {
  const exists = await sql<{ present: boolean }>`
    select to_regclass('supabase_migrations.schema_migrations') is not null as present`.execute(db);
  if (!exists.rows[0]?.present) return [];
  const hasChecksum = await sql<{ present: boolean }>`
    select exists (select 1 from information_schema.columns
      where table_schema = 'supabase_migrations' and table_name = 'schema_migrations'
        and column_name = 'checksum') as present`.execute(db);
  const rows = hasChecksum.rows[0]?.present
    ? await sql<AppliedMigration>`
        select version, name, checksum, applied_at as "appliedAt"
        from supabase_migrations.schema_migrations order by version`.execute(db)
    : await sql<AppliedMigration>`
        select version, name, null as checksum, null as "appliedAt"
        from supabase_migrations.schema_migrations order by version`.execute(db);
  return rows.rows;
}

export async function migrationStatus(db: Kysely<Database>, migrationsDir = defaultMigrationsDir): Promise<MigrationStatus> {
  return compareWithHistory(readMigrationFiles(migrationsDir), await readHistory(db));
}

function compareWithHistory(files: MigrationFile[], history: AppliedMigration[]): MigrationStatus {
  const byVersion = new Map(history.map((row) => [row.version, row]));
  const fileVersions = new Set(files.map((file) => file.version));
  return {
    applied: history.filter((row) => fileVersions.has(row.version)),
    pending: files.filter((file) => !byVersion.has(file.version)),
    modified: files.filter((file) => {
      const recorded = byVersion.get(file.version);
      return recorded?.checksum != null && recorded.checksum !== file.checksum;
    }),
    unknown: history.filter((row) => !fileVersions.has(row.version)),
  };
}

export function describeModified(modified: MigrationFile[]): string {
  return (
    `refusing to migrate: ${modified.map((file) => file.fileName).join(', ')} ` +
    `changed after being applied. An applied migration is frozen: restore its original content ` +
    `and put the change in a new migration file.`
  );
}

/** Applies every pending migration. Returns the versions this call applied. */
export async function migrate(db: Kysely<Database>, options: MigrateOptions = {}): Promise<string[]> {
  const log = options.log ?? (() => {});
  const files = readMigrationFiles(options.migrationsDir);
  await ensureHistoryTable(db);
  const status = compareWithHistory(files, await readHistory(db));
  if (status.modified.length > 0) throw new MigrationError(describeModified(status.modified));
  if (status.pending.length === 0) {
    log('database schema is up to date');
    return [];
  }
  const applied: string[] = [];
  for (const file of status.pending) {
    if (await applyWithRetries(db, file, options, log)) applied.push(file.version);
  }
  return applied;
}

async function applyWithRetries(
  db: Kysely<Database>,
  file: MigrationFile,
  options: MigrateOptions,
  log: (line: string) => void,
): Promise<boolean> {
  const retries = options.retries ?? 5;
  const lockTimeoutMs = options.lockTimeoutMs ?? 2000;
  for (let attempt = 1; ; attempt += 1) {
    try {
      const started = performance.now();
      const appliedNow = await applyFile(db, file, lockTimeoutMs);
      if (appliedNow) log(`applied ${file.fileName} (${Math.round(performance.now() - started)} ms)`);
      else log(`skipped ${file.fileName}: applied meanwhile by another runner`);
      return appliedNow;
    } catch (error) {
      if (error instanceof LockTimeout && attempt <= retries) {
        const delay = Math.min(200 * 2 ** (attempt - 1), 5000);
        log(`${file.fileName}: a table lock was not granted within ${lockTimeoutMs} ms; retry ${attempt}/${retries} in ${delay} ms`);
        await new Promise((resolve) => setTimeout(resolve, delay));
        continue;
      }
      if (error instanceof LockTimeout) {
        throw new MigrationError(`${file.fileName}: gave up after ${retries} retries waiting for table locks; nothing was changed`);
      }
      throw error;
    }
  }
}

class LockTimeout extends Error {}

async function applyFile(db: Kysely<Database>, file: MigrationFile, lockTimeoutMs: number): Promise<boolean> {
  const statements = splitStatements(file.sql);
  return db.transaction().execute(async (trx) => {
    await sql`select pg_advisory_xact_lock(hashtext(${LOCK_KEY}))`.execute(trx);
    const recorded = await sql<{ version: string }>`
      select version from supabase_migrations.schema_migrations where version = ${file.version}`.execute(trx);
    if (recorded.rows.length > 0) return false;
    await sql.raw(`set local lock_timeout = '${Math.max(1, Math.floor(lockTimeoutMs))}ms'`).execute(trx);
    for (const [index, statement] of statements.entries()) {
      try {
        await sql.raw(statement.text).execute(trx);
      } catch (error) {
        if (isPgError(error) && error.code === LOCK_NOT_AVAILABLE) throw new LockTimeout();
        const firstLine = statement.text.split('\n')[0];
        throw new MigrationError(
          `${file.fileName}: statement ${index + 1} (line ${statement.line}) failed: ` +
            `${isPgError(error) ? error.message : String(error)}\n    ${firstLine}\n` +
            `  the migration was rolled back: nothing from ${file.fileName} was applied`,
        );
      }
    }
    await sql`
      insert into supabase_migrations.schema_migrations (version, name, statements, checksum, applied_at)
      values (${file.version}, ${file.name}, ${statements.map((statement) => statement.text)}, ${file.checksum}, now())
    `.execute(trx);
    return true;
  });
}

function isPgError(error: unknown): error is Error & { code?: string } {
  return error instanceof Error && 'code' in error;
}

export async function schemaVersion(db: Kysely<Database>): Promise<string | null> {
  const history = await readHistory(db);
  return history.at(-1)?.version ?? null;
}
