import { type Kysely, type Transaction, sql } from 'kysely';
import type { Database } from '../../db/schema';

const GRADE_COLUMNS = [
  'id', 'student_id', 'subject', 'assessment_type', 'score', 'max_score', 'coefficient', 'appreciation',
  'graded_at', 'graded_by', 'updated_at',
] as const;

export type NewGrade = {
  session_id: string;
  student_id: string;
  subject: string;
  assessment_type: string | null;
  score: string;
  max_score: string;
  coefficient: string;
  appreciation: string | null;
  graded_by: string;
};

export type GradeChanges = Partial<Omit<NewGrade, 'session_id' | 'graded_by'>> & { graded_by: string };

export async function listGrades(db: Kysely<Database>, organizationId: string, sessionId: string) {
  return db.selectFrom('grades').select(GRADE_COLUMNS)
    .where('organization_id', '=', organizationId).where('session_id', '=', sessionId)
    .orderBy('created_at').orderBy('subject').orderBy('id')
    .execute();
}

/**
 * Each learner's weighted average on 20 and the session's (the mean of the learners' exact
 * averages), computed in numeric and rounded to 2 decimals only at the end.
 */
export async function listAverages(db: Kysely<Database>, organizationId: string, sessionId: string) {
  const rows = await db
    .with('per_student', (qb) => qb.selectFrom('grades')
      .select(['student_id', sql<string>`sum(score / max_score * 20 * coefficient) / sum(coefficient)`.as('average')])
      .where('organization_id', '=', organizationId).where('session_id', '=', sessionId)
      .groupBy('student_id'))
    .selectFrom('per_student')
    .select([
      'student_id',
      sql<string>`round(average, 2)::text`.as('average'),
      sql<string>`round(avg(average) over (), 2)::text`.as('session_average'),
    ])
    .execute();
  return {
    byStudent: new Map(rows.map((row) => [row.student_id, row.average])),
    session: rows[0]?.session_average ?? null,
  };
}

export async function findGrades(db: Kysely<Database>, organizationId: string, sessionId: string, ids: string[]) {
  if (ids.length === 0) return [];
  return db.selectFrom('grades').select(['id', 'student_id', 'score', 'max_score'])
    .where('organization_id', '=', organizationId).where('session_id', '=', sessionId).where('id', 'in', ids)
    .execute();
}

export async function insertGrades(trx: Transaction<Database>, organizationId: string, grades: NewGrade[]) {
  if (grades.length === 0) return;
  await trx.insertInto('grades').values(grades.map((grade) => ({ ...grade, organization_id: organizationId }))).execute();
}

export async function updateGrade(trx: Transaction<Database>, organizationId: string, sessionId: string, id: string, changes: GradeChanges) {
  await trx.updateTable('grades').set({ ...changes, graded_at: sql`now()` })
    .where('organization_id', '=', organizationId).where('session_id', '=', sessionId).where('id', '=', id)
    .execute();
}

export async function deleteGrade(trx: Transaction<Database>, organizationId: string, sessionId: string, id: string) {
  const result = await trx.deleteFrom('grades')
    .where('organization_id', '=', organizationId).where('session_id', '=', sessionId).where('id', '=', id)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
