/**
 * "Build the dashboard when it is missing or stale": a hash of everything that goes into the
 * bundle (src/web, the shared zod schemas, the Vite config, the lockfile) is stored next to the
 * build in dist/web/.build-hash; when it differs, Vite's build() runs again. `npm start` and the
 * browser tests call it; a fresh build is a no-op.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const DASHBOARD_DIR = path.join(PROJECT_ROOT, 'dist/web');
const HASH_FILE = path.join(DASHBOARD_DIR, '.build-hash');

async function listFiles(directory: string, keep: (file: string) => boolean): Promise<string[]> {
  if (!existsSync(directory)) return [];
  const entries = await readdir(directory, { withFileTypes: true, recursive: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => path.join(entry.parentPath, entry.name))
    .filter(keep);
}

/** The hash of the dashboard's inputs. */
export async function dashboardSourceHash(): Promise<string> {
  const files = [
    ...(await listFiles(path.join(PROJECT_ROOT, 'src/web'), () => true)),
    ...(await listFiles(path.join(PROJECT_ROOT, 'src/shared'), (file) => file.endsWith('.ts') && !file.endsWith('.test.ts'))),
    ...(await listFiles(path.join(PROJECT_ROOT, 'src/features'), (file) => file.endsWith('.schemas.ts'))),
    path.join(PROJECT_ROOT, 'vite.config.ts'),
    path.join(PROJECT_ROOT, 'package-lock.json'),
  ].filter((file) => existsSync(file)).sort();
  const hash = createHash('sha256');
  for (const file of files) {
    hash.update(path.relative(PROJECT_ROOT, file));
    hash.update('\0');
    hash.update(await readFile(file));
    hash.update('\0');
  }
  return hash.digest('hex');
}

export type DashboardBuildResult = { built: boolean; hash: string; milliseconds: number };

async function readStoredHash(): Promise<string | undefined> {
  if (!existsSync(HASH_FILE) || !existsSync(path.join(DASHBOARD_DIR, 'index.html'))) return undefined;
  return (await readFile(HASH_FILE, 'utf8')).trim();
}

const LOCK_DIR = path.join(PROJECT_ROOT, 'dist/.web-build.lock');
const STALE_LOCK_MS = 5 * 60_000;

/** One build at a time across processes (parallel test files, a second `npm start`). */
async function withBuildLock<T>(work: () => Promise<T>): Promise<T> {
  await mkdir(path.dirname(LOCK_DIR), { recursive: true });
  for (;;) {
    try {
      await mkdir(LOCK_DIR);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const age = Date.now() - (await stat(LOCK_DIR).catch(() => ({ mtimeMs: Date.now() }))).mtimeMs;
      if (age > STALE_LOCK_MS) await rm(LOCK_DIR, { recursive: true, force: true });
      else await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
  try {
    return await work();
  } finally {
    await rm(LOCK_DIR, { recursive: true, force: true });
  }
}

/** Builds dist/web with Vite unless it is already built from the current sources. */
export async function ensureDashboardBuilt(options: { log?: (line: string) => void; force?: boolean } = {}): Promise<DashboardBuildResult> {
  const log = options.log ?? (() => {});
  const started = performance.now();
  const hash = await dashboardSourceHash();
  if (!options.force && (await readStoredHash()) === hash) return { built: false, hash, milliseconds: performance.now() - started };
  return withBuildLock(async () => {
    const stored = await readStoredHash();
    // Another process may have built it while this one waited for the lock.
    if (!options.force && stored === hash) return { built: false, hash, milliseconds: performance.now() - started };
    log(stored ? 'dashboard: sources changed, rebuilding…' : 'dashboard: no build yet, building…');
    const { build } = await import('vite');
    // Built beside the live copy, then swapped in, so a running server never sees half a build.
    const staging = `${DASHBOARD_DIR}.staging-${process.pid}`;
    // Vite takes process.env.NODE_ENV for the bundle: under Vitest it is 'test', which would ship
    // React's development build. The dashboard is always built for production.
    const nodeEnv = process.env.NODE_ENV;
    process.env.NODE_ENV = 'production';
    try {
      await build({
        configFile: path.join(PROJECT_ROOT, 'vite.config.ts'),
        logLevel: 'warn',
        mode: 'production',
        build: { outDir: staging, emptyOutDir: true },
      });
    } finally {
      if (nodeEnv === undefined) delete process.env.NODE_ENV;
      else process.env.NODE_ENV = nodeEnv;
    }
    await writeFile(path.join(staging, '.build-hash'), `${hash}\n`);
    const previous = `${DASHBOARD_DIR}.previous-${process.pid}`;
    if (existsSync(DASHBOARD_DIR)) await rename(DASHBOARD_DIR, previous);
    await rename(staging, DASHBOARD_DIR);
    await rm(previous, { recursive: true, force: true });
    const milliseconds = performance.now() - started;
    log(`dashboard: built into ${path.relative(PROJECT_ROOT, DASHBOARD_DIR)} in ${(milliseconds / 1000).toFixed(1)} s`);
    return { built: true, hash, milliseconds };
  });
}

/** `npm run build:web`: always rebuilds. */
async function main(): Promise<void> {
  await ensureDashboardBuilt({ force: process.argv.includes('--force'), log: (line) => console.log(line) });
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
