/**
 * The sessions the legacy upgrade set aside (`unplaced_sessions`), read and restored by the
 * operator's CLI on the owner connection (the table has no policy for the API roles).
 */
import { type Kysely, type Transaction, sql } from 'kysely';
import type { Database } from '../../db/schema';

export async function listUnplacedSessions(db: Kysely<Database>, options: { includeRestored: boolean }) {
  let query = db.selectFrom('unplaced_sessions')
    .select(['id', 'legacy_row', 'set_aside_at', 'upgrade_run_id', 'restored_at', 'restored_organization_id'])
    .orderBy('set_aside_at').orderBy('id');
  if (!options.includeRestored) query = query.where('restored_at', 'is', null);
  return query.execute();
}

/** The kept row, locked until the end of the restoring transaction. */
export async function lockUnplacedSession(trx: Transaction<Database>, id: string) {
  return trx.selectFrom('unplaced_sessions').select(['id', 'legacy_row', 'restored_at']).where('id', '=', id)
    .forUpdate().executeTakeFirst();
}

export async function markUnplacedSessionRestored(trx: Transaction<Database>, id: string, organizationId: string) {
  await trx.updateTable('unplaced_sessions').set({ restored_at: sql<string>`now()`, restored_organization_id: organizationId })
    .where('id', '=', id).execute();
}

export async function findOrganizationForRestore(trx: Transaction<Database>, code: string) {
  return trx.selectFrom('organizations').select(['id', 'code', 'country']).where('code', '=', code).executeTakeFirst();
}

export async function findFormationByCode(trx: Transaction<Database>, organizationId: string, code: string) {
  return trx.selectFrom('formations').select(['id', 'code']).where('organization_id', '=', organizationId).where('code', '=', code)
    .executeTakeFirst();
}

/** The organisation's placeholder formation, made the way the upgrade's remedy makes it when missing. */
export async function ensurePlaceholderFormation(trx: Transaction<Database>, organizationId: string, placeholder: { code: string; name: string }) {
  await trx.insertInto('formations')
    .values({
      id: sql<string>`md5('eduzen:sans-formation:' || ${organizationId}::text)::uuid`,
      organization_id: organizationId,
      code: placeholder.code,
      name: placeholder.name,
      description: 'Sessions dont la formation avait disparu, regroupées par la mise à niveau EDUZEN',
      is_active: true,
    })
    .onConflict((conflict) => conflict.doNothing())
    .execute();
  return findFormationByCode(trx, organizationId, placeholder.code);
}

export async function sessionExists(trx: Transaction<Database>, id: string): Promise<boolean> {
  return (await trx.selectFrom('sessions').select('id').where('id', '=', id).executeTakeFirst()) !== undefined;
}

export async function isUserOfOrganization(trx: Transaction<Database>, organizationId: string, userId: string): Promise<boolean> {
  return (await trx.selectFrom('users').select('id').where('organization_id', '=', organizationId).where('id', '=', userId)
    .executeTakeFirst()) !== undefined;
}

export type RestoredSession = {
  id: string; organization_id: string; formation_id: string; name: string; start_date: string; end_date: string;
  teacher_id: string | null; location: string | null; capacity_max: number | null; status: string;
  created_at: string | undefined; updated_at: string | undefined;
};

export async function insertRestoredSession(trx: Transaction<Database>, session: RestoredSession) {
  const { created_at, updated_at, ...values } = session;
  await trx.insertInto('sessions')
    .values({ ...values, ...(created_at ? { created_at } : {}), ...(updated_at ? { updated_at } : {}) })
    .execute();
}

export type FormerHours = { start_time: string; am_end_time: string; pm_start_time: string; end_time: string };

/** The session's half-day hours, kept as for every session that had them before slots. */
export async function insertFormerHours(trx: Transaction<Database>, organizationId: string, sessionId: string, hours: FormerHours) {
  await trx.insertInto('session_former_hours').values({ organization_id: organizationId, session_id: sessionId, ...hours }).execute();
}
