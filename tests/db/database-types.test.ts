import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { createServerDatabase } from '../support/engines';
import { generateDatabaseTypes } from '../support/generate-types';

it('src/db/database.types.ts is what kysely-codegen generates from the migrations (run npm run db:generate)', async () => {
  const committed = fs.readFileSync(fileURLToPath(new URL('../../src/db/database.types.ts', import.meta.url)), 'utf8');
  const fresh = await generateDatabaseTypes(await createServerDatabase());
  expect(committed).toBe(fresh);
});
