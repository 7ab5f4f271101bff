import { formatBlockers } from '../../migrate/legacy/format';
import { buildLegacyReport } from '../../migrate/legacy/report';
import { migrationStatus } from '../../migrate/runner';
import { type Command, DATABASE_OPTIONS, DATABASE_USAGE } from '../command';
import { withDatabase } from '../database';
import { parseRemedies } from './db-upgrade';

export const dbStatusCommand: Command = {
  path: ['db', 'status'],
  summary: 'show the engine, the migrations, and the legacy-upgrade state with its blockers',
  usage: `Usage: eduzen db status [options]\n\nThe state is legacy, partial (left half-done), upgraded, fresh or unknown (exit 1, with the reasons).\nRemedy flags (--orphan-sessions=placeholder, --reversed-dates=swap, --default-organization=CODE,\n--unplaced-sessions=set-aside, --legacy-values=map) mark the blockers they resolve; each blocker says what its remedy does.\n\nOptions:\n${DATABASE_USAGE}\n  --json               print the report as JSON`,
  options: {
    ...DATABASE_OPTIONS,
    json: { type: 'boolean' },
    'orphan-sessions': { type: 'string' },
    'legacy-values': { type: 'string' },
    'reversed-dates': { type: 'string' },
    'default-organization': { type: 'string' },
    'unplaced-sessions': { type: 'string' },
  },
  async run(context) {
    const remedies = parseRemedies(context);
    return withDatabase(context, async (handle) => {
      const status = await migrationStatus(handle.db);
      const legacy = await buildLegacyReport(handle.db, remedies);
      const failed = status.modified.length > 0 || legacy.state === 'unknown';
      if (context.values.json) {
        context.stdout.write(`${JSON.stringify({ engine: handle.engine, location: handle.location, ...status, legacy }, null, 2)}\n`);
        return failed ? 1 : 0;
      }
      const out = (line: string) => context.stdout.write(`${line}\n`);
      out(`engine: ${handle.engine} (${handle.location})`);
      out(`applied migrations (${status.applied.length}):`);
      for (const row of status.applied) out(`  ${row.version}  ${row.name ?? ''}${row.appliedAt ? `  ${row.appliedAt.toISOString()}` : ''}`);
      out(`pending migrations (${status.pending.length}):`);
      for (const file of status.pending) out(`  ${file.version}  ${file.name}`);
      if (status.modified.length > 0) {
        out(`modified after being applied (refused by db migrate): ${status.modified.map((file) => file.fileName).join(', ')}`);
      }
      if (status.unknown.length > 0) out(`recorded but not in supabase/migrations: ${status.unknown.map((row) => row.version).join(', ')}`);
      out(`\nlegacy upgrade state: ${legacy.state}`);
      for (const reason of legacy.reasons) out(`  - ${reason}`);
      out('row counts:');
      for (const [table, count] of Object.entries(legacy.counts)) out(`  ${table.padEnd(24)} ${count}`);
      out('foreign keys pointing at the sessions table:');
      for (const key of legacy.foreignKeys) out(`  ${key.table}.${key.column} → ${key.references} (${key.constraint})`);
      out('policies:');
      for (const [table, names] of Object.entries(legacy.policies)) out(`  ${table}: ${names.join('; ')}`);
      for (const line of formatBlockers(legacy.blockers)) out(line);
      const { tables, columns, policies } = legacy.unknowns;
      if (tables.length + columns.length + policies.length > 0) {
        out('unknown to EDUZEN (kept as they are by the upgrade):');
        for (const table of tables) out(`  table ${table}`);
        for (const column of columns) out(`  column ${column}`);
        for (const policy of policies) out(`  policy ${policy}`);
      }
      if (legacy.leftovers.length > 0) out(`leftovers of the old script: ${legacy.leftovers.join(', ')} (eduzen db cleanup)`);
      if (legacy.state === 'unknown') out('error: the database is in no state EDUZEN knows how to upgrade (see the reasons above)');
      return failed ? 1 : 0;
    });
  },
};
