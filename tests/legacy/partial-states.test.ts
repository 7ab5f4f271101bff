import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli';
import { createServerDatabase } from '../support/engines';
import { ORPHAN_CHILDREN_AWAY, PARTIAL_STATES, SMALL_SIZE, buildLegacyDatabase, oldScriptToTheEnd } from '../support/legacy/builder';
import { withClient } from '../support/legacy/inspect';
import { autovacuumOffTables, logicalCounts } from '../support/legacy/inspect';

const REMEDIES = ['--orphan-sessions=placeholder', '--reversed-dates=swap'];

/** Upgrades with the remedies, then checks that `verify` passes; returns the upgrade's output. */
async function upgradeAndVerify(url: string) {
  const upgrade = await runCli(['db', 'upgrade', '--database-url', url, '--yes', '--no-backup', ...REMEDIES]);
  expect(upgrade.stderr).not.toContain('error');
  expect(upgrade.code).toBe(0);
  const verify = await runCli(['db', 'verify', '--database-url', url]);
  expect(verify.stdout).toContain('verify: passed');
  expect(verify.code).toBe(0);
  return upgrade;
}

describe('every state the old script leaves behind ends upgraded with no row lost', () => {
  it.each(PARTIAL_STATES)('%s', async (state) => {
    const reference = await createServerDatabase();
    await buildLegacyDatabase(reference, { size: SMALL_SIZE });
    const expected = await logicalCounts(reference);

    const url = await createServerDatabase();
    await buildLegacyDatabase(url, { size: SMALL_SIZE, partial: state });
    const status = await runCli(['db', 'status', '--database-url', url, '--json']);
    expect(status.code).toBe(0);
    const report = JSON.parse(status.stdout).legacy;
    expect(report.state).toBe('partial');
    expect(report.reasons.length).toBeGreaterThan(0);
    // Sessions without a programme are still found, whatever the old script did with them.
    expect(report.blockers.map((blocker: { id: string }) => blocker.id)).toContain('not-null:sessions.formation_id');

    const upgrade = await upgradeAndVerify(url);
    expect(await logicalCounts(url)).toEqual({ ...expected, formations: expected.formations + 2 });
    // Autovacuum is back on every table, including those the repair phase renamed or dropped.
    expect(upgrade.stdout).toContain('autovacuum back on');
    expect(await autovacuumOffTables(url)).toEqual([]);

    const cleanup = await runCli(['db', 'cleanup', '--database-url', url, '--yes']);
    expect(cleanup.code).toBe(0);
    const after = await runCli(['db', 'status', '--database-url', url, '--json']);
    expect(JSON.parse(after.stdout).legacy).toMatchObject({ state: 'upgraded', leftovers: [] });
  });

  it('the old script ran to the end: the sessions and columns it lost come back from sessions_temp', async () => {
    // The script gets to the end only when no session without a programme has enrollments.
    const reference = await createServerDatabase();
    await buildLegacyDatabase(reference, { size: SMALL_SIZE, extraSql: ORPHAN_CHILDREN_AWAY });
    const expected = await logicalCounts(reference);

    const url = await createServerDatabase();
    await buildLegacyDatabase(url, { size: SMALL_SIZE, extraSql: [...ORPHAN_CHILDREN_AWAY, ...oldScriptToTheEnd()] });
    const lost = await withClient(url, async (client) => (await client.query(
      'select count(*)::int as n from public.sessions_temp t where not exists (select 1 from public.sessions s where s.id = t.id)',
    )).rows[0].n as number);
    expect(lost).toBe(2);

    const status = await runCli(['db', 'status', '--database-url', url, '--json']);
    expect(status.code).toBe(0);
    const report = JSON.parse(status.stdout).legacy;
    expect(report.state).toBe('partial');
    expect(report.reasons[0]).toContain('ran to the end');
    // The two sessions only sessions_temp still has are found as sessions without a programme.
    const orphans = report.blockers.find((blocker: { id: string }) => blocker.id === 'not-null:sessions.formation_id');
    expect(orphans).toMatchObject({ count: 2, flag: '--orphan-sessions=placeholder' });

    await upgradeAndVerify(url);
    expect(await logicalCounts(url)).toEqual({ ...expected, formations: expected.formations + 2 });
    await withClient(url, async (client) => {
      // The column the script's copy dropped is back, with its values.
      const rooms = await client.query(
        `select count(*)::int as n from public.sessions s join public.sessions_temp t on t.id = s.id where s.room_code is not distinct from t.room_code`,
      );
      expect(rooms.rows[0].n).toBe(expected.sessions);
      // The script's own empty programs table made way for the product's.
      const programs = await client.query(`select count(*)::int as n from information_schema.columns where table_name = 'programs' and column_name = 'is_active'`);
      expect(programs.rows[0].n).toBe(1);
    });
    expect(await autovacuumOffTables(url)).toEqual([]);

    const cleanup = await runCli(['db', 'cleanup', '--database-url', url, '--yes']);
    expect(cleanup.code, cleanup.stdout).toBe(0);
    const after = await runCli(['db', 'status', '--database-url', url, '--json']);
    expect(JSON.parse(after.stdout).legacy).toMatchObject({ state: 'upgraded', leftovers: [] });
  });
});
