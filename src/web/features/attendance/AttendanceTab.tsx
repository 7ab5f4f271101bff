/**
 * The attendance sheet: learners × dates × half-days. One click on a cell moves it to the next
 * status; the column header marks a whole half-day present; the "…" button opens late minutes
 * and a note, or takes the mark away ("not marked"). Rates and minutes come from the API's summary of each learner.
 */
import { type FormEvent, useState } from 'react';
import { ATTENDANCE_STATUSES, type AttendanceGrid, type AttendanceStatus, attendanceEntry } from '../../../features/attendance/attendance.schemas';
import { FormDialog } from '../../components/Dialog';
import { SelectField, TextAreaField, TextField } from '../../components/Field';
import { Empty, ErrorState, Loading } from '../../components/States';
import { useToast } from '../../components/Toast';
import { ApiError, type FieldErrors } from '../../lib/api';
import { describeError } from '../../lib/errors';
import { useI18n } from '../../lib/i18n';
import { useFormat } from '../../lib/organization';
import { numberOrNull, validateWith } from '../../lib/validation';
import { useCanMark } from '../auth/permissions';
import { useSessionContext } from '../sessions/SessionPage';
import { useAttendance, useMarkHalfDay, useSaveAttendance } from './attendance.api';

type GridStudent = AttendanceGrid['students'][number];
type Cell = GridStudent['cells'][number];
type Slot = 'am' | 'pm';

const LETTERS: Record<AttendanceStatus | 'unmarked', { fr: string; en: string }> = {
  present: { fr: 'P', en: 'P' },
  absent: { fr: 'A', en: 'A' },
  late: { fr: 'R', en: 'L' },
  excused: { fr: 'J', en: 'E' },
  unmarked: { fr: '·', en: '·' },
};

function nextStatus(status: AttendanceStatus | null): AttendanceStatus {
  if (status === null) return 'present';
  const index = ATTENDANCE_STATUSES.indexOf(status);
  return ATTENDANCE_STATUSES[(index + 1) % ATTENDANCE_STATUSES.length]!;
}

function studentName(student: GridStudent): string {
  return [student.first_name, student.last_name].filter(Boolean).join(' ') || student.student_number || student.student_id;
}

export function AttendanceTab() {
  const { session } = useSessionContext();
  const { t, language } = useI18n();
  const format = useFormat();
  const toast = useToast();
  // A cancelled session's attendance is read only (the API refuses marks with 409).
  const cancelled = session.status === 'cancelled';
  const canMark = useCanMark() && !cancelled;
  const grid = useAttendance(session.id);
  const save = useSaveAttendance(session.id);
  const markHalfDay = useMarkHalfDay(session.id);
  const [editing, setEditing] = useState<{ student: GridStudent; cell: Cell } | null>(null);

  if (grid.isPending) return <Loading />;
  if (grid.isError) return <ErrorState error={grid.error} onRetry={() => void grid.refetch()} />;
  const { half_days: halfDays, students } = grid.data;
  const slotName = (slot: Slot) => (slot === 'am' ? t('attendance.am') : t('attendance.pm'));
  const dates = [...new Set(halfDays.map((halfDay) => halfDay.date))];
  const onError = (error: unknown) => toast.error(describeError(error, t));

  function cellOf(student: GridStudent, date: string, slot: Slot): Cell {
    return student.cells.find((cell) => cell.date === date && cell.slot === slot)
      ?? { date, slot, status: null, late_minutes: null, notes: null, attended_minutes: 0 };
  }

  return (
    <>
      <div className="page-header" style={{ marginBottom: 8 }}>
        <h2>{t('attendance.grid')}</h2>
        <div className="page-actions">
          <a className="btn" href={`/api/sessions/${session.id}/export/attendance.csv`} download>{t('common.export_csv')}</a>
        </div>
      </div>
      <p className="legend">
        {(['present', 'absent', 'late', 'excused'] as const).map((status) => (
          <span key={status}><span className={`mark mark-${status}`} style={{ display: 'inline-grid', placeItems: 'center', width: 24, height: 22, cursor: 'default' }} aria-hidden="true">{LETTERS[status][language]}</span> {t(`attendance.status.${status}`)}</span>
        ))}
        {canMark && <span>— {t('attendance.legend')}</span>}
      </p>
      {cancelled && <p className="notice" role="note">{t('session.cancelled_read_only')}</p>}
      {halfDays.length === 0 ? <Empty>{t('attendance.no_days')}</Empty> : students.length === 0 ? <Empty>{t('attendance.no_students')}</Empty> : (
        <div className="attendance-wrap">
          <table className="attendance">
            <caption className="visually-hidden">{t('attendance.grid')}</caption>
            <thead>
              <tr>
                <th scope="col" rowSpan={2} className="sticky-col">{t('attendance.student')}</th>
                {dates.map((date) => {
                  const span = halfDays.filter((halfDay) => halfDay.date === date).length;
                  return <th key={date} scope="colgroup" colSpan={span}>{format.weekday(date)}</th>;
                })}
                <th scope="col" rowSpan={2} className="rate-col">{t('attendance.rate')}</th>
              </tr>
              <tr>
                {halfDays.map((halfDay) => (
                  <th key={`${halfDay.date}-${halfDay.slot}`} scope="col">
                    <div>{slotName(halfDay.slot)}</div>
                    {canMark && (
                      <button
                        type="button"
                        className="btn btn-small btn-ghost"
                        aria-label={t('attendance.all_present_label', { date: format.date(halfDay.date), slot: slotName(halfDay.slot) })}
                        title={t('attendance.all_present')}
                        disabled={markHalfDay.isPending}
                        onClick={() => markHalfDay.mutate({ date: halfDay.date, slot: halfDay.slot, status: 'present' }, {
                          onSuccess: () => toast.success(t('attendance.saved')),
                          onError,
                        })}
                      >
                        ✓ {t('attendance.all_present')}
                      </button>
                    )}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {students.map((student) => {
                const name = studentName(student);
                return (
                  <tr key={student.student_id}>
                    <th scope="row" className="sticky-col">
                      {name}
                      {student.enrollment_status === 'cancelled' && <span className="cell-sub">{t('roster.status.cancelled')}</span>}
                    </th>
                    {halfDays.map((halfDay) => {
                      const cell = cellOf(student, halfDay.date, halfDay.slot);
                      const status = cell.status ?? 'unmarked';
                      const label = t('attendance.cell_label', {
                        student: name, date: format.date(halfDay.date), slot: slotName(halfDay.slot), status: t(`attendance.status.${status}`),
                      });
                      return (
                        <td key={`${halfDay.date}-${halfDay.slot}`}>
                          <div className="cell">
                            <button
                              type="button"
                              className={`mark mark-${status}`}
                              aria-label={label}
                              title={[t(`attendance.status.${status}`), cell.late_minutes ? t('attendance.minutes', { minutes: cell.late_minutes }) : '', cell.notes ?? ''].filter(Boolean).join(' · ')}
                              disabled={!canMark || save.isPending}
                              onClick={() => save.mutate([{ student_id: student.student_id, date: halfDay.date, slot: halfDay.slot, status: nextStatus(cell.status), notes: cell.notes }], { onError })}
                            >
                              {LETTERS[status][language]}
                            </button>
                            {canMark && (
                              <button
                                type="button"
                                className={`mark-note ${cell.notes || cell.late_minutes ? 'has-note' : ''}`}
                                aria-label={t('attendance.details_label', { student: name, date: format.date(halfDay.date), slot: slotName(halfDay.slot) })}
                                onClick={() => setEditing({ student, cell })}
                              >
                                ⋯
                              </button>
                            )}
                          </div>
                        </td>
                      );
                    })}
                    <td className="rate-col">
                      <strong>{student.summary.attendance_rate_marked === null ? '—' : `${format.number(student.summary.attendance_rate_marked)} %`}</strong>
                      <span className="cell-sub" title={t('attendance.summary', { present: student.summary.attended_minutes, excused: student.summary.excused_absence_count, unexcused: student.summary.unexcused_absence_count })}>
                        {format.number(student.summary.attended_hours, 1)} h / {format.number(student.summary.planned_hours, 1)} h
                      </span>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      {editing && (
        <CellDialog
          student={editing.student}
          cell={editing.cell}
          slotName={slotName}
          pending={save.isPending}
          onClose={() => setEditing(null)}
          onSave={(entry, onFieldErrors) => save.mutate([entry], {
            onSuccess: () => {
              toast.success(t('attendance.saved'));
              setEditing(null);
            },
            onError: (error) => {
              if (error instanceof ApiError && error.status === 400) {
                onFieldErrors(Object.fromEntries(Object.entries(error.fields).map(([field, message]) => [field.replace(/^entries\.\d+\./, ''), message])));
              } else onError(error);
            },
          })}
        />
      )}
    </>
  );
}

function CellDialog({ student, cell, slotName, pending, onClose, onSave }: {
  student: GridStudent;
  cell: Cell;
  slotName: (slot: Slot) => string;
  pending: boolean;
  onClose: () => void;
  onSave: (entry: ReturnType<typeof attendanceEntry.parse>, onFieldErrors: (fields: FieldErrors) => void) => void;
}) {
  const { t, language } = useI18n();
  const format = useFormat();
  const [fields, setFields] = useState<FieldErrors>({});
  // null: "not marked", which takes an existing mark away.
  const [status, setStatus] = useState<AttendanceStatus | null>(cell.status ?? 'present');

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const checked = validateWith(attendanceEntry, {
      student_id: student.student_id,
      date: cell.date,
      slot: cell.slot,
      status,
      late_minutes: status === 'late' ? numberOrNull(String(form.get('late_minutes') ?? '')) : null,
      notes: status === null ? null : String(form.get('notes') ?? ''),
    }, language);
    if (!checked.ok) {
      setFields(checked.fields);
      return;
    }
    setFields({});
    onSave(checked.data, setFields);
  }

  return (
    <FormDialog
      title={t('attendance.details_title', { student: studentName(student) })}
      onClose={onClose}
      size="small"
      onSubmit={submit}
      pending={pending}
      alert={fields.status && !fields.late_minutes ? fields.status : null}
    >
      <p className="muted">{format.date(cell.date, 'long')} · {slotName(cell.slot)}</p>
      <SelectField
        label={t('attendance.status')}
        value={status ?? ''}
        onChange={(event) => setStatus(event.target.value === '' ? null : (event.target.value as AttendanceStatus))}
        error={fields.status}
      >
        {ATTENDANCE_STATUSES.map((value) => <option key={value} value={value}>{t(`attendance.status.${value}`)}</option>)}
        {cell.status !== null && <option value="">{t('attendance.status.unmarked')}</option>}
      </SelectField>
      {status === 'late' && (
        <TextField label={t('attendance.late_minutes')} name="late_minutes" inputMode="numeric" defaultValue={cell.late_minutes ?? ''} error={fields.late_minutes} />
      )}
      {status !== null && <TextAreaField label={t('attendance.notes')} name="notes" defaultValue={cell.notes ?? ''} error={fields.notes} />}
    </FormDialog>
  );
}
