import { dropPublicTables, publicTables, restoreEmbeddedBackup, restoreServerBackup } from '../../migrate/backup';
import { type Command, DATABASE_OPTIONS, DATABASE_USAGE, UsageError, requiredOption } from '../command';
import { configFor, withDatabase } from '../database';

export const dbRestoreCommand: Command = {
  path: ['db', 'restore'],
  summary: 'restore a backup made by eduzen db backup into an empty database',
  usage: `Usage: eduzen db restore --input FILE [options]\n\nRefuses a target that already has tables unless --force (which drops them first).\n\nOptions:\n${DATABASE_USAGE}\n  --input FILE         the backup file\n  --force              replace a non-empty target`,
  options: { ...DATABASE_OPTIONS, input: { type: 'string' }, force: { type: 'boolean' } },
  async run(context) {
    const file = requiredOption(context, 'input');
    const force = context.values.force === true;
    const config = configFor(context);
    if (!config.databaseUrl) {
      await restoreEmbeddedBackup(config.dataDir, file, force);
      context.stdout.write(`restored ${file} into the embedded database at ${config.dataDir}\n`);
      return 0;
    }
    const databaseUrl = config.databaseUrl;
    return withDatabase(context, async (handle) => {
      const tables = await publicTables(handle);
      if (tables.length > 0) {
        if (!force) throw new UsageError(`the target has ${tables.length} tables (${tables.slice(0, 5).join(', ')}…): restore into an empty database, or pass --force to replace them`);
        await dropPublicTables(handle);
        context.stdout.write(`dropped ${tables.length} tables of the target (--force)\n`);
      }
      const result = await restoreServerBackup(databaseUrl, file, context.env);
      context.stdout.write(`restored ${file} (${result.kind}${result.rows !== undefined ? `, ${result.rows} rows` : ''}) into ${handle.location}\n`);
      return 0;
    });
  },
};
