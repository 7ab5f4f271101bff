/**
 * What `bench/upgrade` measures around one `runUpgrade`: phase times, lock times and the CPU
 * the machine spent on each phase. Shared by the plain benchmark (`run.ts`) and its traffic
 * mode (`traffic.ts`).
 */
import fs from 'node:fs';
import { connect } from '../../src/db/connect';
import { runUpgrade } from '../../src/migrate/legacy/upgrade';

export type Run = Record<string, number>;

export function median(values: number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/**
 * Seconds the machine's CPUs spent busy so far (all cores, from /proc/stat; Linux), or null.
 * The benchmark runs alone on the machine, so the difference over a phase is the CPU time the
 * server and the upgrade spent on it.
 */
export function cpuBusySeconds(): number | null {
  try {
    const fields = fs.readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!.trim().split(/\s+/).slice(1).map(Number);
    const [user, nice, system, , , irq, softirq, steal] = fields;
    return ((user ?? 0) + (nice ?? 0) + (system ?? 0) + (irq ?? 0) + (softirq ?? 0) + (steal ?? 0)) / 100;
  } catch {
    return null;
  }
}

/**
 * Upgrades the database at `url` as `eduzen db upgrade --yes` does (orphan sessions get a
 * placeholder, reversed dates are swapped) and returns its measures. `onLog` sees every line of
 * the upgrade's log as it is written.
 */
export async function upgradeOnce(url: string, onLog?: (line: string) => void): Promise<Run> {
  const handle = await connect({ engine: 'postgres', databaseUrl: url, poolSize: 4 });
  // CPU time per phase: sampled when a phase starts (its first log line) and when it is done.
  const cpu: Record<string, number> = {};
  let mark = cpuBusySeconds();
  const sample = (phase: string) => {
    const now = cpuBusySeconds();
    if (now !== null && mark !== null) cpu[phase] = (cpu[phase] ?? 0) + (now - mark);
    mark = now;
  };
  try {
    const result = await runUpgrade(handle, {
      remedies: { orphanSessions: 'placeholder', reversedDates: 'swap' },
      progressStream: { isTTY: false, write: () => true } as unknown as NodeJS.WritableStream,
      log: (line) => {
        onLog?.(line);
        const match = /^([a-z]+): (done in )?/.exec(line);
        // Until the first phase starts, the CPU went to detection and preflight.
        if (match) sample(match[2] ? match[1]! : Object.keys(cpu).length === 0 ? 'preflight' : 'between');
      },
    });
    if (result.outcome !== 'upgraded') throw new Error(`unexpected outcome ${result.outcome}`);
    const run: Run = { preflight: result.preflightMs, total: result.report.totalMs + result.preflightMs, longestLock: result.report.longestLockMs };
    for (const phase of result.report.phases) {
      run[phase.phase] = (run[phase.phase] ?? 0) + phase.ms;
      if (phase.lockTotalMs > 0) run[`${phase.phase}Lock`] = phase.lockTotalMs;
    }
    run.exclusiveTotal = result.report.phases.reduce((sum, phase) => sum + phase.lockTotalMs, 0);
    for (const [phase, seconds] of Object.entries(cpu)) run[`${phase}Cpu`] = seconds * 1000;
    run.totalCpu = Object.values(cpu).reduce((sum, seconds) => sum + seconds * 1000, 0);
    return run;
  } finally {
    await handle.close();
  }
}
