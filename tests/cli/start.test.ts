/**
 * `eduzen start` as a user runs it: a child process on a fresh data directory, answering
 * /api/health, printing the demo login once, and keeping its data across a restart.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, expect, it } from 'vitest';

const bin = fileURLToPath(new URL('../../bin/eduzen.js', import.meta.url));
const running: ChildProcess[] = [];

afterEach(() => {
  for (const child of running.splice(0)) child.kill('SIGKILL');
});

async function start(dataDir: string): Promise<{ url: string; output: () => string; stop: () => Promise<number | null> }> {
  const child = spawn(process.execPath, [bin, 'start'], {
    env: { ...process.env, EDUZEN_DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1', EDUZEN_LOG_LEVEL: 'warn', DATABASE_URL: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.push(child);
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setInterval(() => {
      const match = /EDUZEN is ready: (http:\/\/127\.0\.0\.1:\d+)\//.exec(output);
      if (match) {
        clearInterval(timer);
        resolve(match[1]!);
      }
    }, 50);
    child.once('exit', (code) => {
      clearInterval(timer);
      reject(new Error(`eduzen start exited with ${code}:\n${output}`));
    });
  });
  return {
    url,
    output: () => output,
    stop: () => new Promise((resolve) => {
      child.once('exit', (code) => resolve(code));
      child.kill('SIGTERM');
    }),
  };
}

it('starts on a fresh embedded database, seeds the demo once, and keeps its data across restarts', { timeout: 240_000 }, async () => {
  const dataDir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'eduzen-start-')), 'data');
  const first = await start(dataDir);
  const health = await (await fetch(`${first.url}/api/health`)).json();
  expect(health).toEqual({ status: 'ok', database: 'embedded', schemaVersion: expect.stringMatching(/^\d{14}$/) });
  const login = /demo login: (\S+) \/ (\S+)/.exec(first.output());
  expect(login).not.toBeNull();
  const [, email, password] = login!;
  const session = await fetch(`${first.url}/api/auth/login`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password }),
  });
  expect(session.status).toBe(200);
  const token = (await session.json()).access_token;
  const programs = await (await fetch(`${first.url}/api/programs`, { headers: { authorization: `Bearer ${token}` } })).json();
  expect(programs.total).toBe(3);
  expect(await first.stop()).toBe(0);

  const second = await start(dataDir);
  expect(second.output()).not.toMatch(/demo login:/);
  const again = await fetch(`${second.url}/api/auth/login`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password }),
  });
  expect(again.status).toBe(200);
  expect(await second.stop()).toBe(0);
});
