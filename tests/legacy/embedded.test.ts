/**
 * The upgrade on the embedded engine (PGlite): one connection, no CONCURRENTLY, no parallel
 * work. The same legacy shape and awkward rows as on the server, the same checks after.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DatabaseHandle, connect } from '../../src/db/connect';
import { runUpgrade } from '../../src/migrate/legacy/upgrade';
import { verifyDatabase } from '../../src/migrate/legacy/verify';
import { SMALL_SIZE, buildLegacyShape } from '../support/legacy/builder';

const SINK = { isTTY: false, write: () => true } as unknown as NodeJS.WritableStream;
const COUNTED = ['organizations', 'users', 'students', 'enrollments', 'attendance', 'grades'];

describe('legacy upgrade on the embedded engine', () => {
  let handle: DatabaseHandle;

  beforeAll(async () => {
    handle = await connect({ engine: 'embedded', dataDir: 'memory' });
    await buildLegacyShape((statement) => sql.raw(statement).execute(handle.db), { size: SMALL_SIZE });
  });

  afterAll(async () => {
    await handle?.close();
  });

  const count = async (table: string) => Number((await sql.raw<{ n: string }>(`select count(*) as n from public.${table}`).execute(handle.db)).rows[0]!.n);

  it('stops on the blockers, then upgrades with their remedies: verify passes and no row is lost', async () => {
    const before = Object.fromEntries(await Promise.all([...COUNTED, 'programs', 'program_sessions'].map(async (table) => [table, await count(table)])));

    const blocked = await runUpgrade(handle, { remedies: {}, progressStream: SINK });
    expect(blocked.outcome).toBe('blocked');
    expect(await count('program_sessions')).toBe(before.program_sessions);

    const lines: string[] = [];
    const result = await runUpgrade(handle, { remedies: { orphanSessions: 'placeholder', reversedDates: 'swap' }, progressStream: SINK, log: (line) => lines.push(line) });
    expect(result.outcome).toBe('upgraded');
    // The embedded engine builds indexes in place: nothing runs CONCURRENTLY there.
    expect(lines.some((line) => line.includes('concurrently'))).toBe(false);

    const report = await verifyDatabase(handle.db, undefined);
    expect(report.checks.filter((check) => !check.ok)).toEqual([]);
    expect(report.ok).toBe(true);
    for (const table of COUNTED) expect(await count(table), table).toBe(before[table]);
    expect(await count('sessions')).toBe(before.program_sessions);
    // The legacy programs are formations now, plus one "Sessions sans formation" per organisation
    // that had sessions without a programme.
    expect(await count('formations')).toBe(before.programs + 2);

    const again = await runUpgrade(handle, { remedies: {}, progressStream: SINK });
    expect(again.outcome).toBe('already-upgraded');
  });
});
