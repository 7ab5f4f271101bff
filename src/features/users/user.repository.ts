import { type Kysely, sql } from 'kysely';
import type { Database } from '../../db/schema';
import { likePattern } from '../../shared/database-errors';
import type { ListUsersQuery, UpdateUser } from './user.schemas';

const USER_COLUMNS = ['id', 'organization_id', 'email', 'full_name', 'role', 'is_active', 'created_at', 'updated_at'] as const;

export async function listUsers(db: Kysely<Database>, organizationId: string, query: ListUsersQuery) {
  let filtered = db.selectFrom('users').where('organization_id', '=', organizationId);
  if (query.role) filtered = filtered.where('role', '=', query.role);
  if (query.is_active !== undefined) filtered = filtered.where('is_active', '=', query.is_active);
  if (query.q) {
    const pattern = likePattern(query.q);
    filtered = filtered.where((eb) => eb.or([eb('email', 'ilike', pattern), eb('full_name', 'ilike', pattern)]));
  }
  const total = await filtered.select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
  const items = await filtered
    .select(USER_COLUMNS)
    .orderBy(query.sort, query.order)
    .orderBy('id')
    .limit(query.page_size)
    .offset((query.page - 1) * query.page_size)
    .execute();
  return { items, total: Number(total.n) };
}

export async function findUser(db: Kysely<Database>, organizationId: string, id: string) {
  return db.selectFrom('users').select(USER_COLUMNS).where('organization_id', '=', organizationId).where('id', '=', id).executeTakeFirst();
}

/**
 * Creates the login identity and the staff profile in the caller's organisation, through the
 * security definer function public.create_staff_account (the `authenticated` role cannot write
 * auth.users); the function itself checks that the caller is an active administrator.
 */
export async function createStaffAccount(
  db: Kysely<Database>,
  account: { email: string; passwordHash: string; fullName: string | null; role: string },
) {
  const result = await sql<{ id: string }>`
    select public.create_staff_account(${account.email}, ${account.passwordHash}, ${account.fullName}, ${account.role}) as id
  `.execute(db);
  return result.rows[0]!.id;
}

/** The profile of a new staff member, whose login identity `id` was just created. */
export async function insertStaffProfile(
  db: Kysely<Database>,
  profile: { id: string; organizationId: string; email: string; fullName: string | null; role: string },
) {
  return db.insertInto('users')
    .values({ id: profile.id, organization_id: profile.organizationId, email: profile.email, full_name: profile.fullName, role: profile.role })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function updateUser(db: Kysely<Database>, organizationId: string, id: string, values: UpdateUser) {
  if (Object.values(values).every((value) => value === undefined)) return findUser(db, organizationId, id);
  return db.updateTable('users').set(values).where('organization_id', '=', organizationId).where('id', '=', id)
    .returning(USER_COLUMNS).executeTakeFirst();
}
