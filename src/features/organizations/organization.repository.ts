import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema';

export type NewOrganization = {
  code: string;
  name: string;
  country?: string;
  currency?: string;
  language?: 'fr' | 'en';
  timezone?: string;
};

export async function insertOrganization(db: Kysely<Database>, organization: NewOrganization) {
  return db.insertInto('organizations').values(organization).returningAll().executeTakeFirstOrThrow();
}

export async function findOrganizationByCode(db: Kysely<Database>, code: string) {
  return db.selectFrom('organizations').selectAll().where('code', '=', code).executeTakeFirst();
}

export async function findOrganizationById(db: Kysely<Database>, id: string) {
  return db.selectFrom('organizations').selectAll().where('id', '=', id).executeTakeFirst();
}

export type DayHoursUpdate = Partial<Record<
  'morning_start' | 'morning_end' | 'afternoon_start' | 'afternoon_end' | 'evening_start' | 'evening_end', string>>;

export async function updateOrganization(db: Kysely<Database>, id: string, values: DayHoursUpdate) {
  if (Object.values(values).every((value) => value === undefined)) return findOrganizationById(db, id);
  return db.updateTable('organizations').set(values).where('id', '=', id).returningAll().executeTakeFirst();
}
