/**
 * Starts one real Postgres server for the whole run and migrates a template database on it;
 * each test file then clones the template (`create database … template …`), which takes
 * milliseconds instead of a full migration. The server is stopped when the run ends.
 */
import type { TestProject } from 'vitest/node';
import { connect } from '../../src/db/connect';
import { migrate } from '../../src/migrate/runner';
import { startPostgresServer } from './postgres-server';

declare module 'vitest' {
  export interface ProvidedContext {
    postgresUrl: string;
    templateDatabase: string;
  }
}

export const TEMPLATE_DATABASE = 'eduzen_template';

export default async function setup(project: TestProject) {
  const server = await startPostgresServer();
  const templateUrl = await server.createDatabase(TEMPLATE_DATABASE);
  const handle = await connect({ engine: 'postgres', databaseUrl: templateUrl, poolSize: 1 });
  try {
    await migrate(handle.db);
  } finally {
    await handle.close();
  }
  project.provide('postgresUrl', server.url);
  project.provide('templateDatabase', TEMPLATE_DATABASE);
  return async () => {
    await server.stop();
  };
}
