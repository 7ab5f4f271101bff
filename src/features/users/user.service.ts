/**
 * Staff accounts, managed by the organisation's administrators only. Accounts are never
 * deleted (attendance and grades keep who recorded them): DELETE deactivates. Nobody changes
 * their own role or active state (the users_guard_self_update trigger refuses it as well).
 */
import { randomBytes } from 'node:crypto';
import type { TenantTransaction } from '../../db/tenant';
import { type Actor, assertCan } from '../../shared/actor';
import { translateConstraintError } from '../../shared/database-errors';
import { AppError, notFound } from '../../shared/errors';
import type { StaffRole } from '../../shared/roles';
import { type PasswordHashKind, hashPassword } from '../auth';
import * as repository from './user.repository';
import type { CreateUser, ListUsersQuery, UpdateUser } from './user.schemas';

const CONSTRAINTS = {
  staff_accounts_email_key: { field: 'email', message: 'an account with this e-mail already exists' },
  users_organization_id_email_key: { field: 'email', message: 'an account with this e-mail already exists' },
  users_email_key: { field: 'email', message: 'an account with this e-mail already exists' },
};

type StaffRow = NonNullable<Awaited<ReturnType<typeof repository.findUser>>>;

function toStaffUser(row: StaffRow) {
  return { ...row, role: row.role as StaffRole };
}

/** 16 characters from 96 random bits, URL-safe so that it survives copy and paste. */
export function generateTemporaryPassword(): string {
  return randomBytes(12).toString('base64url');
}

export async function listUsers(trx: TenantTransaction, actor: Actor, query: ListUsersQuery) {
  assertCan(actor, 'manageUsers');
  const { items, total } = await repository.listUsers(trx, actor.organizationId, query);
  return { items: items.map(toStaffUser), total, page: query.page, page_size: query.page_size };
}

export async function getUser(trx: TenantTransaction, actor: Actor, id: string) {
  assertCan(actor, 'manageUsers');
  const user = await repository.findUser(trx, actor.organizationId, id);
  if (!user) throw notFound('user');
  return toStaffUser(user);
}

/**
 * Creates an account in the caller's organisation; a generated password is returned once. The
 * password is hashed with the kind the identity store verifies (bcrypt where Supabase Auth reads
 * auth.users, argon2id on EDUZEN's own).
 */
export async function createUser(trx: TenantTransaction, actor: Actor, values: CreateUser, passwordHashKind: PasswordHashKind) {
  assertCan(actor, 'manageUsers');
  const temporaryPassword = values.password === undefined ? generateTemporaryPassword() : undefined;
  const passwordHash = await hashPassword(values.password ?? temporaryPassword!, passwordHashKind);
  const id = await repository.createStaffAccount(trx, {
    email: values.email,
    passwordHash,
    fullName: values.full_name ?? null,
    role: values.role,
  }).catch((error) => translateConstraintError(error, CONSTRAINTS));
  const user = await getUser(trx, actor, id);
  return temporaryPassword === undefined ? user : { ...user, temporary_password: temporaryPassword };
}

export async function updateUser(trx: TenantTransaction, actor: Actor, id: string, values: UpdateUser) {
  const current = await getUser(trx, actor, id);
  if (id === actor.userId) {
    if (values.role !== undefined && values.role !== current.role) {
      throw new AppError('FORBIDDEN', 'you cannot change your own role: ask another administrator');
    }
    if (values.is_active !== undefined && values.is_active !== current.is_active) {
      throw new AppError('FORBIDDEN', 'you cannot deactivate your own account: ask another administrator');
    }
  }
  const updated = await repository.updateUser(trx, actor.organizationId, id, values);
  if (!updated) throw notFound('user');
  return toStaffUser(updated);
}

/** Deactivates the account (idempotent); the row stays for the history that refers to it. */
export async function deactivateUser(trx: TenantTransaction, actor: Actor, id: string) {
  await getUser(trx, actor, id);
  if (id === actor.userId) throw new AppError('FORBIDDEN', 'you cannot deactivate your own account: ask another administrator');
  await repository.updateUser(trx, actor.organizationId, id, { is_active: false });
}
