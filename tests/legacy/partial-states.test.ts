import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli';
import { createServerDatabase } from '../support/engines';
import { PARTIAL_STATES, SMALL_SIZE, buildLegacyDatabase } from '../support/legacy/builder';
import { autovacuumOffTables, logicalCounts } from '../support/legacy/inspect';

const REMEDIES = ['--orphan-sessions=placeholder', '--reversed-dates=swap'];

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

    const upgrade = await runCli(['db', 'upgrade', '--database-url', url, '--yes', '--no-backup', ...REMEDIES]);
    expect(upgrade.stderr).not.toContain('error');
    expect(upgrade.code).toBe(0);
    const verify = await runCli(['db', 'verify', '--database-url', url]);
    expect(verify.stdout).toContain('verify: passed');
    expect(verify.code).toBe(0);
    expect(await logicalCounts(url)).toEqual({ ...expected, formations: expected.formations + 2 });
    // Autovacuum is back on every table, including those the repair phase renamed or dropped.
    expect(upgrade.stdout).toContain('autovacuum back on');
    expect(await autovacuumOffTables(url)).toEqual([]);

    const cleanup = await runCli(['db', 'cleanup', '--database-url', url, '--yes']);
    expect(cleanup.code).toBe(0);
    const after = await runCli(['db', 'status', '--database-url', url, '--json']);
    expect(JSON.parse(after.stdout).legacy).toMatchObject({ state: 'upgraded', leftovers: [] });
  });
});
