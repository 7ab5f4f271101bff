/**
 * Legacy values EDUZEN does not have (decision 013): the roles, statuses and empty values the
 * original EDUZEN's CHECK constraints admitted, and a value an operator added to a CHECK, are
 * mapped by a named remedy with no hand fix; the original of each row is kept, a rollback gives
 * it back, and learners' logins become portal accounts.
 */
import bcrypt from 'bcryptjs';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DatabaseHandle, connect } from '../../src/db/connect';
import { runPreflight } from '../../src/migrate/legacy/preflight';
import { readRelationColumns, resolveLayout } from '../../src/migrate/legacy/layout';
import { runRollback } from '../../src/migrate/legacy/rollback';
import { runUpgrade } from '../../src/migrate/legacy/upgrade';
import { verifyDatabase } from '../../src/migrate/legacy/verify';
import { checkValues, mapValue, VALUE_MAPPINGS } from '../../src/migrate/legacy/value-maps';
import { createTestApp } from '../support/api';
import { runCli } from '../support/cli';
import { createServerDatabase } from '../support/engines';
import { SMALL_SIZE, buildLegacyDatabase, buildLegacyShape } from '../support/legacy/builder';
import { type Query, catalogueOf, tableChecksums } from '../support/legacy/catalogue';

const SINK = { isTTY: false, write: () => true } as unknown as NodeJS.WritableStream;
const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const ORG = "(select id from public.organizations order by code limit 1)";
const PASSWORD = 'ancien-mot-de-passe';

/** The original EDUZEN's value lists, and one value an operator added (`auditor`). */
function realLegacyValues(passwordHash: string): string[] {
  const account = (n: number, role: string, email = `legacy-${role}-${n}@legacy.example`) => [
    `insert into auth.users (id, email, encrypted_password) values ('${id(n)}', '${email}', '${passwordHash}')`,
    `insert into public.users (id, organization_id, email, full_name, role) values ('${id(n)}', ${ORG}, '${email}', 'Compte ${role}', '${role}')`,
  ];
  return [
    'alter table public.users drop constraint users_role_check',
    `alter table public.users add constraint users_role_check check (role in ('super_admin', 'admin', 'secretary', 'accountant', 'teacher',
      'student', 'parent', 'support', 'finance', 'user', 'staff', 'auditor'))`,
    'alter table public.students alter column status drop not null',
    `alter table public.students add constraint students_status_check check (status in ('active', 'inactive', 'graduated', 'suspended', 'dropped'))`,
    `alter table public.enrollments add constraint enrollments_payment_status_check
      check (payment_status in ('pending', 'partial', 'paid', 'refunded', 'waived', 'overdue'))`,
    ...account(1, 'super_admin'),
    ...account(2, 'finance'),
    ...account(3, 'accountant'),
    ...account(4, 'support'),
    ...account(5, 'user'),
    ...account(6, 'auditor'),
    // A learner's login with the e-mail of a learner: a portal account linked to them.
    ...account(7, 'student', 'apprenant0@legacy.example'),
    ...account(8, 'parent'),
    // A learner's login that trains a session: it stays, as inactive staff.
    ...account(9, 'student'),
    `update public.program_sessions set teacher_id = '${id(9)}' where id = (select s.id from public.program_sessions s
      join public.programs p on p.id = s.program_id where p.organization_id = ${ORG} order by s.id limit 1)`,
    `update public.students set status = null where id in (select id from public.students order by id limit 3)`,
    `update public.students set status = 'dropped' where id in (select id from public.students order by id offset 3 limit 2)`,
    `update public.enrollments set payment_status = 'overdue' where id in (select id from public.enrollments order by id limit 4)`,
    // A learner's day marked three times (the latest is the mark), and a negative price.
    'alter table public.attendance drop constraint attendance_program_session_id_student_id_date_key',
    `create temporary table first_mark as select * from public.attendance where program_session_id is not null order by id limit 1`,
    `insert into public.attendance (id, organization_id, program_session_id, student_id, date, status, created_at, updated_at)
      select '${id(101)}', organization_id, program_session_id, student_id, date, 'absent', created_at + interval '1 hour', updated_at + interval '1 hour' from first_mark`,
    `insert into public.attendance (id, organization_id, program_session_id, student_id, date, status, created_at, updated_at)
      select '${id(102)}', organization_id, program_session_id, student_id, date, 'present', created_at + interval '2 hours', updated_at + interval '2 hours' from first_mark`,
    `update public.programs set price = -5 where id = (select id from public.programs order by id limit 1)`,
    // A time zone nobody knows: it would stop the conversion of dates to timestamps.
    "alter table public.organizations add column timezone text not null default 'Europe/Paris'",
    `update public.organizations set timezone = 'Mars/Olympus' where id = ${ORG}`,
  ];
}

describe('legacy values EDUZEN does not have', () => {
  it('reads value lists from CHECK definitions as the catalogue prints them, and maps every value', () => {
    expect(checkValues("CHECK ((role = ANY (ARRAY['admin'::text, 'it''s'::text])))", 'role')).toEqual(['admin', "it's"]);
    expect(checkValues("CHECK ((role = ANY (ARRAY['admin'::text])))", 'status')).toBeNull();
    const roles = VALUE_MAPPINGS.find((mapping) => mapping.table === 'users')!;
    expect(['super_admin', 'finance', 'support', 'user', 'accountant', 'auditor', null].map((value) => mapValue(roles, value)))
      .toEqual(['admin', 'accountant', 'staff', 'staff', 'accountant', 'staff', 'staff']);
  });

  describe('on the embedded engine', () => {
    let handle: DatabaseHandle;
    const query = (text: string) => sql.raw<Record<string, unknown>>(text).execute(handle.db).then((result) => result.rows);
    const look = () => handle.db.connection().execute(async (connection) => {
      const run: Query = async (text) => (await sql.raw<Record<string, unknown>>(text).execute(connection)).rows;
      return { catalogue: await catalogueOf(run), checksums: await tableChecksums(run) };
    });

    beforeAll(async () => {
      handle = await connect({ engine: 'embedded', dataDir: 'memory' });
      const hash = bcrypt.hashSync(PASSWORD, 4);
      await buildLegacyShape((statement) => sql.raw(statement).execute(handle.db), { size: SMALL_SIZE, extraSql: realLegacyValues(hash) });
    });

    afterAll(async () => {
      await handle?.close();
    });

    it('preflight names each mapping with its remedy flag; none is a hand fix', async () => {
      const layout = resolveLayout(await readRelationColumns(handle.db))!;
      const blockers = await runPreflight(handle.db, layout, {});
      const mapped = blockers.filter((blocker) => blocker.flag === '--legacy-values=map');
      expect(mapped.map((blocker) => blocker.id).sort()).toEqual([
        'check:formations_price_check', 'check:students_status_check', 'check:users_role_check',
        'duplicate:attendance_session_student_date_slot_key', 'not-null:students.status', 'value:organizations.timezone',
      ]);
      const roles = mapped.find((blocker) => blocker.id === 'check:users_role_check')!;
      expect(roles.count).toBe(8);
      expect(roles.title).toContain('super_admin (1) → admin');
      expect(roles.title).toContain('auditor (1) → staff (catch-all)');
      expect(roles.title).toContain('parent (1) → a learner portal account');
      // accountant and overdue are product values (a later migration admits them): no blocker.
      expect(roles.title).not.toContain('accountant (1)');
      expect(blockers.some((blocker) => blocker.id === 'check:enrollments_payment_status_check')).toBe(false);
      expect(blockers.filter((blocker) => blocker.remedy.includes('by hand'))).toEqual([]);
      const resolved = await runPreflight(handle.db, layout, { legacyValues: 'map' });
      expect(resolved.filter((blocker) => blocker.flag === '--legacy-values=map').every((blocker) => blocker.resolved)).toBe(true);
    });

    it('an upgrade stopped after its remedies is rolled back to the exact legacy values', async () => {
      const before = await look();
      const remedies = { orphanSessions: 'placeholder', reversedDates: 'swap', legacyValues: 'map' } as const;
      const stop = async (name: string) => {
        if (name === 'in:catalogue') throw new Error('stopped');
      };
      await expect(runUpgrade(handle, { remedies, progressStream: SINK, checkpoint: stop })).rejects.toThrow('stopped');
      expect((await query("select role from public.users where id = '" + id(1) + "'"))[0]!.role).toBe('admin');
      const rollback = await runRollback(handle, {});
      expect(rollback.outcome).toBe('rolled-back');
      expect(await look()).toEqual(before);
    });

    it('upgrades with the mapping: values mapped, originals kept, learners become portal accounts, verify passes', async () => {
      const result = await runUpgrade(handle, { remedies: { orphanSessions: 'placeholder', reversedDates: 'swap', legacyValues: 'map' }, progressStream: SINK });
      expect(result.outcome).toBe('upgraded');
      const roles = Object.fromEntries((await query(`select id::text, role, is_active from public.users where id::text like '00000000-0000-4000-8000-%'`))
        .map((row) => [row.id, `${row.role}${row.is_active ? '' : ' (inactive)'}`]));
      expect(roles).toEqual({
        [id(1)]: 'admin', [id(2)]: 'accountant', [id(3)]: 'accountant', [id(4)]: 'staff',
        [id(5)]: 'staff (inactive)', [id(6)]: 'staff (inactive)', [id(9)]: 'staff (inactive)',
      });
      const portal = await query(`select p.id::text, p.kind, p.legacy_role, p.is_active, s.email as learner
        from public.portal_accounts p left join public.students s on s.id = p.student_id order by p.id`);
      expect(portal).toEqual([
        { id: id(7), kind: 'student', legacy_role: 'student', is_active: false, learner: 'apprenant0@legacy.example' },
        { id: id(8), kind: 'parent', legacy_role: 'parent', is_active: false, learner: null },
      ]);
      const kept = await query(`select details ->> 'from' as original, count(*)::int as n from eduzen_upgrade.remedy_log
        where remedy = 'legacy-values=map' group by 1 order by 1`);
      expect(kept).toEqual(expect.arrayContaining([{ original: 'super_admin', n: 1 }, { original: 'auditor', n: 1 }, { original: 'dropped', n: 2 }, { original: null, n: 3 }]));
      expect((await query(`select count(*)::int as n from public.students where status is null`))[0]!.n).toBe(0);
      expect((await query(`select count(*)::int as n from public.enrollments where payment_status = 'overdue'`))[0]!.n).toBe(4);
      // The day's latest row is the mark; the earlier ones are in its history under their own ids.
      const day = await query(`select a.id::text, a.status from public.attendance a
        where (a.session_id, a.student_id, a.date) = (select session_id, student_id, date from public.attendance where id = '${id(102)}')`);
      expect(day).toEqual([{ id: id(102), status: 'present' }]);
      const history = await query(`select old_values ->> 'id' as legacy_id, old_values ->> 'status' as status from public.change_log
        where table_name = 'attendance' and row_id = '${id(102)}' order by changed_at`);
      expect(history.map((row) => row.status)).toEqual(['present', 'absent']);
      expect(history[1]!.legacy_id).toBe(id(101));
      const price = await query(`select f.price, l.details -> 'before' ->> 'price' as before from public.formations f
        join eduzen_upgrade.remedy_log l on l.row_id = f.id and l.remedy = 'out-of-range'`);
      expect(price).toEqual([{ price: null, before: '-5.00' }]);
      expect(await query(`select timezone from public.organizations where id = ${ORG}`)).toEqual([{ timezone: 'Europe/Paris' }]);
      const report = await verifyDatabase(handle.db, undefined);
      expect(report.checks.filter((check) => !check.ok)).toEqual([]);
    });
  });

  it('on the server, db upgrade --yes takes the mapping as its safe default and says so; the super administrator logs in', { timeout: 120_000 }, async () => {
    const url = await createServerDatabase();
    await buildLegacyDatabase(url, { size: SMALL_SIZE, extraSql: realLegacyValues(bcrypt.hashSync(PASSWORD, 4)) });
    const status = await runCli(['db', 'status', '--database-url', url]);
    expect(status.stdout).toContain('--legacy-values=map');
    const result = await runCli(['db', 'upgrade', '--database-url', url, '--yes', '--no-backup', '--orphan-sessions=placeholder', '--reversed-dates=swap']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('the safe default --legacy-values=map is taken');
    expect((await runCli(['db', 'verify', '--database-url', url])).code).toBe(0);
    const handle = await connect({ engine: 'postgres', databaseUrl: url });
    const app = await createTestApp(handle);
    try {
      const login = (email: string, password: string) => app.inject({ method: 'POST', url: '/api/auth/login', payload: { email, password } });
      const admin = await login('legacy-super_admin-1@legacy.example', PASSWORD);
      expect(admin.statusCode, admin.body).toBe(200);
      expect(admin.json()).toMatchObject({ user: { id: id(1), role: 'admin' } });
      // A learner's login is a portal account: refused like a wrong password.
      expect((await login('apprenant0@legacy.example', PASSWORD)).statusCode).toBe(401);
      // An unknown legacy role is inactive staff: refused until an administrator decides.
      expect((await login('legacy-auditor-6@legacy.example', PASSWORD)).statusCode).toBe(401);
    } finally {
      await app.close();
      await handle.close();
    }
  });
});
