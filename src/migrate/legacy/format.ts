/** Human-readable lines for the legacy-upgrade reports, shared by the CLI commands. */
import type { Blocker } from './preflight';
import type { VerifyReport } from './verify';

export function formatBlockers(blockers: Blocker[]): string[] {
  if (blockers.length === 0) return ['blockers: none'];
  const lines = [`blockers (${blockers.length}):`];
  for (const blocker of blockers) {
    lines.push(`  - ${blocker.title} [${blocker.id}]`);
    lines.push(`      sample: ${blocker.sample.join(', ')}`);
    lines.push(`      remedy: ${blocker.remedy}${blocker.flag ? ` (${blocker.flag}${blocker.resolved ? ', given' : ''})` : ''}`);
  }
  return lines;
}

export function formatVerify(report: VerifyReport): string[] {
  const lines: string[] = [];
  for (const check of report.checks) {
    lines.push(`${check.ok ? 'ok  ' : 'FAIL'}  ${check.name}`);
    for (const detail of check.details) lines.push(`        ${detail}`);
  }
  if (report.extras.length > 0) {
    lines.push('extras (kept, not a failure):');
    for (const extra of report.extras) lines.push(`        ${extra}`);
  }
  lines.push(report.ok ? 'verify: passed' : 'verify: FAILED');
  return lines;
}
