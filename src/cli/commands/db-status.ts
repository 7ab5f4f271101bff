import { migrationStatus } from '../../migrate/runner';
import { type Command, DATABASE_OPTIONS, DATABASE_USAGE } from '../command';
import { withDatabase } from '../database';

export const dbStatusCommand: Command = {
  path: ['db', 'status'],
  summary: 'show the engine and the applied and pending migrations',
  usage: `Usage: eduzen db status [options]\n\nOptions:\n${DATABASE_USAGE}\n  --json               print the report as JSON`,
  options: { ...DATABASE_OPTIONS, json: { type: 'boolean' } },
  async run(context) {
    return withDatabase(context, async (handle) => {
      const status = await migrationStatus(handle.db);
      if (context.values.json) {
        context.stdout.write(`${JSON.stringify({ engine: handle.engine, location: handle.location, ...status }, null, 2)}\n`);
      } else {
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
      }
      return status.modified.length > 0 ? 1 : 0;
    });
  },
};
