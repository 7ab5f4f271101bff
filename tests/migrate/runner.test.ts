import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { type DatabaseHandle, connect } from '../../src/db/connect';
import { MigrationError, defaultMigrationsDir, migrate, migrationStatus, readHistory, readMigrationFiles } from '../../src/migrate/runner';
import { ENGINES, createServerDatabase } from '../support/engines';

const opened: DatabaseHandle[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((handle) => handle.close()));
});

async function emptyDatabase(engine: (typeof ENGINES)[number]): Promise<{ handle: DatabaseHandle; url?: string }> {
  if (engine === 'embedded') {
    const handle = await connect({ engine, dataDir: 'memory' });
    opened.push(handle);
    return { handle };
  }
  const url = await createServerDatabase();
  const handle = await connect({ engine, databaseUrl: url });
  opened.push(handle);
  return { handle, url };
}

function migrationsCopy(extraFiles: Record<string, string> = {}): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'eduzen-migrations-'));
  for (const file of fs.readdirSync(defaultMigrationsDir)) fs.copyFileSync(path.join(defaultMigrationsDir, file), path.join(dir, file));
  for (const [name, content] of Object.entries(extraFiles)) fs.writeFileSync(path.join(dir, name), content);
  return dir;
}

async function tableExists(handle: DatabaseHandle, name: string): Promise<boolean> {
  const result = await sql<{ present: boolean }>`select to_regclass(${name}) is not null as present`.execute(handle.db);
  return result.rows[0]!.present;
}

for (const engine of ENGINES) {
  describe(`migration runner [${engine}]`, () => {
    it('applies every file on a fresh database, then a second run is a no-op', async () => {
      const { handle } = await emptyDatabase(engine);
      const files = readMigrationFiles();
      const lines: string[] = [];
      const applied = await migrate(handle.db, { log: (line) => lines.push(line) });
      expect(applied).toEqual(files.map((file) => file.version));
      expect(lines.filter((line) => line.startsWith('applied'))).toHaveLength(files.length);
      const history = await readHistory(handle.db);
      expect(history.map((row) => [row.version, row.checksum])).toEqual(files.map((file) => [file.version, file.checksum]));
      expect(await tableExists(handle, 'public.sessions')).toBe(true);

      expect(await migrate(handle.db)).toEqual([]);
      expect(await readHistory(handle.db)).toHaveLength(files.length);
      const status = await migrationStatus(handle.db);
      expect(status.pending).toEqual([]);
      expect(status.modified).toEqual([]);
    });

    it('refuses a file edited after it was applied', async () => {
      const { handle } = await emptyDatabase(engine);
      const dir = migrationsCopy();
      await migrate(handle.db, { migrationsDir: dir });
      const target = readMigrationFiles(dir)[1]!;
      fs.appendFileSync(path.join(dir, target.fileName), '\n-- an innocent-looking edit\n');
      await expect(migrate(handle.db, { migrationsDir: dir })).rejects.toThrow(
        new RegExp(`${target.fileName} changed after being applied`),
      );
      expect((await migrationStatus(handle.db, dir)).modified.map((file) => file.fileName)).toEqual([target.fileName]);
    });

    it('leaves no trace of a file that fails mid-way, and names the file, statement and line', async () => {
      const { handle } = await emptyDatabase(engine);
      const dir = migrationsCopy({
        '20991231000000_broken.sql': [
          'create table public.half_done (id int);',
          'insert into public.half_done values (1);',
          '',
          'select 1 / 0;',
          'create table public.never_reached (id int);',
        ].join('\n'),
      });
      const error = await migrate(handle.db, { migrationsDir: dir }).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(MigrationError);
      expect((error as Error).message).toMatch(/20991231000000_broken\.sql: statement 3 \(line 4\) failed: division by zero/);
      expect(await tableExists(handle, 'public.half_done')).toBe(false);
      expect(await tableExists(handle, 'public.never_reached')).toBe(false);
      const history = await readHistory(handle.db);
      expect(history.map((row) => row.version)).not.toContain('20991231000000');
      // The files before it were applied and recorded; the failing one is still pending.
      expect((await migrationStatus(handle.db, dir)).pending.map((file) => file.version)).toEqual(['20991231000000']);
    });

    it('two concurrent runners apply each file exactly once', async () => {
      const first = await emptyDatabase(engine);
      const second = engine === 'postgres'
        ? await (async () => {
            const handle = await connect({ engine: 'postgres', databaseUrl: first.url! });
            opened.push(handle);
            return handle;
          })()
        : first.handle;
      const results = await Promise.all([migrate(first.handle.db), migrate(second.db)]);
      const files = readMigrationFiles();
      expect(results.flat().sort()).toEqual(files.map((file) => file.version));
      const counts = await sql<{ version: string; n: number }>`
        select version, count(*)::int as n from supabase_migrations.schema_migrations group by version`.execute(first.handle.db);
      expect(counts.rows.every((row) => row.n === 1)).toBe(true);
      expect(counts.rows).toHaveLength(files.length);
    });
  });
}

describe('migration runner lock timeout [postgres]', () => {
  it('gives up a table lock it cannot get quickly and retries instead of queueing', async () => {
    const { handle, url } = await emptyDatabase('postgres');
    const dir = migrationsCopy();
    await migrate(handle.db, { migrationsDir: dir });
    fs.writeFileSync(path.join(dir, '20991231000001_touch_programs.sql'), 'alter table public.programs add column note text;');
    const blocker = new pg.Client({ connectionString: url });
    await blocker.connect();
    try {
      await blocker.query('begin');
      await blocker.query('lock table public.programs in access share mode');
      const lines: string[] = [];
      const running = migrate(handle.db, { migrationsDir: dir, lockTimeoutMs: 50, retries: 10, log: (line) => lines.push(line) });
      await new Promise((resolve) => setTimeout(resolve, 400));
      await blocker.query('commit');
      expect(await running).toEqual(['20991231000001']);
      expect(lines.some((line) => /not granted within 50 ms; retry 1\/10/.test(line))).toBe(true);
    } finally {
      await blocker.end();
    }
  });

  it('stops with a clear message after its retries, having changed nothing', async () => {
    const { handle, url } = await emptyDatabase('postgres');
    const dir = migrationsCopy();
    await migrate(handle.db, { migrationsDir: dir });
    fs.writeFileSync(path.join(dir, '20991231000001_touch_programs.sql'), 'alter table public.programs add column note text;');
    const blocker = new pg.Client({ connectionString: url });
    await blocker.connect();
    try {
      await blocker.query('begin');
      await blocker.query('lock table public.programs in access share mode');
      await expect(migrate(handle.db, { migrationsDir: dir, lockTimeoutMs: 20, retries: 2 })).rejects.toThrow(/gave up after 2 retries/);
    } finally {
      await blocker.query('rollback');
      await blocker.end();
    }
    const columns = await sql<{ n: number }>`select count(*)::int as n from information_schema.columns where table_name = 'programs' and column_name = 'note'`.execute(handle.db);
    expect(columns.rows[0]!.n).toBe(0);
  });
});
