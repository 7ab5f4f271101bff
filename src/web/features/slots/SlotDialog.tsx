/**
 * Adds or edits one slot: its date and hours, the part of the day (from the start time until
 * someone picks it), place or virtual room, module, trainers with their roles, and status (a
 * cancelled slot says why). Checked with the API's own schema, then by the API (400 on the
 * fields, 409 overlap or marks above them).
 */
import { type FormEvent, useState } from 'react';
import type { Session } from '../../../features/sessions/session.schemas';
import { type Slot, createSlotBody, updateSlotBody } from '../../../features/sessions/slot.schemas';
import { DEFAULT_DAY_HOURS, PARTS_OF_DAY, type PartOfDay, SLOT_STATUSES, type SlotStatus, TRAINER_ROLES, type TrainerRole, partOfDayAt } from '../../../shared/slots';
import { FormDialog } from '../../components/Dialog';
import { SelectField, TextAreaField, TextField } from '../../components/Field';
import { useToast } from '../../components/Toast';
import { ApiError } from '../../lib/api';
import { useI18n } from '../../lib/i18n';
import { useFormat } from '../../lib/organization';
import { partOfDayName } from '../../lib/slots';
import { textOrNull, useFormErrors } from '../../lib/validation';
import { useCurrentUser } from '../auth/auth.api';
import { useTrainerOptions } from '../sessions/sessions.api';
import { describeSlotRefusal } from './slot-errors';
import { useSaveSlot } from './slots.api';

type TrainerRow = { key: number; user_id: string; role: TrainerRole };

let nextRowKey = 1;

export function SlotDialog({ session, slot, defaultDate, onClose }: {
  session: Session;
  slot?: Slot;
  /** The date a new slot starts from (the week shown, or the session's first day). */
  defaultDate?: string;
  onClose: () => void;
}) {
  const { t } = useI18n();
  const format = useFormat();
  const toast = useToast();
  const trainerOptions = useTrainerOptions();
  const save = useSaveSlot(session.id);
  const { fields, alert, check, showError } = useFormErrors();
  const [refusal, setRefusal] = useState<string | null>(null);
  const dayHours = useCurrentUser().data?.organization.day_hours ?? DEFAULT_DAY_HOURS;
  const [startTime, setStartTime] = useState(slot?.start_time ?? dayHours.morning_start);
  // The part of the day follows the start time until someone picks it.
  const [part, setPart] = useState<PartOfDay | null>(slot && slot.part_of_day !== partOfDayAt(slot.start_time) ? slot.part_of_day : null);
  const [status, setStatus] = useState<SlotStatus>(slot?.status ?? 'planned');
  const [trainers, setTrainers] = useState<TrainerRow[]>(() => (slot?.trainers ?? []).map((trainer) => ({ key: nextRowKey++, user_id: trainer.user_id, role: trainer.role })));
  const effectivePart = part ?? (/^\d{2}:\d{2}/.test(startTime) ? partOfDayAt(startTime) : 'morning');

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setRefusal(null);
    const form = new FormData(event.currentTarget);
    const text = (name: string) => String(form.get(name) ?? '');
    const values = {
      date: text('date'),
      start_time: startTime,
      end_time: text('end_time'),
      part_of_day: effectivePart,
      location: textOrNull(text('location')),
      virtual_room_url: textOrNull(text('virtual_room_url')),
      module_title: textOrNull(text('module_title')),
      status,
      cancellation_reason: status === 'cancelled' ? textOrNull(text('cancellation_reason')) : undefined,
      trainers: trainers.filter((trainer) => trainer.user_id !== '').map(({ user_id, role }) => ({ user_id, role })),
    };
    const checked = check(slot ? updateSlotBody : createSlotBody, values);
    if (!checked) return;
    save.mutate({ id: slot?.id, values: checked }, {
      onSuccess: () => {
        toast.success(slot ? t('common.saved') : t('slots.created'));
        onClose();
      },
      onError: (error) => {
        if (error instanceof ApiError && error.status === 409) setRefusal(describeSlotRefusal(error, t, format));
        else showError(error);
      },
    });
  }

  const trainerName = (id: string) => {
    const trainer = trainerOptions.data?.find((option) => option.id === id);
    return trainer ? trainer.full_name ?? trainer.email : '';
  };

  return (
    <FormDialog
      title={slot ? t('slots.edit_title', { date: format.date(slot.date) }) : t('slots.new')}
      onClose={onClose}
      size="large"
      onSubmit={submit}
      pending={save.isPending}
      alert={refusal ?? alert}
    >
      {slot && slot.marked_count > 0 && <p className="notice" role="note">{t('slots.has_marks_hint', { count: slot.marked_count })}</p>}
      <div className="form-grid">
        <TextField
          label={t('slots.date')} name="date" type="date" required min={session.start_date} max={session.end_date}
          defaultValue={slot?.date ?? defaultDate ?? session.start_date} error={fields.date}
          hint={t('slots.date_hint', { range: format.dateRange(session.start_date, session.end_date) })}
        />
        <SelectField label={t('slots.part_of_day')} value={effectivePart} onChange={(event) => setPart(event.target.value as PartOfDay)} error={fields.part_of_day}>
          {PARTS_OF_DAY.map((value) => <option key={value} value={value}>{partOfDayName(t, value)}</option>)}
        </SelectField>
        <TextField label={t('slots.start_time')} name="start_time" type="time" required value={startTime} onChange={(event) => setStartTime(event.target.value)} error={fields.start_time} />
        <TextField label={t('slots.end_time')} name="end_time" type="time" required defaultValue={slot?.end_time ?? dayHours.morning_end} error={fields.end_time} />
        <TextField label={t('slots.location')} name="location" defaultValue={slot?.location ?? ''} error={fields.location} hint={session.location ? t('slots.location_hint', { location: session.location }) : undefined} />
        <TextField label={t('slots.virtual_room_url')} name="virtual_room_url" type="url" inputMode="url" defaultValue={slot?.virtual_room_url ?? ''} error={fields.virtual_room_url} />
        <TextField label={t('slots.module_title')} name="module_title" className="span-2" defaultValue={slot?.module_title ?? ''} error={fields.module_title} />
      </div>
      <fieldset className="fieldset">
        <legend>{t('slots.trainers')}</legend>
        <p className="field-hint">{t('slots.trainers_hint', { name: session.teacher_name ?? t('sessions.no_teacher') })}</p>
        {trainers.map((row, index) => (
          <div key={row.key} className="trainer-row">
            <SelectField
              label={t('slots.trainer_n', { n: index + 1 })}
              value={row.user_id}
              onChange={(event) => setTrainers(trainers.map((other) => (other.key === row.key ? { ...other, user_id: event.target.value } : other)))}
              error={fields[`trainers.${index}.user_id`]}
            >
              <option value="">—</option>
              {(trainerOptions.data ?? []).map((trainer) => <option key={trainer.id} value={trainer.id}>{trainer.full_name ?? trainer.email}</option>)}
            </SelectField>
            <SelectField
              label={t('slots.trainer_role_n', { n: index + 1 })}
              value={row.role}
              onChange={(event) => setTrainers(trainers.map((other) => (other.key === row.key ? { ...other, role: event.target.value as TrainerRole } : other)))}
              error={fields[`trainers.${index}.role`]}
            >
              {TRAINER_ROLES.map((role) => <option key={role} value={role}>{t(`slots.role.${role}`)}</option>)}
            </SelectField>
            <button
              type="button"
              className="btn btn-small"
              aria-label={t('slots.remove_trainer', { name: trainerName(row.user_id) || t('slots.trainer_n', { n: index + 1 }) })}
              onClick={() => setTrainers(trainers.filter((other) => other.key !== row.key))}
            >
              {t('slots.remove')}
            </button>
          </div>
        ))}
        {fields.trainers && <p className="field-error" role="alert">{fields.trainers}</p>}
        <div>
          <button type="button" className="btn btn-small" onClick={() => setTrainers([...trainers, { key: nextRowKey++, user_id: '', role: trainers.length === 0 ? 'lead' : 'co_trainer' }])}>
            + {t('slots.add_trainer')}
          </button>
        </div>
      </fieldset>
      <div className="form-grid">
        <SelectField label={t('common.status')} value={status} onChange={(event) => setStatus(event.target.value as SlotStatus)} error={fields.status}>
          {SLOT_STATUSES.map((value) => <option key={value} value={value}>{t(`slots.status.${value}`)}</option>)}
        </SelectField>
        {status === 'cancelled' && (
          <TextAreaField label={t('slots.cancellation_reason')} name="cancellation_reason" defaultValue={slot?.cancellation_reason ?? ''} error={fields.cancellation_reason} />
        )}
      </div>
    </FormDialog>
  );
}
