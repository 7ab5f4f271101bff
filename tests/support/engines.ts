/**
 * Runs a block of database tests on both engines: embedded PGlite (in memory) and the real
 * Postgres server started by the global setup. Each block gets its own migrated database.
 *
 *   describeEachEngine('programs', (ctx) => {
 *     it('…', async () => { await ctx.db.selectFrom('programs')… });
 *   });
 */
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, inject } from 'vitest';
import { type DatabaseHandle, type Engine, connect } from '../../src/db/connect';
import { migrate } from '../../src/migrate/runner';

export const ENGINES: readonly Engine[] = ['embedded', 'postgres'];

export type EngineContext = {
  readonly engine: Engine;
  readonly handle: DatabaseHandle;
  readonly db: DatabaseHandle['db'];
  /** The database's URL on the server engine (undefined on PGlite). */
  readonly databaseUrl: string | undefined;
};

/** Creates an empty database on the shared server; `template` clones a migrated one. */
export async function createServerDatabase(options: { template?: boolean } = {}): Promise<string> {
  const serverUrl = inject('postgresUrl');
  const name = `t_${randomUUID().replace(/-/g, '')}`;
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    const template = options.template ? ` template "${inject('templateDatabase')}"` : '';
    await client.query(`create database "${name}"${template}`);
  } finally {
    await client.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/** Opens a migrated database on the given engine. */
export async function openMigratedDatabase(engine: Engine): Promise<{ handle: DatabaseHandle; databaseUrl?: string }> {
  if (engine === 'postgres') {
    const databaseUrl = await createServerDatabase({ template: true });
    return { handle: await connect({ engine, databaseUrl, poolSize: 10 }), databaseUrl };
  }
  const handle = await connect({ engine, dataDir: 'memory' });
  await migrate(handle.db);
  return { handle };
}

export function describeEachEngine(title: string, body: (ctx: EngineContext) => void): void {
  for (const engine of ENGINES) {
    describe(`${title} [${engine}]`, () => {
      let handle: DatabaseHandle | undefined;
      let databaseUrl: string | undefined;
      const ctx: EngineContext = {
        engine,
        get handle() {
          if (!handle) throw new Error('the database is not open yet (use it inside tests or hooks)');
          return handle;
        },
        get db() {
          return ctx.handle.db;
        },
        get databaseUrl() {
          return databaseUrl;
        },
      };
      beforeAll(async () => {
        ({ handle, databaseUrl } = await openMigratedDatabase(engine));
      });
      afterAll(async () => {
        await handle?.close();
      });
      body(ctx);
    });
  }
}
