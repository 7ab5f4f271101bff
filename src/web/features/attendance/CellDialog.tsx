/** One learner's mark on one slot: status, late minutes and a note, or "not marked" to take it away. */
import { type FormEvent, useState } from 'react';
import { ATTENDANCE_STATUSES, type AttendanceEntry, type AttendanceGrid, type AttendanceStatus, type GridSlot, attendanceEntry } from '../../../features/attendance/attendance.schemas';
import { FormDialog } from '../../components/Dialog';
import { SelectField, TextAreaField, TextField } from '../../components/Field';
import type { FieldErrors } from '../../lib/api';
import { useI18n } from '../../lib/i18n';
import { useFormat } from '../../lib/organization';
import { slotName } from '../../lib/slots';
import { numberOrNull, validateWith } from '../../lib/validation';

export type GridStudent = AttendanceGrid['students'][number];
export type Cell = GridStudent['cells'][number];

export function studentName(student: GridStudent): string {
  return [student.first_name, student.last_name].filter(Boolean).join(' ') || student.student_number || student.student_id;
}

export function CellDialog({ student, slot, cell, pending, onClose, onSave }: {
  student: GridStudent;
  slot: GridSlot;
  cell: Cell;
  pending: boolean;
  onClose: () => void;
  onSave: (entry: AttendanceEntry, onFieldErrors: (fields: FieldErrors) => void) => void;
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
      slot_id: slot.id,
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
      <p className="muted">
        {format.date(slot.date, 'long')} · {slotName(t, slot)}
        {slot.module_title && <span className="cell-sub">{slot.module_title}</span>}
      </p>
      <SelectField
        label={t('attendance.status')}
        value={status ?? ''}
        onChange={(event) => setStatus(event.target.value === '' ? null : (event.target.value as AttendanceStatus))}
        error={fields.status}
      >
        {/* Before its start a slot takes no new mark: only the one already there, or none. */}
        {ATTENDANCE_STATUSES.filter((value) => slot.started || value === cell.status).map((value) => <option key={value} value={value}>{t(`attendance.status.${value}`)}</option>)}
        {cell.status !== null && <option value="">{t('attendance.status.unmarked')}</option>}
      </SelectField>
      {status === 'late' && (
        <TextField
          label={t('attendance.late_minutes')}
          name="late_minutes"
          inputMode="numeric"
          defaultValue={cell.late_minutes ?? ''}
          error={fields.late_minutes}
          hint={t('attendance.late_minutes_hint', { minutes: slot.minutes })}
        />
      )}
      {status !== null && <TextAreaField label={t('attendance.notes')} name="notes" defaultValue={cell.notes ?? ''} error={fields.notes} />}
    </FormDialog>
  );
}
