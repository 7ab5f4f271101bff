/**
 * Regenerates src/db/database.types.ts with kysely-codegen from a database migrated from
 * scratch on a throw-away Postgres server. `npm run db:generate`; a test fails when the
 * committed file differs from a fresh generation.
 */
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { generateDatabaseTypes } from '../tests/support/generate-types';

const target = fileURLToPath(new URL('../src/db/database.types.ts', import.meta.url));
const content = await generateDatabaseTypes();
fs.writeFileSync(target, content);
console.log(`wrote ${target}`);
