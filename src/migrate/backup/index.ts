/**
 * `eduzen db backup` / `eduzen db restore` and the backup taken before every upgrade.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { sql } from 'kysely';
import type { DatabaseHandle } from '../../db/connect';
import { type BackupChoice, chooseBackupMethod, clientToolMajor } from './choose';
import { LOGICAL_HEADER, writeLogicalBackup } from './logical-backup';
import { restoreLogicalBackup } from './logical-restore';

export { chooseBackupMethod, parseToolMajor } from './choose';

export type BackupResult = BackupChoice & { file: string; bytes: number; ms: number };

export class BackupError extends Error {
  override name = 'BackupError';
}

const EXTENSIONS = { pg_dump: 'dump', logical: 'sql', pglite: 'tar.gz' } as const;

export function defaultBackupFile(handle: DatabaseHandle, method: BackupChoice['method'], dir = '.eduzen/backups'): string {
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*/, '').replace('T', '-');
  const name = handle.engine === 'postgres' ? new URL(handle.location).pathname.slice(1) || 'postgres' : 'embedded';
  return path.resolve(dir, `eduzen-${name}-${stamp}.${EXTENSIONS[method]}`);
}

export async function decideBackup(handle: DatabaseHandle, env: NodeJS.ProcessEnv = process.env): Promise<BackupChoice> {
  if (handle.engine === 'embedded') return chooseBackupMethod({ engine: 'embedded', pgDumpMajor: null });
  const version = await sql<{ v: string }>`select current_setting('server_version_num') as v`.execute(handle.db);
  const serverMajor = Math.floor(Number(version.rows[0]?.v ?? 0) / 10000);
  return chooseBackupMethod({ engine: 'postgres', serverMajor, pgDumpMajor: clientToolMajor('pg_dump', env) });
}

export async function backupDatabase(
  handle: DatabaseHandle,
  options: { databaseUrl?: string; file?: string; env?: NodeJS.ProcessEnv },
): Promise<BackupResult> {
  const started = performance.now();
  const choice = await decideBackup(handle, options.env);
  const file = path.resolve(options.file ?? defaultBackupFile(handle, choice.method));
  fs.mkdirSync(path.dirname(file), { recursive: true });
  if (choice.method === 'pglite') {
    if (!handle.pglite) throw new BackupError('the embedded database is not open');
    const dump = await handle.pglite.dumpDataDir('gzip');
    fs.writeFileSync(file, Buffer.from(await dump.arrayBuffer()));
  } else {
    if (!options.databaseUrl) throw new BackupError('a server backup needs the database URL');
    if (choice.method === 'pg_dump') {
      const result = spawnSync('pg_dump', ['--format=custom', `--file=${file}`, `--dbname=${options.databaseUrl}`], { encoding: 'utf8', env: options.env });
      if (result.status !== 0) throw new BackupError(`pg_dump failed: ${result.stderr.trim()}`);
    } else {
      await writeLogicalBackup(options.databaseUrl, file);
    }
  }
  return { ...choice, file, bytes: fs.statSync(file).size, ms: performance.now() - started };
}

export type BackupKind = 'pg_dump' | 'logical' | 'pglite';

export function backupKindOf(file: string): BackupKind {
  const head = Buffer.alloc(64);
  const fd = fs.openSync(file, 'r');
  try {
    fs.readSync(fd, head, 0, head.length, 0);
  } finally {
    fs.closeSync(fd);
  }
  if (head.subarray(0, 5).toString('latin1') === 'PGDMP') return 'pg_dump';
  if (head[0] === 0x1f && head[1] === 0x8b) return 'pglite';
  if (head.toString('utf8').startsWith(LOGICAL_HEADER)) return 'logical';
  throw new BackupError(`${file} is not an EDUZEN backup (pg_dump custom format, logical backup or embedded dump)`);
}

/** Tables in the target's public schema: a restore refuses a non-empty target unless forced. */
export async function publicTables(handle: DatabaseHandle): Promise<string[]> {
  const result = await sql<{ name: string }>`
    select c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = 'public' and c.relkind in ('r', 'p') order by 1`.execute(handle.db);
  return result.rows.map((row) => row.name);
}

/** Empties the target's public schema (restore --force). */
export async function dropPublicTables(handle: DatabaseHandle): Promise<void> {
  const tables = await publicTables(handle);
  if (tables.length > 0) await sql.raw(`drop table ${tables.map((table) => `public."${table}"`).join(', ')} cascade`).execute(handle.db);
}

export async function restoreServerBackup(databaseUrl: string, file: string, env: NodeJS.ProcessEnv = process.env): Promise<{ kind: BackupKind; rows?: number }> {
  const kind = backupKindOf(file);
  if (kind === 'pglite') throw new BackupError('this is a dump of an embedded database: restore it with --data-dir');
  if (kind === 'logical') return { kind, rows: (await restoreLogicalBackup(databaseUrl, file)).rows };
  if (clientToolMajor('pg_restore', env) === null) throw new BackupError('pg_restore is not on the PATH');
  const result = spawnSync('pg_restore', ['--no-owner', '--single-transaction', '--exit-on-error', `--dbname=${databaseUrl}`, file], { encoding: 'utf8', env });
  if (result.status !== 0) throw new BackupError(`pg_restore failed: ${result.stderr.trim()}`);
  return { kind };
}

/** Restores an embedded dump into a data directory that must be empty (or is emptied with force). */
export async function restoreEmbeddedBackup(dataDir: string, file: string, force: boolean): Promise<void> {
  if (backupKindOf(file) !== 'pglite') throw new BackupError('this is a server backup: restore it with --database-url');
  if (fs.existsSync(dataDir) && fs.readdirSync(dataDir).length > 0) {
    if (!force) throw new BackupError(`${dataDir} is not empty: restore into an empty directory, or pass --force to replace it`);
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
  fs.mkdirSync(dataDir, { recursive: true });
  const pglite = await PGlite.create(dataDir, { loadDataDir: new Blob([fs.readFileSync(file)]) });
  await pglite.close();
}
