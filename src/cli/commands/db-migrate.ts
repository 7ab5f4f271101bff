import { migrate } from '../../migrate/runner';
import { type Command, DATABASE_OPTIONS, DATABASE_USAGE } from '../command';
import { withDatabase } from '../database';

export const dbMigrateCommand: Command = {
  path: ['db', 'migrate'],
  summary: 'apply pending schema migrations',
  usage: `Usage: eduzen db migrate [options]\n\nApplies the pending files of supabase/migrations, each in one transaction.\n\nOptions:\n${DATABASE_USAGE}\n  --lock-timeout MS    how long a statement may wait for a table lock before retrying (default 2000)`,
  options: { ...DATABASE_OPTIONS, 'lock-timeout': { type: 'string' } },
  async run(context) {
    const lockTimeout = context.values['lock-timeout'];
    const lockTimeoutMs = typeof lockTimeout === 'string' ? Number(lockTimeout) : undefined;
    if (lockTimeoutMs !== undefined && !(Number.isInteger(lockTimeoutMs) && lockTimeoutMs > 0)) {
      const { UsageError } = await import('../command');
      throw new UsageError('--lock-timeout must be a positive number of milliseconds');
    }
    return withDatabase(context, async (handle) => {
      context.stdout.write(`migrating the ${handle.engine} database at ${handle.location}\n`);
      const applied = await migrate(handle.db, {
        lockTimeoutMs,
        log: (line) => context.stdout.write(`  ${line}\n`),
      });
      context.stdout.write(applied.length > 0 ? `applied ${applied.length} migration(s)\n` : 'nothing to apply\n');
      return 0;
    });
  },
};
