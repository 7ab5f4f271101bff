/**
 * Regenerates baseline-schema.json from the three baseline migrations, on an in-memory PGlite:
 *   node --import tsx src/migrate/legacy/generate-baseline.ts
 */
import fs from 'node:fs';
import { connect } from '../../db/connect';
import { migrate } from '../runner';
import { BASELINE_FILE, laterChecks, laterDroppedColumns, toBaseline, writeBaselineMigrationsDir } from './baseline';
import { readSchema } from './schema-read';

export async function generateBaseline(): Promise<string> {
  const handle = await connect({ engine: 'embedded', dataDir: 'memory' });
  const latest = await connect({ engine: 'embedded', dataDir: 'memory' });
  const migrationsDir = writeBaselineMigrationsDir();
  try {
    await migrate(handle.db, { migrationsDir });
    await migrate(latest.db);
    const baseline = toBaseline(await readSchema(handle.db));
    const schema = await readSchema(latest.db);
    return `${JSON.stringify({ ...baseline, laterChecks: laterChecks(baseline, schema), laterDroppedColumns: laterDroppedColumns(baseline, schema) }, null, 1)}\n`;
  } finally {
    await handle.close();
    await latest.close();
    fs.rmSync(migrationsDir, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop() ?? '')) {
  fs.writeFileSync(BASELINE_FILE, await generateBaseline());
  process.stdout.write(`wrote ${BASELINE_FILE}\n`);
}
