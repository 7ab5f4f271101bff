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
