/**
 * A scratch database migrated from nothing, to compare an upgraded schema with a fresh
 * install's. On a server it is a temporary database on the same server (so the server version
 * prints definitions the same way); on PGlite, or where CREATE DATABASE is refused, an
 * in-memory PGlite.
 */
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { connect } from '../../db/connect';
import { migrate } from '../runner';
import { type SchemaShape, readSchema } from './schema-read';

export async function readFreshSchema(databaseUrl: string | undefined): Promise<{ schema: SchemaShape; where: string }> {
  if (databaseUrl) {
    const name = `eduzen_verify_${randomUUID().replace(/-/g, '').slice(0, 16)}`;
    const admin = new pg.Client({ connectionString: databaseUrl });
    await admin.connect();
    let created = false;
    try {
      await admin.query(`create database ${name}`);
      created = true;
    } catch {
      // No CREATEDB privilege (managed hosting): fall back to PGlite below.
    }
    if (created) {
      try {
        const url = new URL(databaseUrl);
        url.pathname = `/${name}`;
        const scratch = await connect({ engine: 'postgres', databaseUrl: url.toString(), poolSize: 1 });
        try {
          await migrate(scratch.db);
          return { schema: await readSchema(scratch.db), where: `a temporary database on the same server` };
        } finally {
          await scratch.close();
        }
      } finally {
        await admin.query(`drop database if exists ${name} with (force)`).catch(() => {});
        await admin.end();
      }
    }
    await admin.end();
  }
  const scratch = await connect({ engine: 'embedded', dataDir: 'memory' });
  try {
    await migrate(scratch.db);
    return { schema: await readSchema(scratch.db), where: 'an in-memory embedded database' };
  } finally {
    await scratch.close();
  }
}
