import { restoreUnplacedSession } from '../../features/sessions/unplaced.service';
import { listUnplacedSessions } from '../../features/sessions/unplaced.repository';
import { PLACEHOLDER_FORMATION } from '../../migrate/legacy/legacy-shape';
import { type Command, DATABASE_OPTIONS, DATABASE_USAGE, UsageError, requiredOption, stringOption } from '../command';
import { withDatabase } from '../database';
import type { DatabaseHandle } from '../../db/connect';
import { sql } from 'kysely';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The kept table comes with a migration: a database that does not have it has set nothing aside. */
async function hasKeptTable(handle: DatabaseHandle): Promise<boolean> {
  const result = await sql<{ present: boolean }>`select to_regclass('public.unplaced_sessions') is not null as present`.execute(handle.db);
  return result.rows[0]?.present === true;
}

export const unplacedSessionsListCommand: Command = {
  path: ['unplaced-sessions', 'list'],
  summary: 'list the sessions the legacy upgrade set aside (their organisation was told by nothing)',
  usage: `Usage: eduzen unplaced-sessions list [options]

Sessions of a legacy database whose organisation nothing told (no programme, trainer, learner,
mark or grade), set aside whole by eduzen db upgrade (--unplaced-sessions=set-aside). Restore one
with eduzen unplaced-sessions restore ID --org CODE.

Options:
${DATABASE_USAGE}
  --all                also the sessions already restored
  --json               print them as JSON`,
  options: { ...DATABASE_OPTIONS, all: { type: 'boolean' }, json: { type: 'boolean' } },
  async run(context) {
    return withDatabase(context, async (handle) => {
      const sessions = (await hasKeptTable(handle)) ? await listUnplacedSessions(handle.db, { includeRestored: context.values.all === true }) : [];
      if (context.values.json === true) {
        context.stdout.write(`${JSON.stringify(sessions, null, 2)}\n`);
        return 0;
      }
      const out = (line: string) => context.stdout.write(`${line}\n`);
      if (sessions.length === 0) {
        out(context.values.all === true ? 'no session was set aside' : 'no session set aside is waiting to be restored');
        return 0;
      }
      out(`${sessions.length} session(s) set aside:`);
      for (const session of sessions) {
        const row = session.legacy_row as Record<string, unknown>;
        const restored = session.restored_at === null ? '' : `  restored ${new Date(String(session.restored_at)).toISOString()}`;
        out(`  ${session.id}  ${String(row.name ?? '')}  ${String(row.start_date ?? '?')} → ${String(row.end_date ?? '?')}  ${String(row.status ?? '')}${restored}`);
      }
      return 0;
    });
  },
};

export const unplacedSessionsRestoreCommand: Command = {
  path: ['unplaced-sessions', 'restore'],
  summary: 'restore a session the legacy upgrade set aside into an organisation',
  usage: `Usage: eduzen unplaced-sessions restore ID --org CODE [--formation CODE] [options]

Files the session set aside under ID into the organisation CODE, in one transaction: it keeps its
id, name, dates, status, place and capacity; its legacy hours become slots (each weekday between
its dates, a morning and an afternoon); it goes under the formation --formation names, or the
organisation's "${PLACEHOLDER_FORMATION.name}" (${PLACEHOLDER_FORMATION.code}, made if missing).
Exit 1 when the id is unknown or already restored, or the organisation or formation unknown.

Options:
${DATABASE_USAGE}
  --org CODE           the organisation it belongs to
  --formation CODE     a formation of that organisation (default: ${PLACEHOLDER_FORMATION.code})`,
  options: { ...DATABASE_OPTIONS, org: { type: 'string' }, formation: { type: 'string' } },
  allowPositionals: true,
  async run(context) {
    if (context.positionals.length !== 1) throw new UsageError('give exactly one session id (eduzen unplaced-sessions list shows them)');
    const sessionId = context.positionals[0]!;
    if (!UUID.test(sessionId)) throw new UsageError(`not a session id: ${sessionId}`);
    const organizationCode = requiredOption(context, 'org');
    const formationCode = stringOption(context, 'formation');
    return withDatabase(context, async (handle) => {
      const fail = (message: string) => {
        context.stderr.write(`eduzen unplaced-sessions restore: error: ${message}\n`);
        return 1;
      };
      if (!(await hasKeptTable(handle))) return fail('this database has no table unplaced_sessions (run eduzen db migrate, or eduzen db upgrade on a legacy database)');
      const result = await restoreUnplacedSession(handle.db, { sessionId, organizationCode, formationCode, placeholder: PLACEHOLDER_FORMATION });
      if (!result.ok) {
        switch (result.code) {
          case 'UNKNOWN_SESSION':
            return fail(`no session set aside has id ${sessionId} (eduzen unplaced-sessions list shows them)`);
          case 'ALREADY_RESTORED':
            return fail(`session ${sessionId} was already restored (${new Date(result.restoredAt).toISOString()}): nothing changed`);
          case 'UNKNOWN_ORGANIZATION':
            return fail(`no organisation has code ${organizationCode}: nothing changed`);
          case 'UNKNOWN_FORMATION':
            return fail(`organisation ${organizationCode} has no formation with code ${formationCode}: nothing changed`);
          case 'SESSION_ID_TAKEN':
            return fail(`a session with id ${sessionId} already exists: nothing changed`);
        }
      }
      context.stdout.write(`restored session ${result.sessionId} (${result.name}) into ${organizationCode}, formation ${result.formationCode}, with ${result.slots} slot(s)\n`);
      if (result.teacherDropped) context.stdout.write(`its legacy trainer is not a user of ${organizationCode}: the session has no trainer\n`);
      return 0;
    });
  },
};
