import type { FormEvent } from 'react';
import { SESSION_STATUSES, type Session, createSessionBody, updateSessionBody } from '../../../features/sessions/session.schemas';
import { FormDialog } from '../../components/Dialog';
import { SelectField, TextField } from '../../components/Field';
import { useToast } from '../../components/Toast';
import { useI18n } from '../../lib/i18n';
import { numberOrNull, textOrNull, useFormErrors } from '../../lib/validation';
import { useFormationOptions } from '../formations/formations.api';
import { useSaveSession, useTrainerOptions } from './sessions.api';

function readValues(form: FormData) {
  const text = (name: string) => String(form.get(name) ?? '');
  const time = (name: string) => text(name) || undefined;
  return {
    formation_id: text('formation_id'),
    name: text('name'),
    start_date: text('start_date'),
    end_date: text('end_date'),
    start_time: time('start_time'),
    am_end_time: time('am_end_time'),
    pm_start_time: time('pm_start_time'),
    end_time: time('end_time'),
    teacher_id: textOrNull(text('teacher_id')),
    location: text('location'),
    capacity_max: numberOrNull(text('capacity_max')),
    status: text('status') || undefined,
  };
}

export function SessionFormDialog({ session, defaultFormationId, onClose, onSaved }: {
  session?: Session;
  defaultFormationId?: string;
  onClose: () => void;
  onSaved?: (session: Session) => void;
}) {
  const { t } = useI18n();
  const toast = useToast();
  const formations = useFormationOptions();
  const trainers = useTrainerOptions();
  const save = useSaveSession();
  const { fields, alert, check, showError } = useFormErrors();

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const checked = check(session ? updateSessionBody : createSessionBody, readValues(new FormData(event.currentTarget)));
    if (!checked) return;
    save.mutate({ id: session?.id, values: checked }, {
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
        <TextField label={t('sessions.start_date')} name="start_date" type="date" required defaultValue={session?.start_date} error={fields.start_date} />
        <TextField label={t('sessions.end_date')} name="end_date" type="date" required defaultValue={session?.end_date} error={fields.end_date} />
        <TextField label={t('sessions.start_time')} name="start_time" type="time" defaultValue={session?.start_time.slice(0, 5) ?? '09:00'} error={fields.start_time} />
        <TextField label={t('sessions.am_end_time')} name="am_end_time" type="time" defaultValue={session?.am_end_time.slice(0, 5) ?? '12:30'} error={fields.am_end_time} />
        <TextField label={t('sessions.pm_start_time')} name="pm_start_time" type="time" defaultValue={session?.pm_start_time.slice(0, 5) ?? '13:30'} error={fields.pm_start_time} />
        <TextField label={t('sessions.end_time')} name="end_time" type="time" defaultValue={session?.end_time.slice(0, 5) ?? '17:00'} error={fields.end_time} />
        <SelectField key={trainers.data ? 'trainer-loaded' : 'trainer-loading'} label={t('sessions.teacher')} name="teacher_id" defaultValue={session?.teacher_id ?? ''} error={fields.teacher_id}>
          <option value="">{t('sessions.no_teacher')}</option>
          {(trainers.data ?? []).map((trainer) => <option key={trainer.id} value={trainer.id}>{trainer.full_name ?? trainer.email}</option>)}
        </SelectField>
        <TextField label={t('sessions.location')} name="location" defaultValue={session?.location ?? ''} error={fields.location} />
        <TextField label={t('sessions.capacity_max')} name="capacity_max" inputMode="numeric" defaultValue={session?.capacity_max ?? ''} error={fields.capacity_max} hint={t('sessions.unlimited')} />
        <SelectField label={t('common.status')} name="status" defaultValue={session?.status ?? 'planned'} error={fields.status}>
          {SESSION_STATUSES.map((status) => <option key={status} value={status}>{t(`sessions.status.${status}`)}</option>)}
        </SelectField>
      </div>
    </FormDialog>
  );
}
