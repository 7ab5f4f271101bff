import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { connect } from '../../src/db/connect';
import { verifyPassword } from '../../src/features/auth';
import { readMigrationFiles } from '../../src/migrate/runner';
import { runCli } from '../support/cli';
import { createServerDatabase } from '../support/engines';

const run = promisify(execFile);
const bin = fileURLToPath(new URL('../../bin/eduzen.js', import.meta.url));

describe('eduzen CLI arguments', () => {
  it('prints usage and exits 2 for an unknown command or option', async () => {
    const unknown = await runCli(['frobnicate']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/unknown command: frobnicate/);
    expect(unknown.stderr).toMatch(/Usage: eduzen <command>/);

    const badOption = await runCli(['db', 'migrate', '--bogus']);
    expect(badOption.code).toBe(2);
    expect(badOption.stderr).toMatch(/Unknown option '--bogus'/);
    expect(badOption.stderr).toMatch(/Usage: eduzen db migrate/);

    const missing = await runCli(['org', 'create', '--name', 'Sans code']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/missing --code/);
  });

  it('reports a wrong DATABASE_URL in one line and exits non-zero', async () => {
    const result = await runCli(['db', 'status'], { env: { DATABASE_URL: 'postgres://nobody:secret@127.0.0.1:1/none' } });
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(/cannot connect to postgres:\/\/nobody:\*\*\*@127\.0\.0\.1:1\/none/);
    expect(result.stderr).not.toContain('secret');

    const malformed = await runCli(['db', 'status'], { env: { DATABASE_URL: 'mysql://x' } });
    expect(malformed.code).toBe(1);
    expect(malformed.stderr).toMatch(/DATABASE_URL: must be a postgres:\/\/ or postgresql:\/\/ URL/);
  });

  it('reports an unusable data directory in one line and exits non-zero', async () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'eduzen-')), 'not-a-dir');
    fs.writeFileSync(file, 'x');
    const result = await runCli(['db', 'status', '--data-dir', file]);
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(/data directory .*not-a-dir is not usable/);
  });

  it('the installed bin runs and exits with the command’s code', async () => {
    const help = await run(process.execPath, [bin, '--help']);
    expect(help.stdout).toMatch(/eduzen db migrate/);
    const failure = await run(process.execPath, [bin, 'nope']).catch((error: { code: number; stderr: string }) => error);
    expect(failure).toMatchObject({ code: 2 });
  });
});

describe('eduzen CLI on a server database', () => {
  it('migrates, reports status, creates an organisation and a user, and seeds the demo idempotently', async () => {
    const url = await createServerDatabase();
    const env = { DATABASE_URL: url };

    const migrated = await runCli(['db', 'migrate'], { env });
    expect(migrated.code).toBe(0);
    const fileCount = readMigrationFiles().length;
    expect(migrated.stdout).toContain(`applied ${fileCount} migration(s)`);

    const status = await runCli(['db', 'status'], { env });
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(/engine: postgres/);
    expect(status.stdout).toContain(`applied migrations (${fileCount}):\n  20251201000000  auth_shim`);
    expect(status.stdout).toMatch(/pending migrations \(0\)/);

    const json = JSON.parse((await runCli(['db', 'status', '--json'], { env })).stdout);
    expect(json.engine).toBe('postgres');
    expect(json.applied).toHaveLength(fileCount);

    const org = await runCli(['org', 'create', '--code', 'CFA-NORD', '--name', 'CFA du Nord'], { env });
    expect(org.code).toBe(0);
    expect(org.stdout).toMatch(/created organisation CFA-NORD/);
    expect((await runCli(['org', 'create', '--code', 'CFA-NORD', '--name', 'Encore'], { env })).code).toBe(1);
    expect((await runCli(['org', 'create', '--code', 'x', '--name', 'Trop court'], { env })).code).toBe(2);

    const user = await runCli(['user', 'create', '--org', 'CFA-NORD', '--email', 'Direction@CFA-Nord.fr', '--role', 'admin'], {
      env, stdin: 'un mot de passe solide\n',
    });
    expect(user.code).toBe(0);
    expect(user.stdout).toMatch(/created admin direction@cfa-nord\.fr in CFA-NORD/);
    const shortPassword = await runCli(['user', 'create', '--org', 'CFA-NORD', '--email', 'b@cfa-nord.fr', '--role', 'admin'], { env, stdin: 'court\n' });
    expect(shortPassword.code).toBe(2);
    const badRole = await runCli(['user', 'create', '--org', 'CFA-NORD', '--email', 'c@cfa-nord.fr', '--role', 'root'], { env, stdin: 'un mot de passe solide\n' });
    expect(badRole.code).toBe(2);
    const duplicate = await runCli(['user', 'create', '--org', 'CFA-NORD', '--email', 'direction@cfa-nord.fr', '--role', 'admin'], { env, stdin: 'un mot de passe solide\n' });
    expect(duplicate.code).toBe(1);

    const handle = await connect({ engine: 'postgres', databaseUrl: url });
    try {
      const account = await handle.db.selectFrom('auth.users').select('encrypted_password').where('email', '=', 'direction@cfa-nord.fr').executeTakeFirstOrThrow();
      expect(account.encrypted_password).toMatch(/^\$argon2id\$/);
      expect(await verifyPassword(account.encrypted_password!, 'un mot de passe solide')).toBe(true);
    } finally {
      await handle.close();
    }

    const reset = await runCli(['user', 'password', '--email', 'direction@cfa-nord.fr'], { env, stdin: 'un autre mot de passe\n' });
    expect(reset.code).toBe(0);
    const nobody = await runCli(['user', 'password', '--email', 'personne@cfa-nord.fr'], { env, stdin: 'un autre mot de passe\n' });
    expect(nobody.code).toBe(1);
    const resetHandle = await connect({ engine: 'postgres', databaseUrl: url });
    try {
      const account = await resetHandle.db.selectFrom('auth.users').select('encrypted_password').where('email', '=', 'direction@cfa-nord.fr').executeTakeFirstOrThrow();
      expect(await verifyPassword(account.encrypted_password!, 'un autre mot de passe')).toBe(true);
    } finally {
      await resetHandle.close();
    }

    const seeded = await runCli(['seed', '--demo'], { env });
    expect(seeded.code).toBe(0);
    expect(seeded.stdout).toMatch(/demo data created: 3 programs, 8 formations, 20 sessions, \d+ slots, 60 students/);
    expect(seeded.stdout).toMatch(/demo login: admin@lumiere-formation\.fr \/ \S+/);
    const again = await runCli(['seed', '--demo'], { env });
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/already there/);
    expect((await runCli(['seed'], { env })).code).toBe(2);
  });
});
