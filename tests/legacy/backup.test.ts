import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { connect } from '../../src/db/connect';
import { chooseBackupMethod, parseToolMajor } from '../../src/migrate/backup';
import { runCli } from '../support/cli';
import { createServerDatabase } from '../support/engines';
import { SMALL_SIZE, buildLegacyDatabase } from '../support/legacy/builder';
import { databaseFingerprint } from '../support/legacy/inspect';

describe('backup method decision', () => {
  it('uses pg_dump only when it is at least as new as the server', () => {
    expect(chooseBackupMethod({ engine: 'postgres', serverMajor: 17, pgDumpMajor: 15 }).method).toBe('logical');
    expect(chooseBackupMethod({ engine: 'postgres', serverMajor: 15, pgDumpMajor: 15 }).method).toBe('pg_dump');
    expect(chooseBackupMethod({ engine: 'postgres', serverMajor: 16, pgDumpMajor: 17 }).method).toBe('pg_dump');
    expect(chooseBackupMethod({ engine: 'postgres', serverMajor: 17, pgDumpMajor: null }).method).toBe('logical');
    expect(chooseBackupMethod({ engine: 'embedded', pgDumpMajor: 17 }).method).toBe('pglite');
    expect(parseToolMajor('pg_dump (PostgreSQL) 15.18 (Debian 15.18-0+deb12u1)')).toBe(15);
    expect(parseToolMajor('not a version')).toBeNull();
  });
});

describe('eduzen db backup / restore', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'eduzen-backup-'));

  it('restores a server backup into an empty database with the same counts and checksums', async () => {
    const source = await createServerDatabase();
    await buildLegacyDatabase(source, { size: SMALL_SIZE });
    const file = path.join(dir, 'legacy.backup');
    const backup = await runCli(['db', 'backup', '--database-url', source, '--output', file]);
    expect(backup.code).toBe(0);
    // The test server is Postgres 17 and the pg_dump on the PATH is older (or absent).
    expect(backup.stdout).toContain('backup kind: logical');

    const target = await createServerDatabase();
    const restore = await runCli(['db', 'restore', '--database-url', target, '--input', file]);
    expect(restore.stderr).toBe('');
    expect(restore.code).toBe(0);
    expect(await databaseFingerprint(target)).toBe(await databaseFingerprint(source));

    const refused = await runCli(['db', 'restore', '--database-url', target, '--input', file]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('--force');
    const forced = await runCli(['db', 'restore', '--database-url', target, '--input', file, '--force']);
    expect(forced.code).toBe(0);
    expect(await databaseFingerprint(target)).toBe(await databaseFingerprint(source));
  });

  // Three CLI processes, each booting the embedded engine (WebAssembly) and reading its data directory.
  it('backs up and restores the embedded database with its own dump', { timeout: 180_000 }, async () => {
    const dataDir = path.join(dir, 'embedded');
    const handle = await connect({ engine: 'embedded', dataDir });
    await handle.db.schema.createTable('notes').addColumn('id', 'integer', (column) => column.primaryKey()).execute();
    await handle.db.insertInto('notes' as never).values([{ id: 1 }, { id: 2 }] as never).execute();
    await handle.close();
    const file = path.join(dir, 'embedded.tar.gz');
    const backup = await runCli(['db', 'backup', '--data-dir', dataDir, '--output', file]);
    expect(backup.stdout).toContain('backup kind: pglite');
    const restoredDir = path.join(dir, 'restored');
    const restore = await runCli(['db', 'restore', '--data-dir', restoredDir, '--input', file]);
    expect(restore.code).toBe(0);
    const restored = await connect({ engine: 'embedded', dataDir: restoredDir });
    const rows = await restored.db.selectFrom('notes' as never).selectAll().execute();
    await restored.close();
    expect(rows).toHaveLength(2);
    const refused = await runCli(['db', 'restore', '--data-dir', restoredDir, '--input', file]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('--force');
  });

  it('the upgrade takes a backup first and says which kind', async () => {
    const url = await createServerDatabase();
    await buildLegacyDatabase(url, { size: SMALL_SIZE });
    const file = path.join(dir, 'before-upgrade.sql');
    const upgrade = await runCli(['db', 'upgrade', '--database-url', url, '--yes', '--backup-file', file, '--orphan-sessions=placeholder', '--reversed-dates=swap']);
    expect(upgrade.code).toBe(0);
    expect(upgrade.stdout).toMatch(/backup: logical \(pg_dump .*\) → /);
    expect(fs.statSync(file).size).toBeGreaterThan(10_000);
  });
});
