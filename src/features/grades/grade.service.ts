/**
 * Grades of a session's learners. Everyone who may see the session reads them except the
 * accountant, who has no access to grades (src/shared/roles.ts); admin, secretary and the
 * session's teacher write them, in bulk, all or none. Every change is kept in change_log by a
 * database trigger.
 */
import type { TenantTransaction } from '../../db/tenant';
import { type Actor, assertCan } from '../../shared/actor';
import { AppError, notFound } from '../../shared/errors';
import type { Language } from '../../shared/i18n';
import { collectEntryErrors } from '../../shared/entry-errors';
import { listEnrolledStudentIds, listSessionLearners } from '../attendance';
import { loadSession } from '../sessions';
import * as repository from './grade.repository';
import { DEFAULT_MAX_SCORE, type SaveGrades, hundredths } from './grade.schemas';

export async function listSessionGrades(trx: TenantTransaction, actor: Actor, sessionId: string) {
  assertCan(actor, 'readGrades');
  const session = await loadSession(trx, actor, sessionId, 'read');
  return readGrades(trx, actor, session.id);
}

/** Creates the grades without id and updates those with one; validated as a whole first. */
export async function saveGrades(trx: TenantTransaction, actor: Actor, sessionId: string, body: SaveGrades, language: Language) {
  const session = await loadSession(trx, actor, sessionId, 'write');
  // As for attendance: a cancelled session takes no grade (deleting one stays possible).
  if (session.status === 'cancelled') throw new AppError('SESSION_CANCELLED', 'the session is cancelled: its grades cannot be recorded');
  const enrolled = new Set(await listEnrolledStudentIds(trx, actor.organizationId, session.id));
  const ids = body.grades.flatMap((entry) => (entry.id ? [entry.id] : []));
  const existing = new Map((await repository.findGrades(trx, actor.organizationId, session.id, ids)).map((row) => [row.id, row]));
  const seen = new Set<string>();
  const errors = collectEntryErrors(language);
  body.grades.forEach((entry, index) => {
    const field = `body.grades.${index}`;
    if (!enrolled.has(entry.student_id)) errors.add(`${field}.student_id`, 'student_not_enrolled');
    if (entry.id === undefined) return;
    const current = existing.get(entry.id);
    if (!current) errors.add(`${field}.id`, 'grade_not_in_session');
    else if (hundredths(entry.score) > hundredths(entry.max_score ?? current.max_score)) errors.add(`${field}.score`, 'score_above_max');
    if (seen.has(entry.id)) errors.add(`${field}.id`, 'duplicate_entry');
    seen.add(entry.id);
  });
  errors.throwIfAny();

  const created = body.grades.filter((entry) => entry.id === undefined).map((entry) => ({
    session_id: session.id,
    student_id: entry.student_id,
    subject: entry.subject,
    assessment_type: entry.assessment_type ?? null,
    score: entry.score,
    max_score: entry.max_score ?? DEFAULT_MAX_SCORE,
    coefficient: entry.coefficient ?? '1',
    appreciation: entry.appreciation ?? null,
    graded_by: actor.userId,
  }));
  await repository.insertGrades(trx, actor.organizationId, created);
  for (const entry of body.grades) {
    if (entry.id === undefined) continue;
    await repository.updateGrade(trx, actor.organizationId, session.id, entry.id, {
      student_id: entry.student_id,
      subject: entry.subject,
      assessment_type: entry.assessment_type,
      score: entry.score,
      max_score: entry.max_score,
      coefficient: entry.coefficient,
      appreciation: entry.appreciation,
      graded_by: actor.userId,
    });
  }
  return readGrades(trx, actor, session.id);
}

export async function deleteGrade(trx: TenantTransaction, actor: Actor, sessionId: string, gradeId: string) {
  const session = await loadSession(trx, actor, sessionId, 'write');
  if ((await repository.deleteGrade(trx, actor.organizationId, session.id, gradeId)) === 0) throw notFound('grade');
}

async function readGrades(trx: TenantTransaction, actor: Actor, sessionId: string) {
  const roster = await listSessionLearners(trx, actor.organizationId, sessionId, 'grades');
  const grades = await repository.listGrades(trx, actor.organizationId, sessionId);
  const averages = await repository.listAverages(trx, actor.organizationId, sessionId);
  return {
    session_id: sessionId,
    session_average: averages.session,
    students: roster.map((student) => ({
      ...student,
      average: averages.byStudent.get(student.student_id) ?? null,
      grades: grades.filter((grade) => grade.student_id === student.student_id),
    })),
  };
}
