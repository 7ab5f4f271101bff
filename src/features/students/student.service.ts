/**
 * Learners. Admin and secretary manage them; staff read them all; a teacher reads only the
 * learners of their own sessions (row-level security narrows the rows, so another learner is
 * a plain 404).
 */
import { z } from 'zod';
import type { TenantTransaction } from '../../db/tenant';
import { type Actor, MANAGERS, assertRole } from '../../shared/actor';
import { translateConstraintError } from '../../shared/database-errors';
import { AppError, notFound } from '../../shared/errors';
import { type Language, MESSAGES, type MessageKey } from '../../shared/i18n';
import * as repository from './student.repository';
import { type CreateStudent, type ImportRejection, type ImportReport, type ListStudentsQuery, type UpdateStudent, createStudentBody } from './student.schemas';
import { type CsvStudentRow, parseStudentCsv } from './student-csv';

/** Numbers given to learners created without one: STG-000001, STG-000002… */
export const GENERATED_NUMBER_PREFIX = 'STG-';

const CONSTRAINTS = {
  students_organization_id_student_number_key: { field: 'student_number', message: 'a student with this number already exists' },
};

export async function listStudents(trx: TenantTransaction, actor: Actor, query: ListStudentsQuery) {
  const { items, total } = await repository.listStudents(trx, actor.organizationId, query);
  return { items, total, page: query.page, page_size: query.page_size };
}

export async function getStudent(trx: TenantTransaction, actor: Actor, id: string) {
  const student = await repository.findStudent(trx, actor.organizationId, id);
  if (!student) throw notFound('student');
  return student;
}

export async function createStudent(trx: TenantTransaction, actor: Actor, values: CreateStudent) {
  assertRole(actor, MANAGERS);
  const [numbered] = await numberStudents(trx, actor, [values]);
  const [created] = await repository.insertStudents(trx, actor.organizationId, [numbered!])
    .catch((error) => translateConstraintError(error, CONSTRAINTS));
  return getStudent(trx, actor, created!.id);
}

export async function updateStudent(trx: TenantTransaction, actor: Actor, id: string, values: UpdateStudent) {
  assertRole(actor, MANAGERS);
  const updated = await repository.updateStudent(trx, actor.organizationId, id, values)
    .catch((error) => translateConstraintError(error, CONSTRAINTS));
  if (!updated) throw notFound('student');
  return getStudent(trx, actor, id);
}

/** A learner with enrollments, attendance or grades stays: the 409 says what depends on them. */
export async function deleteStudent(trx: TenantTransaction, actor: Actor, id: string) {
  assertRole(actor, MANAGERS);
  await getStudent(trx, actor, id);
  const dependents = await repository.countStudentDependents(trx, actor.organizationId, id);
  const remaining = Object.entries(dependents).filter(([, count]) => count > 0);
  if (remaining.length > 0) {
    const what = remaining.map(([table, count]) => `${count} ${table}`).join(', ');
    throw new AppError('HAS_DEPENDENTS', `this student still has ${what}; set the student inactive instead`, { dependents });
  }
  if ((await repository.deleteStudent(trx, actor.organizationId, id)) === 0) throw notFound('student');
}

/**
 * Gives a number to each learner without one, after the highest generated number in use (or
 * given in the same batch). Holds the organisation's numbering lock until the transaction ends.
 */
async function numberStudents(trx: TenantTransaction, actor: Actor, students: CreateStudent[]): Promise<repository.NewStudent[]> {
  if (students.every((values) => values.student_number !== undefined)) return students as repository.NewStudent[];
  await repository.lockStudentNumbers(trx, actor.organizationId);
  let next = await repository.findHighestGeneratedNumber(trx, actor.organizationId, GENERATED_NUMBER_PREFIX);
  for (const { student_number: given } of students) {
    const match = given ? new RegExp(`^${GENERATED_NUMBER_PREFIX}([0-9]{1,9})$`).exec(given) : null;
    if (match) next = Math.max(next, Number(match[1]));
  }
  return students.map((values) => ({
    ...values,
    student_number: values.student_number ?? `${GENERATED_NUMBER_PREFIX}${String(++next).padStart(6, '0')}`,
  }));
}

export type ImportOptions = { dryRun: boolean; language: Language };

/**
 * Imports learners from CSV, all or none: every row is checked (values, duplicates within the
 * file and against existing numbers and e-mails) before anything is written. The report lists
 * each rejected row; with any rejection, nothing is created and the import fails with a 400
 * carrying the report. A dry run only checks.
 */
export async function importStudents(trx: TenantTransaction, actor: Actor, csv: string, options: ImportOptions): Promise<ImportReport> {
  assertRole(actor, MANAGERS);
  const { rows, malformed, ignoredColumns } = parseStudentCsv(csv);
  const text = (key: MessageKey) => MESSAGES[key][options.language];
  const rejected: ImportRejection[] = malformed.map(({ row }) => ({ row, field: null, message: text('csv_wrong_cell_count') }));

  const valid: Array<{ row: number; values: CreateStudent }> = [];
  for (const row of rows) {
    const parsed = validateRow(row, options.language);
    if (parsed.success) valid.push({ row: row.row, values: parsed.data });
    else rejected.push(...parsed.rejections);
  }
  rejected.push(...(await findDuplicates(trx, actor, valid, text)));
  rejected.sort((a, b) => a.row - b.row || (a.field ?? '').localeCompare(b.field ?? ''));

  const rejectedRows = new Set(rejected.map((rejection) => rejection.row));
  const report: ImportReport = {
    dry_run: options.dryRun,
    imported: false,
    total_rows: rows.length + malformed.length,
    valid_rows: valid.filter(({ row }) => !rejectedRows.has(row)).length,
    created: 0,
    rejected,
    ignored_columns: ignoredColumns,
    students: [],
  };
  if (options.dryRun) return report;
  if (rejected.length > 0) {
    const message = options.language === 'fr'
      ? `${rejectedRows.size} ligne(s) refusée(s) : aucun stagiaire n’a été importé.`
      : `${rejectedRows.size} row(s) rejected: no student was imported.`;
    throw new AppError('VALIDATION_FAILED', message, report);
  }
  if (valid.length === 0) throw new AppError('INVALID_CSV', 'the file has a header but no learner rows');

  const numbered = await numberStudents(trx, actor, valid.map(({ values }) => values));
  const created = await repository.insertStudents(trx, actor.organizationId, numbered)
    .catch((error) => translateConstraintError(error, CONSTRAINTS));
  return {
    ...report,
    imported: true,
    created: created.length,
    students: created.map((student, index) => ({ row: valid[index]!.row, ...student })),
  };
}

const localeErrors = { fr: z.locales.fr().localeError, en: z.locales.en().localeError };

function validateRow(row: CsvStudentRow, language: Language) {
  const parsed = createStudentBody.safeParse(row.values, { error: localeErrors[language] });
  if (parsed.success) return { success: true as const, data: parsed.data };
  const rejections = parsed.error.issues.map((issue) => {
    const key = (issue as { params?: { i18n?: string } }).params?.i18n;
    return {
      row: row.row,
      field: issue.path.length > 0 ? issue.path.join('.') : null,
      message: key && key in MESSAGES ? MESSAGES[key as MessageKey][language] : issue.message,
    };
  });
  return { success: false as const, rejections };
}

async function findDuplicates(
  trx: TenantTransaction,
  actor: Actor,
  valid: Array<{ row: number; values: CreateStudent }>,
  text: (key: MessageKey) => string,
): Promise<ImportRejection[]> {
  const numbers = valid.flatMap(({ values }) => (values.student_number ? [values.student_number] : []));
  const emails = valid.flatMap(({ values }) => (values.email ? [values.email] : []));
  const existing = await repository.findStudentsByIdentifiers(trx, actor.organizationId, [...new Set(numbers)], [...new Set(emails)]);
  const takenNumbers = new Set(existing.map((student) => student.student_number));
  const takenEmails = new Set(existing.map((student) => student.email?.toLowerCase()));
  const seenNumbers = new Map<string, number>();
  const seenEmails = new Map<string, number>();
  const rejections: ImportRejection[] = [];
  for (const { row, values } of valid) {
    if (values.student_number) {
      if (takenNumbers.has(values.student_number)) rejections.push({ row, field: 'student_number', message: text('student_number_taken') });
      else if (seenNumbers.has(values.student_number)) rejections.push({ row, field: 'student_number', message: `${text('student_number_repeated_in_file')} (${seenNumbers.get(values.student_number)})` });
      else seenNumbers.set(values.student_number, row);
    }
    if (values.email) {
      if (takenEmails.has(values.email)) rejections.push({ row, field: 'email', message: text('email_taken') });
      else if (seenEmails.has(values.email)) rejections.push({ row, field: 'email', message: `${text('email_repeated_in_file')} (${seenEmails.get(values.email)})` });
      else seenEmails.set(values.email, row);
    }
  }
  return rejections;
}
