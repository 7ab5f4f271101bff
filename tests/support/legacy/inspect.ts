/**
 * Looks at a legacy or upgraded database from the outside, for tests: where each logical table
 * lives now, its row count, and fingerprints that change when any row or table changes.
 */
import pg from 'pg';

export type LogicalCounts = Record<'organizations' | 'users' | 'students' | 'formations' | 'sessions' | 'enrollments' | 'attendance' | 'grades' | 'session_documents', number>;

export async function withClient<T>(databaseUrl: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** Row counts of each logical table, wherever it lives (legacy name, renamed, moved aside by the old script). */
export async function logicalCounts(databaseUrl: string): Promise<LogicalCounts> {
  return withClient(databaseUrl, async (client) => {
    const exists = async (name: string, column?: string) => {
      const result = await client.query(
        column
          ? `select 1 from pg_attribute where attrelid = to_regclass($1) and attname = $2 and not attisdropped`
          : 'select to_regclass($1) as r',
        column ? [`public.${name}`, column] : [`public.${name}`],
      );
      return column ? result.rowCount! > 0 : result.rows[0].r !== null;
    };
    const count = async (name: string) => Number((await client.query(`select count(*) as n from public.${name}`)).rows[0].n);
    const formations = (await exists('programs', 'duration_hours'))
      ? 'programs'
      : (await exists('formations_temp', 'duration_hours')) && (await exists('program_sessions'))
        ? 'formations_temp'
        : 'formations';
    const sessions = (await exists('program_sessions')) ? 'program_sessions' : 'sessions';
    return {
      organizations: await count('organizations'),
      users: await count('users'),
      students: await count('students'),
      formations: await count(formations),
      sessions: await count(sessions),
      enrollments: await count('enrollments'),
      attendance: await count('attendance'),
      grades: await count('grades'),
      session_documents: await count('session_documents'),
    };
  });
}

/** A fingerprint of the whole public schema and data: equal fingerprints, untouched database. */
export async function databaseFingerprint(databaseUrl: string): Promise<string> {
  return withClient(databaseUrl, async (client) => {
    const tables = (await client.query(
      `select c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
       where n.nspname = 'public' and c.relkind = 'r' order by 1`,
    )).rows.map((row) => row.name as string);
    const parts = [`schemas:${(await client.query(`select string_agg(nspname, ',' order by nspname) as s from pg_namespace where nspname not like 'pg\_%temp\_%'`)).rows[0].s}`];
    for (const table of tables) {
      const result = await client.query(
        `select count(*) as n, coalesce(sum(hashtextextended(t::text, 0)::numeric), 0)::text as h from public."${table}" t`,
      );
      const columns = await client.query(
        `select string_agg(attname, ',' order by attnum) as c from pg_attribute where attrelid = to_regclass($1) and attnum > 0 and not attisdropped`,
        [`public."${table}"`],
      );
      parts.push(`${table}:${result.rows[0].n}:${result.rows[0].h}:${columns.rows[0].c}`);
    }
    const catalogue = await client.query(
      `select (select string_agg(conname || pg_get_constraintdef(oid), ',' order by conname, oid) from pg_constraint where connamespace = 'public'::regnamespace) as k,
              (select string_agg(policyname, ',' order by tablename, policyname) from pg_policies where schemaname = 'public') as p,
              (select string_agg(indexname, ',' order by indexname) from pg_indexes where schemaname = 'public') as i`,
    );
    parts.push(JSON.stringify(catalogue.rows[0]));
    return parts.join('\n');
  });
}

/** The public tables whose autovacuum is turned off by a storage parameter, by name. */
export async function autovacuumOffTables(databaseUrl: string): Promise<string[]> {
  return withClient(databaseUrl, async (client) => {
    const result = await client.query<{ name: string }>(
      `select c.relname as name from pg_class c where c.relnamespace = 'public'::regnamespace
        and c.reloptions && array['autovacuum_enabled=false', 'autovacuum_enabled=off'] order by 1`,
    );
    return result.rows.map((row) => row.name);
  });
}
