import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli';
import { createServerDatabase } from '../support/engines';
import { ORPHAN_CHILDREN_AWAY, SMALL_SIZE, buildLegacyDatabase, oldScriptToTheEnd } from '../support/legacy/builder';
import { databaseFingerprint, logicalCounts, withClient } from '../support/legacy/inspect';

describe('eduzen db upgrade --emit-sql: the SQL-editor script', () => {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'eduzen-sql-')), 'upgrade.sql');

  it('run by a plain client on a legacy database, passes verify; run again, changes nothing', async () => {
    const emitted = await runCli(['db', 'upgrade', '--emit-sql', file, '--orphan-sessions=placeholder', '--reversed-dates=swap']);
    expect(emitted.code).toBe(0);
    const script = fs.readFileSync(file, 'utf8');
    const url = await createServerDatabase();
    await buildLegacyDatabase(url, { size: SMALL_SIZE });
    const before = await logicalCounts(url);
    await withClient(url, (client) => client.query(script));
    const verify = await runCli(['db', 'verify', '--database-url', url]);
    expect(verify.stdout).toContain('verify: passed');
    expect(verify.code).toBe(0);
    expect(await logicalCounts(url)).toEqual({ ...before, formations: before.formations + 2 });
    const fingerprint = await databaseFingerprint(url);
    await withClient(url, (client) => client.query(script));
    expect(await databaseFingerprint(url)).toBe(fingerprint);
    const cli = await runCli(['db', 'upgrade', '--database-url', url, '--yes', '--no-backup']);
    expect(cli.stdout).toContain('already upgraded');
  });

  it('without the remedies, stops on sessions without a programme and leaves the database as it was', async () => {
    const emitted = await runCli(['db', 'upgrade', '--emit-sql', '-']);
    const url = await createServerDatabase();
    await buildLegacyDatabase(url, { size: SMALL_SIZE });
    const before = await databaseFingerprint(url);
    await expect(withClient(url, (client) => client.query(emitted.stdout))).rejects.toThrow(/--orphan-sessions=placeholder/);
    expect(await databaseFingerprint(url)).toBe(before);
  });

  it('finishes a database the old script ran to the end, taking back the sessions it lost; stops without the remedies', async () => {
    const reference = await createServerDatabase();
    await buildLegacyDatabase(reference, { size: SMALL_SIZE, extraSql: ORPHAN_CHILDREN_AWAY });
    const expected = await logicalCounts(reference);
    const url = await createServerDatabase();
    await buildLegacyDatabase(url, { size: SMALL_SIZE, extraSql: [...ORPHAN_CHILDREN_AWAY, ...oldScriptToTheEnd()] });

    const bare = await runCli(['db', 'upgrade', '--emit-sql', '-']);
    const before = await databaseFingerprint(url);
    await expect(withClient(url, (client) => client.query(bare.stdout))).rejects.toThrow(/--orphan-sessions=placeholder/);
    expect(await databaseFingerprint(url)).toBe(before);

    const emitted = await runCli(['db', 'upgrade', '--emit-sql', file, '--orphan-sessions=placeholder', '--reversed-dates=swap']);
    expect(emitted.code).toBe(0);
    await withClient(url, (client) => client.query(fs.readFileSync(file, 'utf8')));
    const verify = await runCli(['db', 'verify', '--database-url', url]);
    expect(verify.stdout).toContain('verify: passed');
    expect(verify.code).toBe(0);
    expect(await logicalCounts(url)).toEqual({ ...expected, formations: expected.formations + 2 });
  });
});
