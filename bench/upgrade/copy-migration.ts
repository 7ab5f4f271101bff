/**
 * The comparison: a copy-based migration of the same data, as the old script does it —
 * INSERT … SELECT into new tables, child keys re-pointed and re-checked, old tables dropped —
 * in one transaction, so the legacy tables stay exclusively locked from the first DROP/ALTER
 * to the commit. It keeps sessions without a programme (LEFT JOIN) so the data is comparable.
 */
import pg from 'pg';

export const COPY_MIGRATION_SQL = [
  'begin',
  'lock table programs, program_sessions, enrollments, attendance, grades, session_documents in access exclusive mode',
  'create table formations (like programs including all)',
  'insert into formations select * from programs',
  `create table sessions (like program_sessions including all)`,
  'alter table sessions rename column program_id to formation_id',
  'alter table sessions add column organization_id uuid',
  `insert into sessions select ps.*, f.organization_id from program_sessions ps left join formations f on f.id = ps.program_id`,
  ...['enrollments', 'attendance', 'grades', 'session_documents'].flatMap((table) => [
    `alter table ${table} drop constraint ${table}_program_session_id_fkey`,
    `alter table ${table} rename column program_session_id to session_id`,
    `alter table ${table} add constraint ${table}_session_id_fkey foreign key (session_id) references sessions (id)`,
  ]),
  'alter table sessions add constraint sessions_formation_id_fkey foreign key (formation_id) references formations (id)',
  'drop table program_sessions cascade',
  'drop table programs cascade',
  'commit',
];

/** Milliseconds the whole copy takes; every millisecond of it is under exclusive lock. */
export async function runCopyMigration(databaseUrl: string): Promise<number> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const started = performance.now();
    for (const statement of COPY_MIGRATION_SQL) await client.query(statement);
    return performance.now() - started;
  } finally {
    await client.end();
  }
}
