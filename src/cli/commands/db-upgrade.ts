import fs from 'node:fs';
import { checkpointHook } from '../../migrate/legacy/checkpoints';
import { emitUpgradeSql } from '../../migrate/legacy/emit-sql';
import { buildPlan } from '../../migrate/legacy/plan';
import type { Remedies } from '../../migrate/legacy/preflight';
import { describeRenames } from '../../migrate/legacy/target-sql';
import { listUnknowns } from '../../migrate/legacy/report';
import { runUpgrade } from '../../migrate/legacy/upgrade';
import { backupDatabase } from '../../migrate/backup';
import { type Command, type CommandContext, DATABASE_OPTIONS, DATABASE_USAGE, UsageError, stringOption } from '../command';
import { withDatabase } from '../database';
import readline from 'node:readline';
import { detectState } from '../../migrate/legacy/detect';
import { formatBlockers } from '../../migrate/legacy/format';
import { runRollbackCommand } from './db-upgrade-rollback';
import { SET_ASIDE_FLAG } from '../../migrate/legacy/unplaced';
import { LEGACY_VALUES_FLAG } from '../../migrate/legacy/value-maps';

export const dbUpgradeCommand: Command = {
  path: ['db', 'upgrade'],
  summary: 'upgrade a legacy EDUZEN database (programs → formations, program_sessions → sessions) in place',
  usage: `Usage: eduzen db upgrade [options]

Brings a legacy database to the product schema: renames in place, batched backfills, indexes
built CONCURRENTLY, constraints validated without blocking traffic. A no-op on an upgraded
database; resumes where it stopped after an interruption.

Options:
${DATABASE_USAGE}
  --dry-run                       print the ordered plan with its SQL, change nothing
  --yes                           do not ask for confirmation (required when stdin is not a terminal)
  --no-backup                     skip the backup taken before any change
  --backup-file FILE              where to write that backup (default .eduzen/backups/…)
  --orphan-sessions=placeholder   file sessions without a programme under "Sessions sans formation"
  --reversed-dates=swap           swap the dates of sessions that end before they start
  --default-organization=CODE     organisation of orphan sessions nothing else places
  --legacy-values=map             map legacy values EDUZEN does not have (super_admin → admin, unknown
                                  roles → inactive staff, learners' logins → portal accounts…; the list
                                  is in db status), each original kept in the upgrade log; taken by --yes
  --unplaced-sessions=set-aside   set sessions whose organisation nothing tells aside, whole, in the table
                                  unplaced_sessions (eduzen unplaced-sessions restores one later); taken
                                  by --yes when neither this nor --default-organization is given
  --lock-timeout MS               longest wait for an exclusive lock before retrying (default 500)
  --batch-size N                  rows per backfill batch, as heap pages (default 50000)
  --emit-sql FILE                 write the upgrade as one idempotent SQL script (- for stdout) and exit
  --rollback                      return a partial upgrade (stopped before the end of its finalize phase)
                                  to the exact legacy state; with --dry-run, print its plan; with
                                  --emit-sql FILE, write it as one script; refused once upgraded
                                  (restore the backup instead: eduzen db restore)

Server only: CONCURRENTLY and the lock timeouts matter with other connections; on the embedded
database indexes are built plainly. EDUZEN_UPGRADE_PAUSE_AT=<checkpoint> stops at a checkpoint
(fault-injection drills, see src/migrate/legacy/README.md).`,
  options: {
    ...DATABASE_OPTIONS,
    'dry-run': { type: 'boolean' },
    yes: { type: 'boolean' },
    'no-backup': { type: 'boolean' },
    'backup-file': { type: 'string' },
    'orphan-sessions': { type: 'string' },
    'reversed-dates': { type: 'string' },
    'default-organization': { type: 'string' },
    'unplaced-sessions': { type: 'string' },
    'legacy-values': { type: 'string' },
    'lock-timeout': { type: 'string' },
    'batch-size': { type: 'string' },
    'emit-sql': { type: 'string' },
    rollback: { type: 'boolean' },
  },
  async run(context) {
    const lockTimeoutMs = positiveInteger(context, 'lock-timeout') ?? 500;
    if (context.values.rollback === true) return runRollbackCommand(context, lockTimeoutMs);
    const remedies = parseRemedies(context);
    // Setting aside guesses nothing and loses nothing: the safe default that --yes takes, said aloud.
    const setAsideByDefault = context.values.yes === true && remedies.unplacedSessions === undefined && remedies.defaultOrganization === undefined;
    if (setAsideByDefault) remedies.unplacedSessions = 'set-aside';
    const mapByDefault = context.values.yes === true && remedies.legacyValues === undefined;
    if (mapByDefault) remedies.legacyValues = 'map';
    const batchSize = positiveInteger(context, 'batch-size') ?? 50_000;
    const out = (line: string) => context.stdout.write(`${line}\n`);
    const emitTo = stringOption(context, 'emit-sql');
    if (emitTo !== undefined) {
      const script = emitUpgradeSql(remedies);
      if (emitTo === '-') context.stdout.write(script);
      else {
        fs.writeFileSync(emitTo, script);
        out(`wrote the upgrade script to ${emitTo} (${script.length} characters); run it in the SQL editor, then eduzen db verify`);
      }
      return 0;
    }
    return withDatabase(context, async (handle, config) => {
      out(`upgrading the ${handle.engine} database at ${handle.location}`);
      const dryRun = context.values['dry-run'] === true;
      const checkpoint = checkpointHook(context.env, context.stderr);
      const result = await runUpgrade(handle, {
        remedies,
        lockTimeoutMs,
        batchSize,
        checkpoint,
        log: out,
        progressStream: context.stderr,
        beforeChanges: async (plan, blockers) => {
          const unplaced = blockers.find((blocker) => blocker.id === 'unplaced-sessions' && blocker.flag === SET_ASIDE_FLAG);
          if (setAsideByDefault && unplaced) {
            out(`--yes without --unplaced-sessions or --default-organization: the safe default ${SET_ASIDE_FLAG} is taken. ${unplaced.count} sessions whose organisation nothing tells are set aside, whole, in the table unplaced_sessions (eduzen unplaced-sessions list shows them; eduzen unplaced-sessions restore files one into an organisation)`);
          }
          const mapped = blockers.filter((blocker) => blocker.flag === LEGACY_VALUES_FLAG);
          if (mapByDefault && mapped.length > 0) {
            out(`--yes without --legacy-values: the safe default ${LEGACY_VALUES_FLAG} is taken (each original value kept in eduzen_upgrade.remedy_log):`);
            for (const blocker of mapped) out(`  ${blocker.title}`);
          }
          const unknowns = await listUnknowns(handle.db, await detectState(handle.db));
          if (unknowns.tables.length + unknowns.columns.length + unknowns.policies.length > 0) {
            out('kept as they are (unknown to EDUZEN):');
            for (const table of unknowns.tables) out(`  table ${table}`);
            for (const column of unknowns.columns) out(`  column ${column}`);
            for (const policy of unknowns.policies) out(`  policy ${policy}`);
          }
          if (dryRun) {
            printPlan(context, plan);
            throw new DryRunDone();
          }
          out(`renames in place: ${describeRenames()}`);
          if (context.values.yes !== true) await confirm(context, `Upgrade ${handle.location} now?`);
          if (context.values['no-backup'] === true) out('backup: skipped (--no-backup)');
          else {
            const backup = await backupDatabase(handle, { databaseUrl: config.databaseUrl, file: stringOption(context, 'backup-file'), env: context.env });
            out(`backup: ${backup.method} (${backup.reason}) → ${backup.file}, ${backup.bytes} bytes in ${Math.round(backup.ms)} ms`);
          }
          await checkpoint('after:backup');
        },
      }).catch((error) => {
        if (error instanceof DryRunDone) return { outcome: 'dry-run' as const };
        throw error;
      });
      switch (result.outcome) {
        case 'dry-run':
          return 0;
        case 'already-upgraded':
          out(result.applied.length > 0
            ? `the database was already upgraded: applied ${result.applied.length} later migration(s)`
            : 'the database is already upgraded: nothing to do');
          return 0;
        case 'fresh':
          out(`the database was empty: applied ${result.applied.length} migration(s) instead`);
          return 0;
        case 'blocked':
          for (const line of formatBlockers(result.blockers)) out(line);
          out('upgrade stopped before changing anything: give the remedy flags above, or correct the rows by hand');
          return 1;
        case 'upgraded':
          out(`upgraded in ${Math.round(result.report.totalMs)} ms; longest exclusive lock ${result.report.longestLockMs.toFixed(1)} ms`);
          out('next: eduzen db verify, then eduzen db cleanup');
          return 0;
      }
    });
  },
};

class DryRunDone extends Error {}

function printPlan(context: CommandContext, plan: ReturnType<typeof buildPlan>): void {
  const out = (line: string) => context.stdout.write(`${line}\n`);
  out('plan (nothing has been changed):');
  for (const [index, step] of plan.entries()) {
    out(`\n-- ${index + 1}. ${step.phase}: ${step.summary}`);
    if (step.kind === 'transaction' || step.kind === 'validate') for (const statement of step.statements) out(`${statement};`);
    if (step.kind === 'backfill') out(`-- in ranges of heap pages of about --batch-size rows (ctid), on two connections:\n${(describeBackfill(step))};`);
    if (step.kind === 'index') out(`${step.index.definition.replace(/^CREATE (UNIQUE )?INDEX /, 'CREATE $1INDEX CONCURRENTLY IF NOT EXISTS ')};`);
    if (step.kind === 'migrate') out('-- eduzen db migrate');
  }
}

function describeBackfill(step: Extract<ReturnType<typeof buildPlan>[number], { kind: 'backfill' }>): string {
  const { backfill } = step;
  return `update public.${backfill.table} t set ${Object.entries(backfill.assignments).map(([column, value]) => `${column} = ${value}`).join(', ')} from ${backfill.from} where ${backfill.where}`;
}

export function parseRemedies(context: CommandContext): Remedies {
  const remedies: Remedies = {};
  const orphans = stringOption(context, 'orphan-sessions');
  if (orphans !== undefined) {
    if (orphans !== 'placeholder') throw new UsageError('--orphan-sessions takes one value: placeholder');
    remedies.orphanSessions = 'placeholder';
  }
  const dates = stringOption(context, 'reversed-dates');
  if (dates !== undefined) {
    if (dates !== 'swap') throw new UsageError('--reversed-dates takes one value: swap');
    remedies.reversedDates = 'swap';
  }
  const unplaced = stringOption(context, 'unplaced-sessions');
  if (unplaced !== undefined) {
    if (unplaced !== 'set-aside') throw new UsageError('--unplaced-sessions takes one value: set-aside');
    remedies.unplacedSessions = 'set-aside';
  }
  const values = stringOption(context, 'legacy-values');
  if (values !== undefined) {
    if (values !== 'map') throw new UsageError('--legacy-values takes one value: map');
    remedies.legacyValues = 'map';
  }
  const organisation = stringOption(context, 'default-organization');
  if (organisation !== undefined) remedies.defaultOrganization = organisation;
  return remedies;
}

function positiveInteger(context: CommandContext, name: string): number | undefined {
  const value = stringOption(context, name);
  if (value === undefined) return undefined;
  const number = Number(value);
  if (!Number.isInteger(number) || number <= 0) throw new UsageError(`--${name} must be a positive integer`);
  return number;
}

/** Asks on a terminal; refuses without --yes when stdin is not one. */
export async function confirm(context: CommandContext, question: string): Promise<void> {
  if (!context.stdin.isTTY) throw new UsageError('stdin is not a terminal: pass --yes to confirm');
  const rl = readline.createInterface({ input: context.stdin, output: context.stderr });
  const answer = await new Promise<string>((resolve) => rl.question(`${question} Type yes to go on: `, resolve));
  rl.close();
  if (answer.trim().toLowerCase() !== 'yes') throw new UsageError('not confirmed: nothing was changed');
}
