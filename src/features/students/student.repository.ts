import { type Expression, type Kysely, type RawBuilder, type Transaction, sql } from 'kysely';
import type { Database } from '../../db/schema';
import { likePattern } from '../../shared/database-errors';
import type { CreateStudent, ListStudentsQuery, STUDENT_STATUSES, UpdateStudent } from './student.schemas';

type StudentStatus = (typeof STUDENT_STATUSES)[number];

export type NewStudent = CreateStudent & { student_number: string };

// Capitals too: under a C collation lower() leaves non-ASCII letters as they are.
const ACCENTED = 'àáâãäåçèéêëìíîïñòóôõöùúûüýÿÀÁÂÃÄÅÇÈÉÊËÌÍÎÏÑÒÓÔÕÖÙÚÛÜÝŸ';
const PLAIN = 'aaaaaaceeeeiiiinooooouuuuyyaaaaaaceeeeiiiinooooouuuuyy';

/** Lower case without accents, so that a search for "helene" finds "Hélène". */
export function foldForSearch(text: string): string {
  return text.normalize('NFD').replace(/\p{Diacritic}/gu, '').toLowerCase();
}

function folded(expression: Expression<string | null>): RawBuilder<string> {
  return sql<string>`translate(lower(${expression}), ${ACCENTED}, ${PLAIN})`;
}

/** Text columns sort as a reader expects (Éluard between Dupont and Martin), whatever the collation. */
const TEXT_SORTS = new Set<ListStudentsQuery['sort']>(['last_name', 'first_name', 'student_number', 'email']);

function direction<T extends { asc(): T; desc(): T; nullsLast(): T; nullsFirst(): T }>(ob: T, order: 'asc' | 'desc'): T {
  return order === 'asc' ? ob.asc().nullsLast() : ob.desc().nullsFirst();
}

export async function listStudents(db: Kysely<Database>, organizationId: string, query: ListStudentsQuery) {
  let filtered = db.selectFrom('students').where('students.organization_id', '=', organizationId);
  if (query.status) filtered = filtered.where('students.status', '=', query.status);
  if (query.q) {
    const pattern = likePattern(foldForSearch(query.q));
    filtered = filtered.where((eb) => eb.or([
      eb(folded(sql`students.first_name || ' ' || students.last_name`), 'like', pattern),
      eb(folded(sql`students.last_name || ' ' || students.first_name`), 'like', pattern),
      eb(folded(eb.ref('students.email')), 'like', pattern),
      eb(folded(eb.ref('students.student_number')), 'like', pattern),
    ]));
  }
  const total = await filtered.select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
  const items = await filtered
    .selectAll('students')
    .$narrowType<{ status: StudentStatus }>()
    .$call((builder) => (TEXT_SORTS.has(query.sort)
      ? builder.orderBy(folded(sql.ref(`students.${query.sort}`)), (ob) => direction(ob, query.order))
      : builder))
    .orderBy(`students.${query.sort}`, (ob) => direction(ob, query.order))
    .orderBy('students.id')
    .limit(query.page_size)
    .offset((query.page - 1) * query.page_size)
    .execute();
  return { items, total: Number(total.n) };
}

export async function findStudent(db: Kysely<Database>, organizationId: string, id: string) {
  return db.selectFrom('students').selectAll().$narrowType<{ status: StudentStatus }>()
    .where('organization_id', '=', organizationId).where('id', '=', id).executeTakeFirst();
}

/** Inserts learners in order, in batches that stay well below Postgres' parameter limit. */
export async function insertStudents(db: Kysely<Database>, organizationId: string, students: NewStudent[]) {
  const created: Array<{ id: string; student_number: string }> = [];
  for (let start = 0; start < students.length; start += 500) {
    const batch = students.slice(start, start + 500).map((values) => ({ ...values, organization_id: organizationId }));
    const rows = await db.insertInto('students').values(batch).returning(['id', 'student_number']).execute();
    // INSERT … RETURNING gives rows in the order of VALUES.
    created.push(...rows.map((row) => ({ id: row.id, student_number: row.student_number ?? '' })));
  }
  return created;
}

export async function updateStudent(db: Kysely<Database>, organizationId: string, id: string, values: UpdateStudent) {
  if (Object.values(values).every((value) => value === undefined)) {
    return db.selectFrom('students').select('id').where('organization_id', '=', organizationId).where('id', '=', id).executeTakeFirst();
  }
  return db.updateTable('students').set(values).where('organization_id', '=', organizationId).where('id', '=', id)
    .returning('id').executeTakeFirst();
}

export async function deleteStudent(db: Kysely<Database>, organizationId: string, id: string) {
  const result = await db.deleteFrom('students').where('organization_id', '=', organizationId).where('id', '=', id).executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** Rows that still point at a learner, by table. */
export async function countStudentDependents(db: Kysely<Database>, organizationId: string, studentId: string) {
  const row = await db.selectNoFrom((eb) => [
    eb.selectFrom('enrollments').select(eb.fn.countAll<string>().as('n'))
      .where('organization_id', '=', organizationId).where('student_id', '=', studentId).as('enrollments'),
    eb.selectFrom('attendance').select(eb.fn.countAll<string>().as('n'))
      .where('organization_id', '=', organizationId).where('student_id', '=', studentId).as('attendance'),
    eb.selectFrom('grades').select(eb.fn.countAll<string>().as('n'))
      .where('organization_id', '=', organizationId).where('student_id', '=', studentId).as('grades'),
  ]).executeTakeFirstOrThrow();
  return { enrollments: Number(row.enrollments), attendance: Number(row.attendance), grades: Number(row.grades) };
}

/**
 * Serialises the generation of student numbers within one organisation until the transaction
 * ends, so that two concurrent creations never pick the same next number.
 */
export async function lockStudentNumbers(trx: Transaction<Database>, organizationId: string) {
  await sql`select pg_advisory_xact_lock(hashtextextended(${`eduzen.student_number.${organizationId}`}, 0))`.execute(trx);
}

/** The highest n among the organisation's generated numbers STG-n (0 when there is none). */
export async function findHighestGeneratedNumber(db: Kysely<Database>, organizationId: string, prefix: string) {
  const row = await db.selectFrom('students')
    .select(sql<string | null>`max(substring(student_number from ${`^${prefix}([0-9]{1,9})$`})::bigint)`.as('highest'))
    .where('organization_id', '=', organizationId)
    .where('student_number', 'like', `${prefix}%`)
    .executeTakeFirstOrThrow();
  return Number(row.highest ?? 0);
}

/** Existing learners whose number or e-mail is among the given ones. */
export async function findStudentsByIdentifiers(db: Kysely<Database>, organizationId: string, numbers: string[], emails: string[]) {
  if (numbers.length === 0 && emails.length === 0) return [];
  return db.selectFrom('students')
    .select(['id', 'student_number', 'email'])
    .where('organization_id', '=', organizationId)
    .where((eb) => eb.or([
      ...(numbers.length > 0 ? [eb('student_number', 'in', numbers)] : []),
      ...(emails.length > 0 ? [eb(eb.fn('lower', ['email']), 'in', emails)] : []),
    ]))
    .execute();
}
