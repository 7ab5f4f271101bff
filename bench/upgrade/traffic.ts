/**
 * Traffic mode of `bench/upgrade` (`TRAFFIC=4 npm run bench:upgrade`): the upgrade runs while
 * `TRAFFIC` clients (`traffic-clients.ts`, a process of their own) read and update random
 * enrollments and sessions `RATE` times a second each; on a second clone of the same database,
 * in the same round, the upgrade runs with no traffic, for comparison. Rounds alternate which
 * of the two goes first. After each upgrade, `eduzen db verify` (the CLI, as an operator runs
 * it) on that database.
 *
 * Reported per round and as medians: client errors by SQLSTATE and message, acknowledged
 * writes lost (the last acknowledged marker of each written row against the row's value once
 * the upgrade is done), the longest wait and the p50/p99 of the clients' statements while the
 * upgrade ran, the upgrade's total with and without traffic, and verify's outcome. Every
 * statement's record, the upgrade's log with times, and verify's output go to
 * `/tmp/eduzen-bench-traffic-<size>-<round>.json`.
 */
import { type ChildProcess, fork, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import pg from 'pg';
import type { PostgresServer } from '../../tests/support/postgres-server';
import { type LegacySize, buildLegacyDatabase, cloneDatabase } from '../../tests/support/legacy/builder';
import { type Run, median, upgradeOnce } from './measure';
import type { StatementRecord, TrafficConfig, TrafficResult } from './traffic-clients';

/** Traffic before the upgrade starts (the clients' latency on an idle legacy database) and after it ends. */
const WARM_UP_MS = 3000;
const COOL_DOWN_MS = 1000;

type LogLine = { at: number; line: string };

type TrafficRound = {
  traffic: Run;
  quiet: Run;
  /** Statements that started while the upgrade ran. */
  during: StatementRecord[];
  before: StatementRecord[];
  errors: Map<string, number>;
  switches: number;
  lost: number;
  ambiguous: number;
  missing: number;
  written: number;
  iterationsPerClientSecond: number;
  longest: StatementRecord;
  longestPhase: string;
  slowByPhase: Map<string, { over100: number; over200: number; longest: number }>;
  verify: { code: number; failures: string[] };
  quietVerify: { code: number; failures: string[] };
};

function now(): number {
  return performance.timeOrigin + performance.now();
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/** The phase the upgrade was in at `at`, from its log: the last phase line before it. */
function phaseAt(log: LogLine[], at: number, start: number, end: number): string {
  if (at < start) return 'before the upgrade';
  if (at >= end) return 'after the upgrade';
  let phase = 'preflight';
  for (const entry of log) {
    if (entry.at > at) break;
    const match = /^([a-z]+): (done in )?/.exec(entry.line);
    if (match) phase = match[2] ? `after ${match[1]}` : match[1]!;
  }
  return phase;
}

/** An error's message with its row-specific parts (ids, markers) taken out, for grouping. */
function errorKey(record: StatementRecord): string {
  const message = (record.message ?? '').replace(/[0-9a-f]{8}-[0-9a-f-]{27}/g, '…').replace(/traffic:[^ "]+/g, '…');
  return `${record.code} ${record.kind}: ${message}`;
}

function waitFor(child: ChildProcess, type: string): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const onMessage = (message: Record<string, unknown>) => {
      if (message.type === type) {
        child.off('message', onMessage);
        resolve(message);
      } else if (message.type === 'failed') reject(new Error(`traffic clients failed: ${message.message}`));
    };
    child.on('message', onMessage);
    child.once('exit', (code) => reject(new Error(`traffic clients exited (${code}) before ${type}`)));
  });
}

/** `eduzen db verify` on the database, as an operator runs it: its exit code and its failed checks. */
function runVerify(url: string): Promise<{ code: number; output: string; failures: string[] }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['bin/eduzen.js', 'db', 'verify', '--database-url', url], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.on('error', reject);
    child.on('exit', (code) => {
      const lines = output.split('\n');
      // Each failed check with its detail lines (indented under it).
      const failures: string[] = [];
      let inFailure = false;
      for (const line of lines) {
        if (line.startsWith('FAIL')) inFailure = true;
        else if (!line.startsWith(' ')) inFailure = false;
        if (inFailure || line.startsWith('verify:')) failures.push(line.trim());
      }
      resolve({ code: code ?? -1, output, failures });
    });
  });
}

async function dropDatabase(server: PostgresServer, url: string): Promise<void> {
  const client = new pg.Client({ connectionString: server.url });
  await client.connect();
  try {
    await client.query(`drop database if exists "${new URL(url).pathname.slice(1)}" with (force)`);
  } finally {
    await client.end();
  }
}

async function upgradeUnderTraffic(url: string, clients: number, rate: number, file: string): Promise<Omit<TrafficRound, 'quiet' | 'quietVerify'>> {
  const child = fork(new URL('./traffic-clients.ts', import.meta.url).pathname, [], { execArgv: ['--import', 'tsx'], serialization: 'advanced' });
  try {
    const ready = waitFor(child, 'ready');
    child.send({ type: 'config', config: { url, clients, rate, tag: randomUUID().slice(0, 8) } satisfies TrafficConfig });
    const counts = await ready;
    process.stderr.write(`  traffic: ${clients} clients on ${counts.enrollments} enrollments and ${counts.sessions} sessions\n`);
    const trafficStart = now();
    child.send({ type: 'start' });
    await sleep(WARM_UP_MS);
    const log: LogLine[] = [];
    const start = now();
    const traffic = await upgradeOnce(url, (line) => log.push({ at: now(), line }));
    const end = now();
    await sleep(COOL_DOWN_MS);
    const done = waitFor(child, 'done');
    child.send({ type: 'stop' });
    const { result } = (await done) as unknown as { result: TrafficResult };
    const trafficEnd = now();
    const verify = await runVerify(url);
    fs.writeFileSync(file, JSON.stringify({ start, end, log, result, verify, traffic }));

    const records = result.records;
    const during = records.filter((record) => record.at >= start && record.at < end);
    const errors = new Map<string, number>();
    for (const record of records.filter((entry) => !entry.ok)) errors.set(errorKey(record), (errors.get(errorKey(record)) ?? 0) + 1);
    const longest = records.reduce((a, b) => (b.ms > a.ms ? b : a));
    const slowByPhase = new Map<string, { over100: number; over200: number; longest: number }>();
    for (const record of records) {
      const phase = phaseAt(log, record.at, start, end);
      const entry = slowByPhase.get(phase) ?? { over100: 0, over200: 0, longest: 0 };
      if (record.ms > 100) entry.over100 += 1;
      if (record.ms > 200) entry.over200 += 1;
      entry.longest = Math.max(entry.longest, record.ms);
      slowByPhase.set(phase, entry);
    }
    const sum = (key: 'lost' | 'ambiguous' | 'missing' | 'written') => result.checks.reduce((total, check) => total + check[key], 0);
    for (const check of result.checks) if (check.samples.length > 0) process.stderr.write(`  ${check.table}: ${check.samples.join('; ')}\n`);
    return {
      traffic,
      during,
      before: records.filter((record) => record.at < start),
      errors,
      switches: records.filter((record) => record.switched && record.ok).length,
      lost: sum('lost'),
      ambiguous: sum('ambiguous'),
      missing: sum('missing'),
      written: sum('written'),
      iterationsPerClientSecond: result.iterations / clients / ((trafficEnd - trafficStart) / 1000),
      longest,
      longestPhase: phaseAt(log, longest.at, start, end),
      slowByPhase,
      verify,
    };
  } finally {
    if (child.connected) child.disconnect();
    if (child.exitCode === null) child.kill();
  }
}

export async function runTrafficBenchmark(
  server: PostgresServer,
  options: { sizes: { name: string; size: LegacySize }[]; repeat: number; clients: number; rate: number },
): Promise<string> {
  const out: string[] = [];
  const fmt = (ms: number) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(1)} ms`);
  for (const { name, size } of options.sizes) {
    const template = await server.createDatabase(`legacy_${name}`);
    const built = performance.now();
    await buildLegacyDatabase(template, { size });
    process.stderr.write(`${name}: built in ${Math.round(performance.now() - built)} ms\n`);
    const rounds: TrafficRound[] = [];
    for (let round = 0; round < options.repeat; round += 1) {
      const trafficUrl = await cloneDatabase(template, `t_${randomUUID().slice(0, 8)}`);
      const quietUrl = await cloneDatabase(template, `q_${randomUUID().slice(0, 8)}`);
      const file = `/tmp/eduzen-bench-traffic-${name}-${round + 1}.json`;
      const quietOnce = async () => {
        const run = await upgradeOnce(quietUrl);
        return { run, verify: await runVerify(quietUrl) };
      };
      // Alternate which upgrade goes first, so that the machine's drift does not favour one.
      let quiet: Awaited<ReturnType<typeof quietOnce>>;
      let loaded: Awaited<ReturnType<typeof upgradeUnderTraffic>>;
      if (round % 2 === 0) {
        loaded = await upgradeUnderTraffic(trafficUrl, options.clients, options.rate, file);
        quiet = await quietOnce();
      } else {
        quiet = await quietOnce();
        loaded = await upgradeUnderTraffic(trafficUrl, options.clients, options.rate, file);
      }
      const entry: TrafficRound = { ...loaded, quiet: quiet.run, quietVerify: quiet.verify };
      rounds.push(entry);
      await dropDatabase(server, trafficUrl);
      await dropDatabase(server, quietUrl);
      const errorCount = [...entry.errors.values()].reduce((a, b) => a + b, 0);
      process.stderr.write(
        `${name} round ${round + 1}: upgrade ${fmt((entry.traffic.total ?? 0))} under traffic, ${fmt((entry.quiet.total ?? 0))} without; ` +
          `${entry.during.length} statements during it, errors ${errorCount}, lost ${entry.lost}, longest ${fmt(entry.longest.ms)} (${entry.longest.kind}, ${entry.longestPhase}), ` +
          `p99 ${fmt(percentile(entry.during.map((r) => r.ms), 99))}, verify exit ${entry.verify.code}; quiet verify exit ${entry.quietVerify.code}\n`,
      );
      for (const [key, count] of entry.errors) process.stderr.write(`  error ×${count}: ${key}\n`);
      for (const line of entry.verify.failures) process.stderr.write(`  verify: ${line}\n`);
    }

    const med = (value: (round: TrafficRound) => number) => median(rounds.map(value));
    const errorTotal = (round: TrafficRound) => [...round.errors.values()].reduce((a, b) => a + b, 0);
    const per = (value: (round: TrafficRound) => string) => rounds.map(value).join('; ');
    out.push(
      `### ${name} (${size.sessions / 1000}k sessions), ${options.clients} clients at ${options.rate}/s, ${rounds.length} rounds`,
      '',
      `| measure | median | rounds |`,
      `|---|---:|---|`,
      `| client errors (failed statements) | ${med(errorTotal)} | ${per((r) => String(errorTotal(r)))} |`,
      `| acknowledged writes lost | ${med((r) => r.lost)} | ${per((r) => String(r.lost))} |`,
      `| writes in doubt (no answer; the row holds that marker) | ${med((r) => r.ambiguous)} | ${per((r) => String(r.ambiguous))} |`,
      `| rows written (each checked) | ${med((r) => r.written)} | ${per((r) => String(r.written))} |`,
      `| table switches after 42P01, write kept (not errors) | ${med((r) => r.switches)} | ${per((r) => String(r.switches))} |`,
      `| statements while the upgrade ran | ${med((r) => r.during.length)} | ${per((r) => String(r.during.length))} |`,
      `| iterations a second per client (target ${options.rate}) | ${med((r) => r.iterationsPerClientSecond).toFixed(1)} | ${per((r) => r.iterationsPerClientSecond.toFixed(1))} |`,
      `| **longest wait** (any statement) | **${fmt(med((r) => r.longest.ms))}** | ${per((r) => `${fmt(r.longest.ms)} (${r.longest.kind}, ${r.longestPhase})`)} |`,
      `| p99 of statements during the upgrade | ${fmt(med((r) => percentile(r.during.map((s) => s.ms), 99)))} | ${per((r) => fmt(percentile(r.during.map((s) => s.ms), 99)))} |`,
      `| p50 of statements during the upgrade | ${fmt(med((r) => percentile(r.during.map((s) => s.ms), 50)))} | ${per((r) => fmt(percentile(r.during.map((s) => s.ms), 50)))} |`,
      `| p99 before the upgrade (idle legacy database) | ${fmt(med((r) => percentile(r.before.map((s) => s.ms), 99)))} | ${per((r) => fmt(percentile(r.before.map((s) => s.ms), 99)))} |`,
      `| **total upgrade under traffic** | **${fmt(med((r) => (r.traffic.total ?? 0)))}** | ${per((r) => fmt((r.traffic.total ?? 0)))} |`,
      `| total upgrade without traffic (same round) | ${fmt(med((r) => (r.quiet.total ?? 0)))} | ${per((r) => fmt((r.quiet.total ?? 0)))} |`,
      `| longest exclusive lock under traffic (without) | ${fmt(med((r) => (r.traffic.longestLock ?? 0)))} (${fmt(med((r) => (r.quiet.longestLock ?? 0)))}) | ${per((r) => `${fmt((r.traffic.longestLock ?? 0))} (${fmt((r.quiet.longestLock ?? 0))})`)} |`,
      `| all exclusive locks under traffic (without) | ${fmt(med((r) => (r.traffic.exclusiveTotal ?? 0)))} (${fmt(med((r) => (r.quiet.exclusiveTotal ?? 0)))}) | ${per((r) => `${fmt((r.traffic.exclusiveTotal ?? 0))} (${fmt((r.quiet.exclusiveTotal ?? 0))})`)} |`,
      `| \`eduzen db verify\` after the upgrade under traffic (exit code) | ${rounds.filter((r) => r.verify.code === 0).length} of ${rounds.length} passed | ${per((r) => String(r.verify.code))} |`,
      `| \`eduzen db verify\` after the upgrade without traffic | ${rounds.filter((r) => r.quietVerify.code === 0).length} of ${rounds.length} passed | ${per((r) => String(r.quietVerify.code))} |`,
      '',
    );
    const phases = ['before the upgrade', 'preflight', 'prepare', 'repair', 'remedies', 'snapshot', 'catalogue', 'backfill', 'indexes', 'retire', 'attach', 'validate', 'functions', 'finalize', 'migrate', 'after the upgrade'];
    const seen = new Set(rounds.flatMap((r) => [...r.slowByPhase.keys()]));
    out.push('Statements over 100 ms / over 200 ms, and the longest, by the phase the upgrade was in when they started (each round):', '', '| phase | rounds |', '|---|---|');
    for (const phase of [...phases, ...[...seen].filter((p) => !phases.includes(p)).sort()]) {
      if (!seen.has(phase)) continue;
      out.push(`| ${phase} | ${per((r) => {
        const entry = r.slowByPhase.get(phase);
        return entry ? `${entry.over100} / ${entry.over200}, ${fmt(entry.longest)}` : '–';
      })} |`);
    }
    out.push('');
    const errorKeys = new Set(rounds.flatMap((r) => [...r.errors.keys()]));
    if (errorKeys.size > 0) {
      out.push('Client errors by SQLSTATE and message (each round):', '');
      for (const key of errorKeys) out.push(`- ${per((r) => String(r.errors.get(key) ?? 0))}: \`${key}\``);
      out.push('');
    }
    const verifyLines = new Set(rounds.flatMap((r) => r.verify.failures));
    out.push('`eduzen db verify` after the upgrade under traffic said (failed checks, all rounds):', '', '```', ...verifyLines, '```', '');
  }
  return `${out.join('\n')}\n`;
}
