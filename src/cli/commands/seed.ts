import { seedDemo } from '../../seed/demo';
import { type Command, DATABASE_OPTIONS, DATABASE_USAGE, UsageError } from '../command';
import { withDatabase } from '../database';
import { migrate } from '../../migrate/runner';
import { refreshPlannerStatistics } from '../../db/maintenance';

export const seedCommand: Command = {
  path: ['seed'],
  summary: 'load the demo training centre (idempotent)',
  usage: `Usage: eduzen seed --demo [options]\n\nCreates the demo organisation, its staff, catalogue, sessions and their slots, students, enrollments, attendance and grades.\nDoes nothing if the demo organisation already exists.\n\nOptions:\n  --demo               required: the demo data set\n${DATABASE_USAGE}`,
  options: { ...DATABASE_OPTIONS, demo: { type: 'boolean' } },
  async run(context) {
    if (!context.values.demo) throw new UsageError('say which data to seed: --demo');
    return withDatabase(context, async (handle) => {
      await migrate(handle.db, { log: (line) => context.stdout.write(`  ${line}\n`) });
      const result = await seedDemo(handle.db, { log: (line) => context.stdout.write(`  ${line}\n`) });
      await refreshPlannerStatistics(handle);
      if (!result.created) {
        context.stdout.write(`the demo organisation is already there (admin: ${result.adminEmail}); nothing to do\n`);
        return 0;
      }
      context.stdout.write(`demo data created: ${Object.entries(result.counts).map(([table, count]) => `${count} ${table}`).join(', ')}\n`);
      context.stdout.write(`demo login: ${result.adminEmail} / ${result.adminPassword}\n`);
      return 0;
    });
  },
};
