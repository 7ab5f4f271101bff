/**
 * Regenerates the demo data of a past release as a fixture for upgrade tests:
 * tests/migrate/fixtures/demo-<commit>.sql.gz, the rows a database held once that release's
 * `seedDemo` had run on it (the default commit, ba1b7a3, is the release before session slots).
 *
 *   node --import tsx scripts/generate-demo-fixture.ts [commit] [output.sql.gz]
 *
 * The seed of a past release cannot run on today's code, so the commit is checked out in a
 * temporary git worktree (sharing this checkout's node_modules through a symlink), migrated
 * with its own migrations on an in-memory embedded database and seeded with its own code. The
 * worktree is removed afterwards, whatever happens.
 *
 * The output is deterministic, so that regenerating it from the same commit changes nothing:
 * - the demo's "today" is the commit's date, and dates are computed in UTC;
 * - ids and timestamps that Postgres would draw (gen_random_uuid(), now()) come from counters
 *   instead: md5('demo-<n>') and the commit's date at 08:00 UTC plus <n> milliseconds;
 * - every account's password is `demo-fixture`, hashed with a fixed salt;
 * - each table's rows are ordered by primary key.
 *
 * The fixture is SQL, data only: one `insert … select * from jsonb_populate_recordset(…)` per
 * table, parents first (auth.users, then public.*), and the change_log identity moved past its
 * rows. Load it into a database migrated to that release, in one transaction with
 * `session_replication_role = replica` so that no trigger rewrites or logs the rows.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import zlib from 'node:zlib';
import { hash } from '@node-rs/argon2';
import { type Kysely, sql } from 'kysely';

const repositoryRoot = fileURLToPath(new URL('..', import.meta.url));
const commit = process.argv[2] ?? 'ba1b7a3';
const output = path.resolve(process.argv[3] ?? path.join(repositoryRoot, `tests/migrate/fixtures/demo-${commit}.sql.gz`));

/** Every table of the past release, parents first, with the columns that order its rows. */
const TABLES: ReadonlyArray<{ name: string; orderBy: string }> = [
  { name: 'auth.users', orderBy: 'id' },
  { name: 'public.organizations', orderBy: 'id' },
  { name: 'public.users', orderBy: 'id' },
  { name: 'public.programs', orderBy: 'id' },
  { name: 'public.formations', orderBy: 'id' },
  { name: 'public.sessions', orderBy: 'id' },
  { name: 'public.students', orderBy: 'id' },
  { name: 'public.enrollments', orderBy: 'id' },
  { name: 'public.attendance', orderBy: 'id' },
  { name: 'public.grades', orderBy: 'id' },
  { name: 'public.change_log', orderBy: 'id' },
  { name: 'public.revoked_sessions', orderBy: 'jti' },
];

const FIXTURE_PASSWORD = 'demo-fixture';
// Algorithm.Argon2id from @node-rs/argon2 (a const enum, which isolated modules cannot import).
const ARGON2ID = 2;
const QUOTE_TAG = '$fixture$';

function git(...args: string[]): string {
  return execFileSync('git', args, { cwd: repositoryRoot, encoding: 'utf8' }).trim();
}

type PastRelease = {
  connect(options: { engine: 'embedded'; dataDir: 'memory' }): Promise<{ db: Kysely<any>; close(): Promise<void> }>;
  migrate(db: Kysely<any>): Promise<string[]>;
  seedDemo(db: Kysely<any>, options: { today: Date; log: (line: string) => void }): Promise<{ created: boolean; counts?: Record<string, number> }>;
};

async function importPastRelease(worktree: string): Promise<PastRelease> {
  const load = (file: string) => import(pathToFileURL(path.join(worktree, file)).href);
  const [{ connect }, { migrate }, { seedDemo }] = await Promise.all([
    load('src/db/connect.ts'),
    load('src/migrate/runner.ts'),
    load('src/seed/demo.ts'),
  ]);
  return { connect, migrate, seedDemo };
}

/** Points every column defaulting to gen_random_uuid(), now() or clock_timestamp() at a counter. */
async function makeDefaultsDeterministic(db: Kysely<any>, day: string): Promise<void> {
  await sql.raw(`
    create sequence public.fixture_id_seq;
    create sequence public.fixture_clock_seq;
    create function public.fixture_uuid() returns uuid language sql
      as $$ select md5('demo-' || nextval('public.fixture_id_seq'))::uuid $$;
    create function public.fixture_clock() returns timestamptz language sql
      as $$ select timestamptz '${day} 08:00:00+00' + nextval('public.fixture_clock_seq') * interval '1 millisecond' $$;
  `).execute(db);
  const columns = await sql<{ table_schema: string; table_name: string; column_name: string; column_default: string }>`
    select table_schema, table_name, column_name, column_default from information_schema.columns
    where table_schema in ('public', 'auth')
      and column_default in ('gen_random_uuid()', 'now()', 'clock_timestamp()')
    order by table_schema, table_name, column_name`.execute(db);
  for (const column of columns.rows) {
    const replacement = column.column_default === 'gen_random_uuid()' ? 'public.fixture_uuid()' : 'public.fixture_clock()';
    await sql.raw(
      `alter table "${column.table_schema}"."${column.table_name}" alter column "${column.column_name}" set default ${replacement}`,
    ).execute(db);
  }
}

async function assertEveryTableListed(db: Kysely<any>): Promise<void> {
  const tables = await sql<{ name: string }>`
    select n.nspname || '.' || c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where c.relkind in ('r', 'p') and (n.nspname = 'public' or (n.nspname = 'auth' and c.relname = 'users'))
    order by 1`.execute(db);
  const listed = new Set(TABLES.map((table) => table.name));
  const missing = tables.rows.map((row) => row.name).filter((name) => !listed.has(name));
  if (missing.length > 0) throw new Error(`tables missing from the fixture's list: ${missing.join(', ')}`);
}

async function dumpTables(db: Kysely<any>, header: string[]): Promise<string> {
  const parts = header.map((line) => `-- ${line}`);
  for (const table of TABLES) {
    const dumped = await sql<{ rows: string | null; count: string }>`
      select string_agg(to_jsonb(t)::text, E',\n' order by ${sql.raw(table.orderBy)}) as rows, count(*) as count
      from ${sql.table(table.name)} t`.execute(db);
    const { rows, count } = dumped.rows[0]!;
    parts.push('', `-- ${table.name}: ${count} rows`);
    if (rows === null) continue;
    if (rows.includes(QUOTE_TAG)) throw new Error(`${table.name} holds ${QUOTE_TAG}: pick another quote tag`);
    const overriding = table.name === 'public.change_log' ? ' overriding system value' : '';
    parts.push(`insert into ${table.name}${overriding}`, `select * from jsonb_populate_recordset(null::${table.name}, ${QUOTE_TAG}[`, rows, `]${QUOTE_TAG});`);
  }
  parts.push('', "select setval(pg_get_serial_sequence('public.change_log', 'id'), max(id)) from public.change_log;", '');
  return parts.join('\n');
}

async function main(): Promise<void> {
  const fullCommit = git('rev-parse', '--verify', `${commit}^{commit}`);
  const day = git('show', '-s', '--format=%cd', '--date=format:%Y-%m-%d', fullCommit);
  // The demo computes its dates with local-time Date methods: pin the zone.
  process.env.TZ = 'UTC';

  const worktree = fs.mkdtempSync(path.join(os.tmpdir(), `eduzen-${commit}-`));
  git('worktree', 'add', '--detach', worktree, fullCommit);
  try {
    fs.symlinkSync(path.join(repositoryRoot, 'node_modules'), path.join(worktree, 'node_modules'), 'dir');
    const release = await importPastRelease(worktree);
    const handle = await release.connect({ engine: 'embedded', dataDir: 'memory' });
    try {
      const applied = await release.migrate(handle.db);
      console.log(`migrated with ${commit}'s ${applied.length} migrations`);
      await makeDefaultsDeterministic(handle.db, day);
      const seeded = await release.seedDemo(handle.db, { today: new Date(`${day}T00:00:00`), log: (line) => console.log(line) });
      if (!seeded.created) throw new Error('the demo seed created nothing');
      const passwordHash = await hash(FIXTURE_PASSWORD, { algorithm: ARGON2ID, salt: Buffer.from('eduzen-demo-fixture') });
      await sql`update auth.users set encrypted_password = ${passwordHash}`.execute(handle.db);
      await assertEveryTableListed(handle.db);
      const dump = await dumpTables(handle.db, [
        `The demo data of EDUZEN commit ${fullCommit.slice(0, 7)}, seeded as of ${day}.`,
        'Generated by scripts/generate-demo-fixture.ts: regenerate it, do not edit it.',
        `Counts reported by the seed: ${JSON.stringify(seeded.counts)}`,
      ]);
      fs.mkdirSync(path.dirname(output), { recursive: true });
      fs.writeFileSync(output, zlib.gzipSync(dump, { level: 9 }));
      console.log(`wrote ${output} (${fs.statSync(output).size} bytes, ${dump.length} bytes of SQL)`);
    } finally {
      await handle.close();
    }
  } finally {
    git('worktree', 'remove', '--force', worktree);
    fs.rmSync(worktree, { recursive: true, force: true });
  }
}

await main();
