/**
 * Benchmark of `eduzen db upgrade` on the server engine: a legacy database of 100k sessions,
 * 1M enrollments, 1M attendance rows and 500k grades, and one 10× smaller, each upgraded
 * several times (fresh clones), against a copy-based migration of the same data.
 *
 *   npm run bench:upgrade              (REPEAT=3 by default; SIZES=large,small)
 *   TRAFFIC=4 npm run bench:upgrade    (the upgrade under 4 clients' reads and writes; see traffic.ts)
 *
 * The server runs with the test suite's settings (fsync, synchronous_commit and
 * full_page_writes off); DURABILITY=on uses Postgres's durable defaults, as a production
 * server does. STATE=finished upgrades the database the old script leaves when it runs to the
 * end (its copy comparison is left out: the script has already run).
 */
import { randomUUID } from 'node:crypto';
import { connect } from '../../src/db/connect';
import { backupDatabase } from '../../src/migrate/backup';
import { startPostgresServer } from '../../tests/support/postgres-server';
import { type LegacySize, ORPHAN_CHILDREN_AWAY, buildLegacyDatabase, cloneDatabase, oldScriptToTheEnd } from '../../tests/support/legacy/builder';
import { type CopyTiming, runCopyMigration } from './copy-migration';
import { type Run, median, upgradeOnce } from './measure';
import { runTrafficBenchmark } from './traffic';

const SIZES: Record<string, LegacySize> = {
  large: { organizations: 20, sessions: 100_000, enrollmentsPerSession: 10, attendancePerSession: 10, gradesPerSession: 5 },
  small: { organizations: 20, sessions: 10_000, enrollmentsPerSession: 10, attendancePerSession: 10, gradesPerSession: 5 },
};
const REPEAT = Number(process.env.REPEAT ?? 3);
const DURABLE = process.env.DURABILITY === 'on';
const FINISHED = process.env.STATE === 'finished';
const DURABLE_SETTINGS = { fsync: 'on', synchronous_commit: 'on', full_page_writes: 'on' };
const TRAFFIC = Number(process.env.TRAFFIC ?? 0);

async function main(): Promise<void> {
  const server = await startPostgresServer({ settings: DURABLE ? DURABLE_SETTINGS : {} });
  process.stderr.write(`server settings: ${DURABLE ? 'durable (fsync, synchronous_commit, full_page_writes on)' : 'test settings (fsync off)'}\n`);
  if (TRAFFIC > 0) {
    try {
      const sizes = (process.env.SIZES ?? 'large').split(',').map((name) => ({ name, size: SIZES[name]! }));
      process.stdout.write(await runTrafficBenchmark(server, { sizes, repeat: REPEAT, clients: TRAFFIC, rate: Number(process.env.RATE ?? 50) }));
    } finally {
      await server.stop();
    }
    return;
  }
  const results: Record<string, { ours: Run[]; copy: CopyTiming[]; backupMs?: number; buildMs: number }> = {};
  try {
    for (const name of (process.env.SIZES ?? 'large,small').split(',')) {
      const size = SIZES[name]!;
      const template = await server.createDatabase(`legacy_${name}`);
      const built = performance.now();
      // STATE=finished: the database the old script leaves when it runs to the end (no copy-based
      // comparison then: the script has already run).
      await buildLegacyDatabase(template, FINISHED ? { size, extraSql: [...ORPHAN_CHILDREN_AWAY, ...oldScriptToTheEnd()] } : { size });
      const buildMs = performance.now() - built;
      process.stderr.write(`${name}: built in ${Math.round(buildMs)} ms\n`);
      const entry: (typeof results)[string] = { ours: [], copy: [], buildMs };
      for (let round = 0; round < REPEAT; round += 1) {
        const ours = await cloneDatabase(template, `u_${randomUUID().slice(0, 8)}`);
        const copy = FINISHED ? null : await cloneDatabase(template, `c_${randomUUID().slice(0, 8)}`);
        if (round === 0) {
          const handle = await connect({ engine: 'postgres', databaseUrl: ours, poolSize: 1 });
          entry.backupMs = (await backupDatabase(handle, { databaseUrl: ours, file: `/tmp/eduzen-bench-${name}.sql` })).ms;
          await handle.close();
        }
        entry.ours.push(await upgradeOnce(ours));
        if (copy) entry.copy.push(await runCopyMigration(copy));
        const copied = entry.copy.at(-1);
        const copyLine = copy && copied ? ` copy ${Math.round(copied.lockedMs)} ms locked of ${Math.round(copied.totalMs)} ms` : '';
        process.stderr.write(`${name} round ${round + 1}: ours ${JSON.stringify(entry.ours.at(-1), (_k, v) => (typeof v === 'number' ? Math.round(v * 10) / 10 : v))}${copyLine}\n`);
      }
      results[name] = entry;
    }
  } finally {
    await server.stop();
  }
  const fmt = (ms: number) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(1)} ms`);
  const med = (name: string, key: string) => median(results[name]!.ours.map((run) => run[key] ?? 0));
  const names = Object.keys(results);
  const lines = [
    `| measure (median of ${REPEAT}) | ${names.map((name) => `${name} (${SIZES[name]!.sessions / 1000}k sessions)`).join(' | ')} |`,
    `|---|${names.map(() => '---:').join('|')}|`,
  ];
  const row = (label: string, value: (name: string) => string) => lines.push(`| ${label} | ${names.map(value).join(' | ')} |`);
  row('catalogue phase (exclusive lock held)', (name) => fmt(med(name, 'catalogueLock')));
  row('longest exclusive lock (any phase)', (name) => fmt(med(name, 'longestLock')));
  row('all exclusive locks together', (name) => fmt(med(name, 'exclusiveTotal')));
  const copyMed = (name: string, key: keyof CopyTiming) => median(results[name]!.copy.map((copy) => copy[key]));
  if (!FINISHED) {
    row("copy-based migration, the guide's script (total)", (name) => fmt(copyMed(name, 'totalMs')));
    row('copy-based migration, under exclusive lock', (name) => fmt(copyMed(name, 'lockedMs')));
    row('exclusive-lock time, copy ÷ ours', (name) => `${(copyMed(name, 'lockedMs') / med(name, 'exclusiveTotal')).toFixed(1)}×`);
  }
  row('**total upgrade**', (name) => `**${fmt(med(name, 'total'))}**`);
  row('CPU time during the upgrade (both cores together)', (name) => fmt(med(name, 'totalCpu')));
  for (const phase of ['preflight', 'prepare', 'repair', 'remedies', 'snapshot', 'catalogue', 'backfill', 'indexes', 'retire', 'attach', 'validate', 'functions', 'finalize', 'migrate']) {
    row(`  ${phase} (CPU)`, (name) => `${fmt(med(name, phase))} (${fmt(med(name, `${phase}Cpu`))})`);
  }
  row('backup before the upgrade (logical, not in total)', (name) => fmt(results[name]!.backupMs ?? 0));
  if (results.large && results.small) {
    lines.push('', `catalogue phase, large ÷ small: ${(med('large', 'catalogueLock') / med('small', 'catalogueLock')).toFixed(2)}× for 10× the data; total: ${(med('large', 'total') / med('small', 'total')).toFixed(2)}×`);
  }
  process.stdout.write(`${lines.join('\n')}\n`);
}

await main();
