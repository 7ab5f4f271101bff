/**
 * Creates or edits a session. A new session also gets its weekly pattern ("Planning"), which the
 * API turns into slots; an existing session's slots are managed in its Planning tab, so editing
 * sends only the fields that changed (a date change that would leave slots outside the session
 * comes back as a 409 on that date).
 */
import { type FormEvent, useState } from 'react';
import { SESSION_STATUSES, type Session, createSessionBody, updateSessionBody } from '../../../features/sessions/session.schemas';
import { DEFAULT_DAY_HOURS } from '../../../shared/slots';
import { FormDialog } from '../../components/Dialog';
import { SelectField, TextField } from '../../components/Field';
import { useToast } from '../../components/Toast';
import { useI18n } from '../../lib/i18n';
import { numberOrNull, textOrNull, useFormErrors } from '../../lib/validation';
import { useCurrentUser } from '../auth/auth.api';
import { useFormationOptions } from '../formations/formations.api';
import { SchedulePatternFields, defaultScheduleDraft, scheduleFieldErrors, scheduleOf } from './SchedulePatternFields';
import { useSaveSession, useTrainerOptions } from './sessions.api';

function readValues(form: FormData) {
  const text = (name: string) => String(form.get(name) ?? '');
  return {
    formation_id: text('formation_id'),
    name: text('name'),
    start_date: text('start_date'),
    end_date: text('end_date'),
    teacher_id: textOrNull(text('teacher_id')),
    location: text('location'),
    capacity_max: numberOrNull(text('capacity_max')),
    status: text('status') || undefined,
  };
}

/** The fields whose value differs from the stored session's. */
function changedFields<T extends Record<string, unknown>>(values: T, session: Session): Partial<T> {
  return Object.fromEntries(Object.entries(values).filter(([key, value]) => value !== undefined && value !== session[key as keyof Session])) as Partial<T>;
}

export function SessionFormDialog({ session, defaultFormationId, onClose, onSaved }: {
  session?: Session;
  defaultFormationId?: string;
  onClose: () => void;
  onSaved?: (session: Session) => void;
}) {
  const { t } = useI18n();
  const toast = useToast();
  const organization = useCurrentUser().data?.organization;
  const formations = useFormationOptions();
  const trainers = useTrainerOptions();
  const save = useSaveSession();
  const { fields, alert, check, showError } = useFormErrors();
  const [schedule, setSchedule] = useState(() => defaultScheduleDraft(organization?.day_hours ?? DEFAULT_DAY_HOURS));
  const [scheduleErrors, setScheduleErrors] = useState<Record<string, string>>({});
  const [dates, setDates] = useState({ start_date: session?.start_date ?? '', end_date: session?.end_date ?? '' });

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const values = readValues(new FormData(event.currentTarget));
    const checked = session
      ? check(updateSessionBody, values)
      : check(createSessionBody, { ...values, schedule: scheduleOf(schedule) });
    const ownErrors = session ? {} : scheduleFieldErrors(schedule, t);
    setScheduleErrors(ownErrors);
    if (!checked || Object.keys(ownErrors).length > 0) return;
    const body = session ? changedFields(checked, session) : checked;
    if (session && Object.keys(body).length === 0) {
      onClose();
      return;
    }
    save.mutate({ id: session?.id, values: body }, {
      onSuccess: (saved) => {
        toast.success(session ? t('common.saved') : t('common.created'));
        onClose();
        onSaved?.(saved);
      },
      onError: (error) => showError(error),
    });
  }

  return (
    <FormDialog
      title={session ? t('sessions.edit') : t('sessions.new')}
      onClose={onClose}
      size="large"
      onSubmit={submit}
      pending={save.isPending}
      alert={alert}
    >
      <div className="form-grid">
        <SelectField key={formations.data ? 'formation-loaded' : 'formation-loading'} label={t('sessions.formation')} name="formation_id" required defaultValue={session?.formation_id ?? defaultFormationId ?? ''} error={fields.formation_id}>
          <option value="">—</option>
          {(formations.data ?? []).map((formation) => <option key={formation.id} value={formation.id}>{formation.name} ({formation.code})</option>)}
        </SelectField>
        <TextField label={t('common.name')} name="name" required defaultValue={session?.name} error={fields.name} />
        <TextField
          label={t('sessions.start_date')} name="start_date" type="date" required defaultValue={session?.start_date} error={fields.start_date}
          onChange={(event) => setDates({ ...dates, start_date: event.target.value })}
        />
        <TextField
          label={t('sessions.end_date')} name="end_date" type="date" required defaultValue={session?.end_date} error={fields.end_date}
          onChange={(event) => setDates({ ...dates, end_date: event.target.value })}
          hint={session && session.slot_count > 0 ? t('sessions.dates_hint') : undefined}
        />
        <SelectField key={trainers.data ? 'trainer-loaded' : 'trainer-loading'} label={t('sessions.teacher')} name="teacher_id" defaultValue={session?.teacher_id ?? ''} error={fields.teacher_id}>
          <option value="">{t('sessions.no_teacher')}</option>
          {(trainers.data ?? []).map((trainer) => <option key={trainer.id} value={trainer.id}>{trainer.full_name ?? trainer.email}</option>)}
        </SelectField>
        <TextField label={t('sessions.location')} name="location" defaultValue={session?.location ?? ''} error={fields.location} />
        <TextField label={t('sessions.capacity_max')} name="capacity_max" inputMode="numeric" defaultValue={session?.capacity_max ?? ''} error={fields.capacity_max} hint={t('sessions.unlimited')} />
        <SelectField label={t('common.status')} name="status" defaultValue={session?.status ?? 'planned'} error={fields.status}>
          {SESSION_STATUSES.map((status) => <option key={status} value={status}>{t(`sessions.status.${status}`)}</option>)}
        </SelectField>
        {!session && (
          <SchedulePatternFields
            draft={schedule}
            onChange={setSchedule}
            dates={dates}
            country={organization?.country ?? 'FR'}
            fields={{ ...fields, ...scheduleErrors }}
          />
        )}
      </div>
    </FormDialog>
  );
}
