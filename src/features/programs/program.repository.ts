import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema';
import { likePattern } from '../../shared/database-errors';
import type { CreateProgram, ListProgramsQuery, UpdateProgram } from './program.schemas';

function selectPrograms(db: Kysely<Database>, organizationId: string) {
  return db
    .selectFrom('programs')
    .selectAll('programs')
    .select((eb) =>
      eb.selectFrom('formations')
        .select(eb.fn.countAll<number>().as('n'))
        .whereRef('formations.organization_id', '=', 'programs.organization_id')
        .whereRef('formations.program_id', '=', 'programs.id')
        .as('formation_count'),
    )
    .where('programs.organization_id', '=', organizationId);
}

export async function listPrograms(db: Kysely<Database>, organizationId: string, query: ListProgramsQuery) {
  let filtered = db.selectFrom('programs').where('programs.organization_id', '=', organizationId);
  if (query.is_active !== undefined) filtered = filtered.where('programs.is_active', '=', query.is_active);
  if (query.q) {
    const pattern = likePattern(query.q);
    filtered = filtered.where((eb) => eb.or([eb('programs.code', 'ilike', pattern), eb('programs.name', 'ilike', pattern)]));
  }
  const total = await filtered.select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
  const ids = filtered
    .select('programs.id')
    .orderBy(`programs.${query.sort}`, query.order)
    .orderBy('programs.id')
    .limit(query.page_size)
    .offset((query.page - 1) * query.page_size);
  const items = await selectPrograms(db, organizationId)
    .where('programs.id', 'in', ids)
    .orderBy(`programs.${query.sort}`, query.order)
    .orderBy('programs.id')
    .execute();
  return { items: items.map(withCount), total: Number(total.n) };
}

export async function findProgram(db: Kysely<Database>, organizationId: string, id: string) {
  const row = await selectPrograms(db, organizationId).where('programs.id', '=', id).executeTakeFirst();
  return row ? withCount(row) : undefined;
}

export async function insertProgram(db: Kysely<Database>, organizationId: string, values: CreateProgram) {
  return db.insertInto('programs').values({ ...values, organization_id: organizationId }).returning('id').executeTakeFirstOrThrow();
}

export async function updateProgram(db: Kysely<Database>, organizationId: string, id: string, values: UpdateProgram) {
  if (Object.values(values).every((value) => value === undefined)) {
    return db.selectFrom('programs').select('id').where('organization_id', '=', organizationId).where('id', '=', id).executeTakeFirst();
  }
  return db.updateTable('programs').set(values).where('organization_id', '=', organizationId).where('id', '=', id)
    .returning('id').executeTakeFirst();
}

export async function deleteProgram(db: Kysely<Database>, organizationId: string, id: string) {
  const result = await db.deleteFrom('programs').where('organization_id', '=', organizationId).where('id', '=', id).executeTakeFirst();
  return Number(result.numDeletedRows);
}

export async function findFormationIds(db: Kysely<Database>, organizationId: string, ids: string[]) {
  const rows = await db.selectFrom('formations').select('id').where('organization_id', '=', organizationId).where('id', 'in', ids).execute();
  return rows.map((row) => row.id);
}

export async function linkFormations(db: Kysely<Database>, organizationId: string, programId: string, formationIds: string[]) {
  const result = await db.updateTable('formations').set({ program_id: programId })
    .where('organization_id', '=', organizationId).where('id', 'in', formationIds).executeTakeFirst();
  return Number(result.numUpdatedRows);
}

function withCount<T extends { formation_count: number | string | null }>(row: T) {
  return { ...row, formation_count: Number(row.formation_count ?? 0) };
}
