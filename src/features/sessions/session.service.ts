/**
 * Sessions: dated runs of a formation. Admin and secretary manage them; staff read them all and
 * a teacher reads only the sessions they train (row-level security, so others are a 404).
 */
import type { TenantTransaction } from '../../db/tenant';
import { type Actor, MANAGERS, assertRole } from '../../shared/actor';
import { translateConstraintError } from '../../shared/database-errors';
import { AppError, notFound } from '../../shared/errors';
import { type Language, type MessageKey, message } from '../../shared/i18n';
import { loadSession } from './session-access';
import * as repository from './session.repository';
import { type CreateSession, type ListSessionsQuery, type ListTrainersQuery, type UpdateSession, scheduleIssue } from './session.schemas';
import { generateIntoSession } from './slot.service';

const CONSTRAINTS = {
  sessions_dates_check: { field: 'end_date', message: 'the end date must be on or after the start date' },
  sessions_formation_fkey: { field: 'formation_id', message: 'no such formation in this organisation' },
  sessions_teacher_fkey: { field: 'teacher_id', message: 'no such trainer in this organisation' },
};

type SessionRow = NonNullable<Awaited<ReturnType<typeof repository.findSession>>>;

function fieldError(field: string, key: MessageKey, language: Language) {
  const text = message(key, language);
  return new AppError('VALIDATION_FAILED', text, { fields: [{ field: `body.${field}`, message: text }] });
}

function toSession(row: SessionRow) {
  const enrolled = Number(row.enrolled_count ?? 0);
  return {
    ...row,
    slot_count: Number(row.slot_count ?? 0),
    planned_minutes: Number(row.planned_minutes ?? 0),
    status: row.status as 'planned' | 'ongoing' | 'completed' | 'cancelled',
    enrolled_count: enrolled,
    waitlisted_count: Number(row.waitlisted_count ?? 0),
    seats_remaining: row.capacity_max === null ? null : Math.max(row.capacity_max - enrolled, 0),
  };
}

/** Checks the references and the schedule of a session as it will be stored. */
async function assertValidSession(
  trx: TenantTransaction,
  actor: Actor,
  values: UpdateSession,
  merged: Parameters<typeof scheduleIssue>[0],
  language: Language,
) {
  const issue = scheduleIssue(merged);
  if (issue) throw fieldError(issue.field, issue.key, language);
  if (values.formation_id && !(await repository.formationExists(trx, actor.organizationId, values.formation_id))) {
    throw fieldError('formation_id', 'formation_not_in_organization', language);
  }
  if (values.teacher_id && !(await repository.isEligibleTeacher(trx, actor.organizationId, values.teacher_id))) {
    throw fieldError('teacher_id', 'teacher_not_in_organization', language);
  }
}

export async function listSessions(trx: TenantTransaction, actor: Actor, query: ListSessionsQuery) {
  const { items, total } = await repository.listSessions(trx, actor.organizationId, query);
  return { items: items.map(toSession), total, page: query.page, page_size: query.page_size };
}

export async function getSession(trx: TenantTransaction, actor: Actor, id: string) {
  const row = await repository.findSession(trx, actor.organizationId, id);
  if (!row) throw notFound('session');
  return toSession(row);
}

export async function createSession(trx: TenantTransaction, actor: Actor, values: CreateSession, language: Language = 'fr') {
  assertRole(actor, MANAGERS);
  await assertValidSession(trx, actor, values, values, language);
  const { schedule, ...fields } = values;
  const created = await repository.insertSession(trx, actor.organizationId, fields).catch((error) => translateConstraintError(error, CONSTRAINTS));
  if (schedule !== null) {
    const session = await loadSession(trx, actor, created.id, 'read');
    await generateIntoSession(trx, actor, session, schedule ?? {}, language, 'schedule');
  }
  return getSession(trx, actor, created.id);
}

export async function updateSession(trx: TenantTransaction, actor: Actor, id: string, values: UpdateSession, language: Language = 'fr') {
  assertRole(actor, MANAGERS);
  const stored = await repository.lockSession(trx, actor.organizationId, id);
  if (!stored) throw notFound('session');
  const merged = {
    start_date: stored.start_date,
    end_date: stored.end_date,
    ...definedOnly(values),
  };
  await assertValidSession(trx, actor, values, merged, language);
  if (values.start_date || values.end_date) {
    const outside = await repository.countSlotsOutside(trx, actor.organizationId, id, merged.start_date, merged.end_date);
    if (outside > 0) {
      const text = `${message('slots_outside_dates', language)} (${outside})`;
      throw new AppError('CONFLICT', text, { slots_outside: outside, fields: [{ field: `body.${values.start_date ? 'start_date' : 'end_date'}`, message: text }] });
    }
  }
  if (values.capacity_max != null) {
    const enrolled = await repository.countSeatHoldingEnrollments(trx, actor.organizationId, id);
    if (values.capacity_max < enrolled) {
      const text = `${message('capacity_below_enrolled', language)} (${values.capacity_max} < ${enrolled})`;
      throw new AppError('CONFLICT', text, { enrolled_count: enrolled, fields: [{ field: 'body.capacity_max', message: text }] });
    }
  }
  const updated = await repository.updateSession(trx, actor.organizationId, id, values).catch((error) => translateConstraintError(error, CONSTRAINTS));
  if (!updated) throw notFound('session');
  return getSession(trx, actor, id);
}

/** Refused while enrollments, attendance or grades refer to the session; says which and how many. */
export async function deleteSession(trx: TenantTransaction, actor: Actor, id: string) {
  assertRole(actor, MANAGERS);
  const stored = await repository.lockSession(trx, actor.organizationId, id);
  if (!stored) throw notFound('session');
  const dependents = await repository.countSessionDependents(trx, actor.organizationId, id);
  const described = [
    dependents.enrollments > 0 ? `${dependents.enrollments} enrollment(s)` : undefined,
    dependents.attendance > 0 ? `${dependents.attendance} attendance record(s)` : undefined,
    dependents.grades > 0 ? `${dependents.grades} grade(s)` : undefined,
  ].filter((part) => part !== undefined);
  if (described.length > 0) {
    throw new AppError('HAS_DEPENDENTS', `${described.join(', ')} still depend on this session: remove them or cancel the session instead`, { dependents });
  }
  if ((await repository.deleteSession(trx, actor.organizationId, id)) === 0) throw notFound('session');
}

/**
 * The accounts a session can name as trainer, for pickers and filters: every staff member may
 * read their colleagues (docs/permissions.md), whereas /api/users is for administrators.
 */
export async function listTrainers(trx: TenantTransaction, actor: Actor, query: ListTrainersQuery) {
  const { items, total } = await repository.listEligibleTeachers(trx, actor.organizationId, query);
  return { items: items.map((row) => ({ ...row, role: row.role as 'teacher' | 'admin' })), total, page: query.page, page_size: query.page_size };
}

function definedOnly<T extends object>(values: T): Partial<T> {
  return Object.fromEntries(Object.entries(values).filter(([, value]) => value !== undefined)) as Partial<T>;
}
