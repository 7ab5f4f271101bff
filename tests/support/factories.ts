/**
 * Test data factories: each call creates fresh rows with unique codes, and takes overrides.
 * They write as the connection's superuser (outside RLS), like an operator would.
 */
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../../src/db/schema';
import type { TenantClaims } from '../../src/db/tenant';
import { createIdentity, hashPassword, identityStoreOf } from '../../src/features/auth';
import { type NewOrganization, insertOrganization } from '../../src/features/organizations/organization.repository';
import { type StaffRole, createStaffAccount } from '../../src/features/users/staff-account';

export const TEST_PASSWORD = 'correct horse battery staple';

export function uniqueCode(prefix: string): string {
  return `${prefix}-${randomUUID().slice(0, 8)}`.toUpperCase();
}

export async function createOrganization(db: Kysely<Database>, overrides: Partial<NewOrganization> = {}) {
  return insertOrganization(db, { code: uniqueCode('ORG'), name: 'Centre de formation test', ...overrides });
}

export async function createStaff(
  db: Kysely<Database>,
  organizationId: string,
  role: StaffRole = 'admin',
  overrides: { email?: string; fullName?: string; password?: string } = {},
) {
  return createStaffAccount(db, {
    organizationId,
    role,
    email: overrides.email ?? `${role}-${randomUUID().slice(0, 8)}@example.test`,
    fullName: overrides.fullName ?? `Test ${role}`,
    password: overrides.password ?? TEST_PASSWORD,
  });
}

/**
 * A learner's or a parent's account (public.portal_accounts) with a login identity that has a
 * password, as the legacy upgrade brings them: not staff, inactive.
 */
export async function createPortalAccount(
  db: Kysely<Database>,
  organizationId: string,
  overrides: { kind?: 'student' | 'parent'; email?: string; fullName?: string; password?: string; studentId?: string } = {},
) {
  const kind = overrides.kind ?? 'student';
  const email = (overrides.email ?? `${kind}-${randomUUID().slice(0, 8)}@example.test`).toLowerCase();
  const fullName = overrides.fullName ?? `Test ${kind}`;
  const store = await identityStoreOf(db);
  const passwordHash = await hashPassword(overrides.password ?? TEST_PASSWORD, store.passwordHashKind);
  return db.transaction().execute(async (trx) => {
    const id = await createIdentity(trx, store, { email, passwordHash, fullName });
    return trx.insertInto('portal_accounts')
      .values({ id, organization_id: organizationId, kind, email, full_name: fullName, legacy_role: kind, student_id: overrides.studentId ?? null })
      .returningAll()
      .executeTakeFirstOrThrow();
  });
}

export function claimsFor(user: { id: string; organization_id: string; role: string }): TenantClaims {
  return { sub: user.id, role: 'authenticated', organization_id: user.organization_id, staff_role: user.role };
}

/** An organisation with one account of each role, and a small catalogue. */
export async function createTenant(db: Kysely<Database>) {
  const organization = await createOrganization(db);
  const admin = await createStaff(db, organization.id, 'admin');
  const secretary = await createStaff(db, organization.id, 'secretary');
  const teacher = await createStaff(db, organization.id, 'teacher');
  const staff = await createStaff(db, organization.id, 'staff');
  const program = await db
    .insertInto('programs')
    .values({ organization_id: organization.id, code: uniqueCode('PRG'), name: 'Programme test' })
    .returningAll()
    .executeTakeFirstOrThrow();
  const formation = await db
    .insertInto('formations')
    .values({ organization_id: organization.id, program_id: program.id, code: uniqueCode('FRM'), name: 'Formation test' })
    .returningAll()
    .executeTakeFirstOrThrow();
  const session = await db
    .insertInto('sessions')
    .values({
      organization_id: organization.id,
      formation_id: formation.id,
      name: 'Session test',
      start_date: '2026-03-02',
      end_date: '2026-03-06',
      teacher_id: teacher.id,
      capacity_max: 10,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  const student = await db
    .insertInto('students')
    .values({ organization_id: organization.id, first_name: 'Camille', last_name: 'Martin', student_number: uniqueCode('STU') })
    .returningAll()
    .executeTakeFirstOrThrow();
  const enrollment = await db
    .insertInto('enrollments')
    .values({ organization_id: organization.id, session_id: session.id, student_id: student.id })
    .returningAll()
    .executeTakeFirstOrThrow();
  const slot = await db
    .insertInto('session_slots')
    .values({ organization_id: organization.id, session_id: session.id, date: '2026-03-02', start_time: '09:00', end_time: '12:30', part_of_day: 'morning' })
    .returningAll()
    .executeTakeFirstOrThrow();
  const attendance = await db
    .insertInto('attendance')
    .values({ organization_id: organization.id, session_id: session.id, slot_id: slot.id, student_id: student.id, date: '2026-03-02', status: 'present' })
    .returningAll()
    .executeTakeFirstOrThrow();
  const grade = await db
    .insertInto('grades')
    .values({ organization_id: organization.id, session_id: session.id, student_id: student.id, subject: 'Évaluation finale', score: '15', max_score: '20' })
    .returningAll()
    .executeTakeFirstOrThrow();
  return { organization, admin, secretary, teacher, staff, program, formation, session, slot, student, enrollment, attendance, grade };
}
