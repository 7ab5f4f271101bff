import { formatVerify } from '../../migrate/legacy/format';
import { verifyDatabase } from '../../migrate/legacy/verify';
import { type Command, DATABASE_OPTIONS, DATABASE_USAGE } from '../command';
import { withDatabase } from '../database';

export const dbVerifyCommand: Command = {
  path: ['db', 'verify'],
  summary: "check an upgraded database: tables, renames, keys, RLS, checksums, schema equal to a fresh install's",
  usage: `Usage: eduzen db verify [options]\n\nExits non-zero on any failed check. Extras (the operator's own tables, columns, policies) are listed, not failed.\n\nOptions:\n${DATABASE_USAGE}\n  --json               print the report as JSON`,
  options: { ...DATABASE_OPTIONS, json: { type: 'boolean' } },
  async run(context) {
    return withDatabase(context, async (handle, config) => {
      const report = await verifyDatabase(handle.db, config.databaseUrl);
      if (context.values.json) context.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
      else for (const line of formatVerify(report)) context.stdout.write(`${line}\n`);
      return report.ok ? 0 : 1;
    });
  },
};
