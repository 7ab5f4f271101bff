import { z } from 'zod';
import { i18nError } from '../../shared/i18n';
import { optionalText, requiredText, sessionLearner, timestamp } from '../../shared/schemas';

/** The most grades one PUT may carry. */
export const MAX_GRADES = 2000;

export const DEFAULT_MAX_SCORE = '20';

/** A non-negative decimal with at most two decimals and `digits` integer digits, as text. */
function decimal(digits: number) {
  return z.union([z.number(), z.string()])
    .transform((value) => String(value).trim().replace(',', '.'))
    .pipe(z.string().regex(new RegExp(`^\\d{1,${digits}}(\\.\\d{1,2})?$`), `a number ≥ 0 with at most ${digits} digits before and 2 after the point`));
}

function positive(digits: number) {
  return decimal(digits).refine((value) => Number(value) > 0, 'must be greater than 0');
}

/** Exact comparison of two-decimal amounts, in hundredths. */
export function hundredths(value: string): number {
  return Math.round(Number(value) * 100);
}

export const gradeEntry = z.object({
  /** Present to update an existing grade of the session; absent to create one. */
  id: z.guid().optional(),
  student_id: z.guid(),
  subject: requiredText(200),
  assessment_type: optionalText(100).optional(),
  score: decimal(4),
  /** Defaults to 20 for a new grade; an update keeps the grade's current maximum. */
  max_score: positive(4).optional(),
  coefficient: positive(3).optional(),
  appreciation: optionalText(2000).optional(),
}).refine(
  (entry) => entry.max_score === undefined && entry.id !== undefined
    || hundredths(entry.score) <= hundredths(entry.max_score ?? DEFAULT_MAX_SCORE),
  i18nError('score_above_max', ['score']),
);

export const saveGradesBody = z.object({
  grades: z.array(gradeEntry).min(1).max(MAX_GRADES),
});

export const gradeParams = z.object({ id: z.guid(), gradeId: z.guid() });

export const grade = z.object({
  id: z.guid(),
  student_id: z.guid(),
  subject: z.string(),
  assessment_type: z.string().nullable(),
  score: z.string(),
  max_score: z.string(),
  coefficient: z.string(),
  appreciation: z.string().nullable(),
  graded_at: timestamp,
  graded_by: z.guid().nullable(),
  updated_at: timestamp,
});

export const sessionGrades = z.object({
  session_id: z.guid(),
  /** Mean of the learners' averages (each learner weighs the same), on 20; null without grades. */
  session_average: z.string().nullable(),
  students: z.array(sessionLearner.extend({
    /** sum(score / max_score × 20 × coefficient) / sum(coefficient), to 2 decimals; null without grades. */
    average: z.string().nullable(),
    grades: z.array(grade),
  })),
});

export type GradeEntry = z.infer<typeof gradeEntry>;
export type SaveGrades = z.infer<typeof saveGradesBody>;
export type SessionGrades = z.infer<typeof sessionGrades>;
