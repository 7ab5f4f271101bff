import { refreshPlannerStatistics } from '../../db/maintenance';
import { migrate } from '../../migrate/runner';
import { findOrganizationByCode } from '../../features/organizations/organization.repository';
import { DEMO_ADMIN_EMAIL, DEMO_ORGANIZATION } from '../../seed/demo-data';
import { isDatabaseEmpty, seedDemo } from '../../seed/demo';
import { buildApp } from '../../server/app';
import { dashboardExtension } from '../../server/dashboard';
import { ensureDashboardBuilt } from '../../server/dashboard-build';
import { type Command, DATABASE_OPTIONS, DATABASE_USAGE } from '../command';
import { configFor, openDatabase } from '../database';

export const startCommand: Command = {
  path: ['start'],
  summary: 'migrate, seed demo data into an empty database, and serve the API and dashboard',
  usage: `Usage: eduzen start [options]\n\nServes on $HOST:$PORT (default 127.0.0.1:3000).\n\nOptions:\n${DATABASE_USAGE}\n  --no-demo            do not seed demo data into an empty database`,
  options: { ...DATABASE_OPTIONS, 'no-demo': { type: 'boolean' } },
  async run(context) {
    const config = configFor(context);
    const out = (line: string) => context.stdout.write(`${line}\n`);
    const handle = await openDatabase(config);
    let closing = false;
    try {
      out(`database: ${handle.engine} (${handle.location})`);
      await migrate(handle.db, { log: (line) => out(`  ${line}`) });
      if (!context.values['no-demo'] && (await isDatabaseEmpty(handle.db))) {
        const seeded = await seedDemo(handle.db, { log: (line) => out(`  ${line}`) });
        if (seeded.created) {
          out(`demo data loaded: ${Object.entries(seeded.counts).map(([table, count]) => `${count} ${table}`).join(', ')}`);
          out(`demo login: ${seeded.adminEmail} / ${seeded.adminPassword}   (shown once; keep it)`);
        }
      }
      await refreshPlannerStatistics(handle);
      await ensureDashboardBuilt({ log: out });
      const app = await buildApp({ database: handle, config, extensions: [dashboardExtension()] });
      const shutdown = async (signal: string) => {
        if (closing) return;
        closing = true;
        out(`${signal}: shutting down`);
        await app.close();
        await handle.close();
        process.exit(0);
      };
      process.once('SIGINT', () => void shutdown('SIGINT'));
      process.once('SIGTERM', () => void shutdown('SIGTERM'));
      await app.listen({ port: config.port, host: config.host });
      const address = app.server.address();
      const port = typeof address === 'object' && address ? address.port : config.port;
      out(`EDUZEN is ready: http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${port}/`);
      if (await findOrganizationByCode(handle.db, DEMO_ORGANIZATION.code)) {
        out(`demo organisation administrator: ${DEMO_ADMIN_EMAIL} (forgot the password? eduzen user password --email ${DEMO_ADMIN_EMAIL})`);
      }
      // Serve until a signal arrives.
      return await new Promise<number>(() => {});
    } catch (error) {
      if (!closing) await handle.close().catch(() => {});
      throw error;
    }
  },
};
