import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema';
import { likePattern } from '../../shared/database-errors';
import type { CreateFormation, ListFormationsQuery, UpdateFormation } from './formation.schemas';

/** Formations with their programme's name and their session count (sessions the caller can see). */
function selectFormations(db: Kysely<Database>, organizationId: string) {
  return db
    .selectFrom('formations')
    .leftJoin('programs', (join) =>
      join.onRef('programs.organization_id', '=', 'formations.organization_id').onRef('programs.id', '=', 'formations.program_id'))
    .selectAll('formations')
    .select('programs.name as program_name')
    .select((eb) =>
      eb.selectFrom('sessions')
        .select(eb.fn.countAll<number>().as('n'))
        .whereRef('sessions.organization_id', '=', 'formations.organization_id')
        .whereRef('sessions.formation_id', '=', 'formations.id')
        .as('session_count'),
    )
    .where('formations.organization_id', '=', organizationId);
}

export async function listFormations(db: Kysely<Database>, organizationId: string, query: ListFormationsQuery) {
  let filtered = db.selectFrom('formations').where('formations.organization_id', '=', organizationId);
  if (query.program_id === 'none') filtered = filtered.where('formations.program_id', 'is', null);
  else if (query.program_id) filtered = filtered.where('formations.program_id', '=', query.program_id);
  if (query.category) filtered = filtered.where('formations.category', '=', query.category);
  if (query.is_active !== undefined) filtered = filtered.where('formations.is_active', '=', query.is_active);
  if (query.q) {
    const pattern = likePattern(query.q);
    filtered = filtered.where((eb) => eb.or([eb('formations.code', 'ilike', pattern), eb('formations.name', 'ilike', pattern)]));
  }
  const total = await filtered.select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
  const ids = filtered
    .select('formations.id')
    .orderBy(`formations.${query.sort}`, query.order)
    .orderBy('formations.id')
    .limit(query.page_size)
    .offset((query.page - 1) * query.page_size);
  const items = await selectFormations(db, organizationId)
    .where('formations.id', 'in', ids)
    .orderBy(`formations.${query.sort}`, query.order)
    .orderBy('formations.id')
    .execute();
  return { items: items.map(toFormation), total: Number(total.n) };
}

export async function findFormation(db: Kysely<Database>, organizationId: string, id: string) {
  const row = await selectFormations(db, organizationId).where('formations.id', '=', id).executeTakeFirst();
  return row ? toFormation(row) : undefined;
}

/** The stored age range, for checking a partial update against it. */
export async function findFormationAgeRange(db: Kysely<Database>, organizationId: string, id: string) {
  return db.selectFrom('formations').select(['id', 'age_min', 'age_max'])
    .where('organization_id', '=', organizationId).where('id', '=', id).executeTakeFirst();
}

export async function programExists(db: Kysely<Database>, organizationId: string, programId: string) {
  const row = await db.selectFrom('programs').select('id')
    .where('organization_id', '=', organizationId).where('id', '=', programId).executeTakeFirst();
  return row !== undefined;
}

export async function insertFormation(db: Kysely<Database>, organizationId: string, values: CreateFormation) {
  return db.insertInto('formations').values({ ...values, organization_id: organizationId }).returning('id').executeTakeFirstOrThrow();
}

export async function updateFormation(db: Kysely<Database>, organizationId: string, id: string, values: UpdateFormation) {
  if (Object.values(values).every((value) => value === undefined)) {
    return db.selectFrom('formations').select('id').where('organization_id', '=', organizationId).where('id', '=', id).executeTakeFirst();
  }
  return db.updateTable('formations').set(values).where('organization_id', '=', organizationId).where('id', '=', id)
    .returning('id').executeTakeFirst();
}

export async function countFormationSessions(db: Kysely<Database>, organizationId: string, id: string) {
  const row = await db.selectFrom('sessions').select((eb) => eb.fn.countAll<string>().as('n'))
    .where('organization_id', '=', organizationId).where('formation_id', '=', id).executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function deleteFormation(db: Kysely<Database>, organizationId: string, id: string) {
  const result = await db.deleteFrom('formations').where('organization_id', '=', organizationId).where('id', '=', id).executeTakeFirst();
  return Number(result.numDeletedRows);
}

function toFormation<T extends { session_count: number | string | null; duration_unit: string | null; price: string | null; duration_hours: string | null }>(row: T) {
  return {
    ...row,
    session_count: Number(row.session_count ?? 0),
    duration_unit: row.duration_unit as 'hours' | 'days' | 'weeks' | 'months' | null,
  };
}
