/**
 * Which sessions a caller may see and mark (docs/permissions.md, src/shared/roles.ts): admin,
 * secretary, staff and accountant read every session of their organisation, a teacher only the
 * sessions they train; admin, secretary and the session's teacher write attendance and grades.
 * A session the caller may not see is a 404, exactly like one that does not exist. Shared by
 * slots, attendance, grades and the funders' exports (through this feature's index.ts).
 */
import type { TenantTransaction } from '../../db/tenant';
import { type Actor, type StaffRole, assertRole } from '../../shared/actor';
import { notFound } from '../../shared/errors';
import { PERMISSIONS, can } from '../../shared/roles';
import { type SessionRecord, findSessionRecord } from './session.repository';

export type { SessionRecord };

/** Roles that record attendance and grades (a teacher only in their own sessions). */
export const MARKERS: readonly StaffRole[] = PERMISSIONS.recordMarks;

export async function loadSession(trx: TenantTransaction, actor: Actor, sessionId: string, access: 'read' | 'write'): Promise<SessionRecord> {
  if (access === 'write') assertRole(actor, MARKERS);
  const session = await findSessionRecord(trx, actor.organizationId, sessionId);
  if (!session || (!can(actor.role, 'readAllSessions') && session.teacher_id !== actor.userId)) throw notFound('session');
  return session;
}
