/**
 * Funders' exports of a session, as CSV for French Excel: `;` separator, UTF-8 with a BOM,
 * CRLF line ends, decimal comma when the organisation works in French. Column names are stable
 * snake_case keys so that scripts can read them too.
 *
 * - attendance.csv: one row per learner × slot of the attendance grid, with the status and
 *   the slot's planned, attended, excused and unexcused minutes;
 * - enrollments.csv: one row per enrollment (every status), with its payment and the learner's
 *   totals in minutes and in hours.
 * Both start with the same session columns (organisation, formation, dates, place, trainer,
 * slots and planned duration). Anyone who may read the session may export it (the accountant
 * too: the enrollments file carries each enrollment's payment).
 */
import { stringify } from 'csv-stringify/sync';
import type { TenantTransaction } from '../../db/tenant';
import { type Actor, assertCan } from '../../shared/actor';
import { emptySummary, hoursOf, readAttendanceGrid } from '../attendance';
import { type SessionRecord, loadSession } from '../sessions';
import * as repository from './export.repository';

export type CsvFile = { filename: string; content: string };

const SESSION_COLUMNS = [
  'organization', 'formation_code', 'formation_name', 'formation_duration_hours', 'session_name', 'session_start_date',
  'session_end_date', 'location', 'trainer', 'session_slot_count', 'session_planned_hours',
] as const;

export const ATTENDANCE_COLUMNS = [
  ...SESSION_COLUMNS, 'student_number', 'last_name', 'first_name', 'enrollment_status', 'date', 'part_of_day', 'slot_start',
  'slot_end', 'module_title', 'status', 'late_minutes', 'planned_minutes', 'attended_minutes', 'excused_absence_minutes',
  'unexcused_absence_minutes', 'notes',
] as const;

export const ENROLLMENT_COLUMNS = [
  ...SESSION_COLUMNS, 'student_number', 'last_name', 'first_name', 'email', 'employer', 'enrollment_status',
  'enrollment_date', 'funding_scheme', 'learner_category', 'payment_status', 'amount_due', 'amount_paid', 'planned_slots', 'attended_slots',
  'excused_absence_slots', 'unexcused_absence_slots', 'planned_minutes', 'attended_minutes',
  'excused_absence_minutes', 'unexcused_absence_minutes', 'planned_hours', 'attended_hours', 'excused_absence_hours',
  'unexcused_absence_hours', 'attendance_rate_marked', 'attended_minutes_rate',
] as const;

type Row<C extends readonly string[]> = Record<C[number], string | number>;

export async function exportAttendance(trx: TenantTransaction, actor: Actor, sessionId: string): Promise<CsvFile> {
  assertCan(actor, 'exportSessions');
  const session = await loadSession(trx, actor, sessionId, 'read');
  const grid = await readAttendanceGrid(trx, actor, session);
  const header = sessionColumns(session, grid.slots);
  const rows: Array<Row<typeof ATTENDANCE_COLUMNS>> = grid.students.flatMap((student) =>
    student.cells.map((cell, index) => {
      const slot = grid.slots[index]!;
      return {
        ...header,
        student_number: text(student.student_number),
        last_name: text(student.last_name),
        first_name: text(student.first_name),
        enrollment_status: text(student.enrollment_status),
        date: slot.date,
        part_of_day: slot.part_of_day,
        slot_start: slot.start_time,
        slot_end: slot.end_time,
        module_title: text(slot.module_title),
        status: cell.status ?? '',
        late_minutes: cell.late_minutes ?? '',
        planned_minutes: slot.minutes,
        attended_minutes: cell.attended_minutes,
        excused_absence_minutes: cell.status === 'excused' ? slot.minutes : 0,
        unexcused_absence_minutes: cell.status === 'absent' ? slot.minutes : 0,
        notes: text(cell.notes),
      };
    }));
  return { filename: fileName('attendance', session), content: toCsv(ATTENDANCE_COLUMNS, rows) };
}

export async function exportEnrollments(trx: TenantTransaction, actor: Actor, sessionId: string): Promise<CsvFile> {
  assertCan(actor, 'exportSessions');
  const session = await loadSession(trx, actor, sessionId, 'read');
  const grid = await readAttendanceGrid(trx, actor, session);
  const enrollments = await repository.listEnrollments(trx, actor.organizationId, session.id);
  const summaries = new Map(grid.students.map((student) => [student.student_id, student.summary]));
  const unmarked = emptySummary(grid.slots);
  const header = sessionColumns(session, grid.slots);
  const rows: Array<Row<typeof ENROLLMENT_COLUMNS>> = enrollments.map((enrollment) => {
    const summary = summaries.get(enrollment.student_id) ?? unmarked;
    return {
      ...header,
      student_number: text(enrollment.student_number),
      last_name: text(enrollment.last_name),
      first_name: text(enrollment.first_name),
      email: text(enrollment.email),
      employer: text(enrollment.employer),
      enrollment_status: enrollment.status,
      enrollment_date: enrollment.enrollment_date,
      funding_scheme: text(enrollment.funding_scheme),
      learner_category: text(enrollment.learner_category),
      payment_status: enrollment.payment_status,
      amount_due: enrollment.amount_due === null ? '' : decimalText(enrollment.amount_due, session),
      amount_paid: decimalText(enrollment.amount_paid, session),
      planned_slots: summary.planned_slots,
      attended_slots: summary.present_count + summary.late_count,
      excused_absence_slots: summary.excused_absence_count,
      unexcused_absence_slots: summary.unexcused_absence_count,
      planned_minutes: summary.planned_minutes,
      attended_minutes: summary.attended_minutes,
      excused_absence_minutes: summary.excused_absence_minutes,
      unexcused_absence_minutes: summary.unexcused_absence_minutes,
      planned_hours: decimalText(hoursOf(summary.planned_minutes).toFixed(2), session),
      attended_hours: decimalText(hoursOf(summary.attended_minutes).toFixed(2), session),
      excused_absence_hours: decimalText(hoursOf(summary.excused_absence_minutes).toFixed(2), session),
      unexcused_absence_hours: decimalText(hoursOf(summary.unexcused_absence_minutes).toFixed(2), session),
      attendance_rate_marked: summary.attendance_rate_marked === null ? '' : decimalText(summary.attendance_rate_marked.toFixed(2), session),
      attended_minutes_rate: summary.attended_minutes_rate === null ? '' : decimalText(summary.attended_minutes_rate.toFixed(2), session),
    };
  });
  return { filename: fileName('enrollments', session), content: toCsv(ENROLLMENT_COLUMNS, rows) };
}

function sessionColumns(session: SessionRecord, slots: readonly { minutes: number }[]): Row<typeof SESSION_COLUMNS> {
  const plannedMinutes = slots.reduce((total, slot) => total + slot.minutes, 0);
  return {
    organization: text(session.organization_name),
    formation_code: text(session.formation_code),
    formation_name: text(session.formation_name),
    formation_duration_hours: session.formation_duration_hours === null ? '' : decimalText(session.formation_duration_hours, session),
    session_name: text(session.name),
    session_start_date: session.start_date,
    session_end_date: session.end_date,
    location: text(session.location),
    trainer: text(session.teacher_name ?? session.teacher_email),
    session_slot_count: slots.length,
    session_planned_hours: decimalText(hoursOf(plannedMinutes).toFixed(2), session),
  };
}

function toCsv<C extends readonly string[]>(columns: C, rows: Array<Row<C>>): string {
  return stringify(rows, { header: true, columns: [...columns], delimiter: ';', bom: true, record_delimiter: 'windows' });
}

/** French Excel reads 3,50 as a number and 3.50 as text. */
function decimalText(value: string, session: SessionRecord): string {
  return session.organization_language === 'fr' ? value.replace('.', ',') : value;
}

/** Free text from users, defused so that a spreadsheet never runs it as a formula. */
function text(value: string | null | undefined): string {
  if (value === null || value === undefined) return '';
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

function fileName(kind: string, session: SessionRecord): string {
  const code = session.formation_code.replace(/[^A-Za-z0-9-]+/g, '_').slice(0, 40);
  return `${kind}_${code}_${session.start_date}.csv`;
}
