/**
 * Time from `eduzen start` to a healthy /api/health answer on the embedded database.
 * cold: a new, empty data directory (migrations + demo seed); warm: the same directory again.
 *
 *   npm run bench:startup [-- --runs 5]
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const bin = fileURLToPath(new URL('../../bin/eduzen.js', import.meta.url));
const { values } = parseArgs({ options: { runs: { type: 'string', default: '5' } } });
const runs = Number(values.runs);

async function timeToHealthy(dataDir: string): Promise<number> {
  const started = performance.now();
  const child = spawn(process.execPath, [bin, 'start'], {
    env: { ...process.env, EDUZEN_DATA_DIR: dataDir, PORT: '0', EDUZEN_LOG_LEVEL: 'warn', DATABASE_URL: '' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  try {
    for (;;) {
      const match = /EDUZEN is ready: (http:\/\/[^/\s]+)\//.exec(output);
      if (match) {
        const response = await fetch(`${match[1]}/api/health`).catch(() => undefined);
        if (response?.ok) return performance.now() - started;
      }
      if (child.exitCode !== null) throw new Error(`eduzen start exited:\n${output}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  } finally {
    await new Promise((resolve) => {
      child.once('exit', resolve);
      child.kill('SIGTERM');
    });
  }
}

function median(samples: number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

const cold: number[] = [];
const warm: number[] = [];
for (let run = 1; run <= runs; run += 1) {
  const dataDir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'eduzen-bench-start-')), 'data');
  cold.push(await timeToHealthy(dataDir));
  warm.push(await timeToHealthy(dataDir));
  process.stderr.write(`run ${run}/${runs}: cold ${cold.at(-1)!.toFixed(0)} ms, warm ${warm.at(-1)!.toFixed(0)} ms\n`);
  fs.rmSync(path.dirname(dataDir), { recursive: true, force: true });
}
console.log(`| start | median (ms) | min | max | runs |`);
console.log(`|---|---|---|---|---|`);
for (const [name, samples] of [['cold (empty data directory: migrate + demo seed)', cold], ['warm (existing data directory)', warm]] as const) {
  console.log(`| ${name} | ${median(samples).toFixed(0)} | ${Math.min(...samples).toFixed(0)} | ${Math.max(...samples).toFixed(0)} | ${samples.length} |`);
}
