/**
 * The attendance sheet: learners × the session's slots, grouped under their date. One click on a
 * cell moves it to the next status; a slot's column header marks everyone present; the "…"
 * button opens late minutes and a note, or takes the mark away ("not marked"). A slot that has
 * not started yet takes no mark (the API answers 409): its cells are shown, disabled, and say
 * why. Totals come from the API's summary of each learner, each naming what it divides by.
 */
import { useState } from 'react';
import { ATTENDANCE_STATUSES, type AttendanceStatus, type AttendanceSummary, type GridSlot } from '../../../features/attendance/attendance.schemas';
import { Empty, ErrorState, Loading } from '../../components/States';
import { useToast } from '../../components/Toast';
import { ApiError } from '../../lib/api';
import { describeError } from '../../lib/errors';
import { type Translate, useI18n } from '../../lib/i18n';
import { type Formatters, useFormat } from '../../lib/organization';
import { hoursOf, partOfDayName, slotHours, slotName } from '../../lib/slots';
import { useCanMark } from '../auth/permissions';
import { useSessionContext } from '../sessions/SessionPage';
import { type Cell, CellDialog, type GridStudent, studentName } from './CellDialog';
import { useAttendance, useMarkSlot, useSaveAttendance } from './attendance.api';

/** A click cycles present → absent → late → excused. */
function nextStatus(status: AttendanceStatus | null): AttendanceStatus {
  if (status === null) return 'present';
  return ATTENDANCE_STATUSES[(ATTENDANCE_STATUSES.indexOf(status) + 1) % ATTENDANCE_STATUSES.length]!;
}

/** Consecutive slots of one date, for the header's first row. */
function groupByDate(slots: GridSlot[]): { date: string; count: number }[] {
  const groups: { date: string; count: number }[] = [];
  for (const slot of slots) {
    const last = groups[groups.length - 1];
    if (last?.date === slot.date) last.count += 1;
    else groups.push({ date: slot.date, count: 1 });
  }
  return groups;
}

function emptyCell(slot: GridSlot): Cell {
  return { slot_id: slot.id, status: null, late_minutes: null, notes: null, attended_minutes: 0 };
}

export function AttendanceTab() {
  const { session } = useSessionContext();
  const { t } = useI18n();
  const format = useFormat();
  const toast = useToast();
  // A cancelled session's attendance is read only (the API refuses marks with 409).
  const cancelled = session.status === 'cancelled';
  const canMark = useCanMark() && !cancelled;
  const grid = useAttendance(session.id);
  const save = useSaveAttendance(session.id);
  const markSlot = useMarkSlot(session.id);
  const [editing, setEditing] = useState<{ student: GridStudent; slot: GridSlot; cell: Cell } | null>(null);

  if (grid.isPending) return <Loading />;
  if (grid.isError) return <ErrorState error={grid.error} onRetry={() => void grid.refetch()} />;
  const { slots, students } = grid.data;
  const onError = (error: unknown) => toast.error(describeError(error, t));

  return (
    <>
      <div className="page-header" style={{ marginBottom: 8 }}>
        <h2>{t('attendance.grid')}</h2>
        <div className="page-actions">
          <a className="btn" href={`/api/sessions/${session.id}/export/attendance.csv`} download>{t('common.export_csv')}</a>
        </div>
      </div>
      <p className="legend">
        {ATTENDANCE_STATUSES.map((status) => (
          <span key={status}><span className={`mark mark-${status} mark-sample`} aria-hidden="true">{t(`attendance.letter.${status}`)}</span> {t(`attendance.status.${status}`)}</span>
        ))}
        {canMark && <span>— {t('attendance.legend')}</span>}
        {canMark && slots.some((slot) => !slot.started) && <span>{t('attendance.legend_not_started')}</span>}
      </p>
      {cancelled && <p className="notice" role="note">{t('session.cancelled_read_only')}</p>}
      {slots.length === 0 ? <Empty>{t('attendance.no_slots')}</Empty> : students.length === 0 ? <Empty>{t('attendance.no_students')}</Empty> : (
        <div className="attendance-wrap">
          <table className="attendance">
            <caption className="visually-hidden">{t('attendance.grid')}</caption>
            <thead>
              <tr>
                <th scope="col" rowSpan={2} className="sticky-col">{t('attendance.student')}</th>
                {groupByDate(slots).map((group) => <th key={group.date} scope="colgroup" colSpan={group.count} className="date-col">{format.weekday(group.date)}</th>)}
                <th scope="col" rowSpan={2} className="rate-col">{t('attendance.rate')}</th>
              </tr>
              <tr>
                {slots.map((slot) => (
                  <SlotHeader
                    key={slot.id}
                    slot={slot}
                    canMark={canMark}
                    pending={markSlot.isPending}
                    onMarkAll={() => markSlot.mutate({ slot_id: slot.id, status: 'present' }, {
                      onSuccess: () => toast.success(t('attendance.saved')),
                      onError,
                    })}
                  />
                ))}
              </tr>
            </thead>
            <tbody>
              {students.map((student) => {
                const name = studentName(student);
                const cells = new Map(student.cells.map((cell) => [cell.slot_id, cell]));
                return (
                  <tr key={student.student_id}>
                    <th scope="row" className="sticky-col">
                      {name}
                      {student.enrollment_status === 'cancelled' && <span className="cell-sub">{t('roster.status.cancelled')}</span>}
                    </th>
                    {slots.map((slot) => {
                      const cell = cells.get(slot.id) ?? emptyCell(slot);
                      return (
                        <MarkCell
                          key={slot.id}
                          student={name}
                          slot={slot}
                          cell={cell}
                          canMark={canMark}
                          pending={save.isPending}
                          onNext={() => save.mutate([{ student_id: student.student_id, slot_id: slot.id, status: nextStatus(cell.status), notes: cell.notes }], { onError })}
                          onDetails={() => setEditing({ student, slot, cell })}
                        />
                      );
                    })}
                    <Totals summary={student.summary} />
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
          slot={editing.slot}
          cell={editing.cell}
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

/** Why a slot takes no mark yet, and from when it will ("… opens at 18:00, Monday 4 January 2027"). */
function notStartedHint(t: Translate, format: Formatters, slot: GridSlot): string {
  return t('attendance.not_started_hint', { time: slot.start_time, date: format.date(slot.date, 'long') });
}

function SlotHeader({ slot, canMark, pending, onMarkAll }: { slot: GridSlot; canMark: boolean; pending: boolean; onMarkAll: () => void }) {
  const { t } = useI18n();
  const format = useFormat();
  return (
    <th scope="col" className={`slot-col slot-${slot.part_of_day}${slot.started ? '' : ' slot-future'}`}>
      <span className="slot-part">{partOfDayName(t, slot.part_of_day)}</span>
      <span className="slot-hours">{slotHours(t, slot)}</span>
      {slot.module_title && <span className="slot-module" title={slot.module_title}>{slot.module_title}</span>}
      {!slot.started && <span className="slot-pending" title={notStartedHint(t, format, slot)}>{t('attendance.not_started')}</span>}
      {canMark && slot.started && (
        <button
          type="button"
          className="btn btn-small btn-ghost"
          aria-label={t('attendance.all_present_label', { date: format.date(slot.date), slot: slotName(t, slot) })}
          title={t('attendance.all_present')}
          disabled={pending}
          onClick={onMarkAll}
        >
          ✓ {t('attendance.all_present')}
        </button>
      )}
    </th>
  );
}

function MarkCell({ student, slot, cell, canMark, pending, onNext, onDetails }: {
  student: string;
  slot: GridSlot;
  cell: Cell;
  canMark: boolean;
  pending: boolean;
  onNext: () => void;
  onDetails: () => void;
}) {
  const { t } = useI18n();
  const format = useFormat();
  const status = cell.status ?? 'unmarked';
  const where = { student, date: format.date(slot.date), slot: slotName(t, slot), status: t(`attendance.status.${status}`) };
  const details = [t(`attendance.status.${status}`), cell.late_minutes ? t('attendance.minutes', { minutes: cell.late_minutes }) : '', cell.notes ?? ''];
  return (
    <td className={slot.started ? undefined : 'slot-future'}>
      <div className="cell">
        <button
          type="button"
          className={`mark mark-${status}`}
          aria-label={slot.started ? t('attendance.cell_label', where) : t('attendance.cell_label_not_started', where)}
          title={slot.started ? details.filter(Boolean).join(' · ') : notStartedHint(t, format, slot)}
          disabled={!canMark || pending || !slot.started}
          onClick={onNext}
        >
          {t(`attendance.letter.${status}`)}
        </button>
        {/* Before its start a slot takes no mark; one already there can still be taken away. */}
        {canMark && (slot.started || cell.status !== null) && (
          <button
            type="button"
            className={`mark-note ${cell.notes || cell.late_minutes ? 'has-note' : ''}`}
            aria-label={t('attendance.details_label', { student, date: format.date(slot.date), slot: slotName(t, slot) })}
            onClick={onDetails}
          >
            ⋯
          </button>
        )}
      </div>
    </td>
  );
}

/** Hours attended of hours planned, and slots attended of slots marked: each with its denominator. */
function Totals({ summary }: { summary: AttendanceSummary }) {
  const { t } = useI18n();
  const format = useFormat();
  const hours = t('attendance.hours_attended', {
    attended: format.number(hoursOf(summary.attended_minutes), 2),
    planned: format.number(hoursOf(summary.planned_minutes), 2),
  });
  const hoursRate = summary.attended_minutes_rate === null ? '' : ` ${t('attendance.hours_rate', { rate: format.percent(summary.attended_minutes_rate / 100) })}`;
  const slotsRate = summary.attendance_rate_marked === null
    ? t('attendance.slots_rate_none')
    : t('attendance.slots_rate', {
      rate: format.percent(summary.attendance_rate_marked / 100),
      attended: summary.present_count + summary.late_count,
      marked: summary.marked_slots,
    });
  const breakdown = t('attendance.summary', {
    present: summary.present_count,
    late: summary.late_count,
    excused: summary.excused_absence_count,
    unexcused: summary.unexcused_absence_count,
  });
  return (
    <td className="rate-col">
      <span className="rate-hours">{hours}{hoursRate}</span>
      <span className="cell-sub" title={breakdown}>{slotsRate}</span>
    </td>
  );
}
