import { backupDatabase } from '../../migrate/backup';
import { type Command, DATABASE_OPTIONS, DATABASE_USAGE, stringOption } from '../command';
import { withDatabase } from '../database';

export const dbBackupCommand: Command = {
  path: ['db', 'backup'],
  summary: 'back up the database (pg_dump, the built-in logical backup, or the embedded dump)',
  usage: `Usage: eduzen db backup [options]\n\nA server gets pg_dump (custom format) when the pg_dump on the PATH is at least as new as the\nserver, else EDUZEN's logical backup (definitions, policies and COPY data of every table); the\nembedded database gets PGlite's dump. Restore with eduzen db restore.\n\nOptions:\n${DATABASE_USAGE}\n  --output FILE        where to write it (default .eduzen/backups/eduzen-<db>-<time>.<ext>)`,
  options: { ...DATABASE_OPTIONS, output: { type: 'string' } },
  async run(context) {
    return withDatabase(context, async (handle, config) => {
      const result = await backupDatabase(handle, { databaseUrl: config.databaseUrl, file: stringOption(context, 'output'), env: context.env });
      context.stdout.write(`backup kind: ${result.method} (${result.reason})\nwrote ${result.file} (${result.bytes} bytes) in ${Math.round(result.ms)} ms\n`);
      return 0;
    });
  },
};
