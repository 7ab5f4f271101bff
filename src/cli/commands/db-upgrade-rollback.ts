/**
 * `eduzen db upgrade --rollback`: returns a partial upgrade to the legacy state (see
 * src/migrate/legacy/rollback.ts). Refused on an upgraded database (restore the backup instead);
 * nothing to do on a database no upgrade was started on.
 */
import fs from 'node:fs';
import { checkpointHook } from '../../migrate/legacy/checkpoints';
import { emitRollbackSql } from '../../migrate/legacy/emit-rollback-sql';
import { type RollbackReport, previewRollback, runRollback } from '../../migrate/legacy/rollback';
import { type CommandContext, UsageError, stringOption } from '../command';
import { withDatabase } from '../database';
import { confirm } from './db-upgrade';

const UPGRADE_ONLY = ['orphan-sessions', 'reversed-dates', 'default-organization', 'unplaced-sessions', 'legacy-values', 'batch-size', 'no-backup', 'backup-file'];

export async function runRollbackCommand(context: CommandContext, lockTimeoutMs: number): Promise<number> {
  const misplaced = UPGRADE_ONLY.filter((name) => context.values[name] !== undefined);
  if (misplaced.length > 0) throw new UsageError(`--rollback does not take ${misplaced.map((name) => `--${name}`).join(', ')}: the remedies applied are undone from their log`);
  const out = (line: string) => context.stdout.write(`${line}\n`);
  const emitTo = stringOption(context, 'emit-sql');
  if (emitTo !== undefined) {
    const script = emitRollbackSql();
    if (emitTo === '-') context.stdout.write(script);
    else {
      fs.writeFileSync(emitTo, script);
      out(`wrote the rollback script to ${emitTo} (${script.length} characters); run it in the SQL editor, then eduzen db status`);
    }
    return 0;
  }
  return withDatabase(context, async (handle) => {
    out(`rolling back the partial upgrade of the ${handle.engine} database at ${handle.location}`);
    const dryRun = context.values['dry-run'] === true;
    const result = await runRollback(handle, {
      lockTimeoutMs,
      checkpoint: checkpointHook(context.env, context.stderr),
      log: out,
      beforeChanges: async (_plan, detection) => {
        for (const reason of detection.reasons) out(`  ${reason}`);
        if (dryRun) {
          const { preview, kept } = await previewRollback(handle.db);
          out('rollback plan (nothing has been changed), each step as the database is now:');
          for (const [index, { step, statements }] of preview.entries()) {
            out(`\n-- ${index + 1}. ${step.step}: ${step.summary}`);
            for (const statement of statements) out(statement.startsWith('--') ? statement : `${statement};`);
            if (statements.length === 0) out('-- nothing to do');
          }
          printKept(out, kept);
          throw new DryRunDone();
        }
        if (context.values.yes !== true) await confirm(context, `Roll back the partial upgrade of ${handle.location} to its legacy state now?`);
      },
    }).catch((error) => {
      if (error instanceof DryRunDone) return { outcome: 'dry-run' as const };
      throw error;
    });
    switch (result.outcome) {
      case 'dry-run':
        return 0;
      case 'nothing':
        out(result.message);
        return 0;
      case 'refused':
        out(`error: ${result.message}`);
        return 1;
      case 'rolled-back':
        printReport(out, result.report);
        out(`rolled back in ${Math.round(result.totalMs)} ms; longest exclusive lock ${result.longestLockMs.toFixed(1)} ms`);
        out('the schema equals the legacy catalogue recorded before the upgrade changed it; eduzen_upgrade is dropped (eduzen db status: legacy)');
        return 0;
    }
  });
}

class DryRunDone extends Error {}

function printReport(out: (line: string) => void, report: RollbackReport): void {
  if (report.checksums.length === 0) out('checksums: the upgrade stopped before it recorded any (no row of a legacy table had changed)');
  else {
    out('row counts and checksums of the legacy tables against those recorded before the upgrade changed any row:');
    for (const check of report.checksums) {
      const outcome = check.equal ? 'checksum equal' : 'DIFFERS: rows changed since (by users while the upgrade was partial), kept as they are now';
      out(`  ${check.table.padEnd(20)} ${check.rows ?? '?'} rows (${check.expectedRows} in ${check.against}), ${outcome}`);
    }
  }
  for (const [remedy, counts] of Object.entries(report.remedies)) {
    const kept = (counts.logged ?? 0) - (counts.undone ?? 0);
    const formations = counts.formations_logged !== undefined ? `; placeholder formations removed: ${counts.formations_removed}/${counts.formations_logged}` : '';
    out(`remedy ${remedy} undone on ${counts.undone ?? 0}/${counts.logged ?? 0} row(s)${kept > 0 ? ` (${kept} changed since: kept)` : ''}${formations}`);
  }
  printKept(out, report.kept);
}

function printKept(out: (line: string) => void, kept: string[]): void {
  if (kept.length === 0) return;
  out('kept as they are (made since the upgrade began, not by it):');
  for (const line of kept) out(`  ${line}`);
}
