import type { FormEvent } from 'react';
import { STUDENT_STATUSES, type Student, createStudentBody, updateStudentBody } from '../../../features/students/student.schemas';
import { FormDialog } from '../../components/Dialog';
import { SelectField, TextAreaField, TextField } from '../../components/Field';
import { useToast } from '../../components/Toast';
import { useI18n } from '../../lib/i18n';
import { textOrNull, useFormErrors } from '../../lib/validation';
import { useSaveStudent } from './students.api';

export function StudentFormDialog({ student, onClose }: { student?: Student; onClose: () => void }) {
  const { t } = useI18n();
  const toast = useToast();
  const save = useSaveStudent();
  const { fields, alert, check, showError } = useFormErrors();

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const text = (name: string) => String(form.get(name) ?? '');
    const values = {
      student_number: text('student_number').trim() || undefined,
      first_name: text('first_name'),
      last_name: text('last_name'),
      email: text('email'),
      phone: text('phone'),
      date_of_birth: textOrNull(text('date_of_birth')),
      employer: text('employer'),
      status: text('status') || undefined,
      notes: text('notes'),
    };
    const checked = check(student ? updateStudentBody : createStudentBody, values);
    if (!checked) return;
    save.mutate({ id: student?.id, values: checked }, {
      onSuccess: () => {
        toast.success(student ? t('common.saved') : t('common.created'));
        onClose();
      },
      onError: (error) => showError(error),
    });
  }

  return (
    <FormDialog
      title={student ? t('students.edit') : t('students.new')}
      onClose={onClose}
      size="large"
      onSubmit={submit}
      pending={save.isPending}
      alert={alert}
    >
      <div className="form-grid">
        <TextField label={t('students.first_name')} name="first_name" required defaultValue={student?.first_name} error={fields.first_name} autoFocus />
        <TextField label={t('students.last_name')} name="last_name" required defaultValue={student?.last_name} error={fields.last_name} />
        <TextField label={t('students.email')} name="email" type="email" defaultValue={student?.email ?? ''} error={fields.email} />
        <TextField label={t('students.phone')} name="phone" type="tel" defaultValue={student?.phone ?? ''} error={fields.phone} />
        <TextField label={t('students.date_of_birth')} name="date_of_birth" type="date" defaultValue={student?.date_of_birth ?? ''} error={fields.date_of_birth} />
        <TextField label={t('students.employer')} name="employer" defaultValue={student?.employer ?? ''} error={fields.employer} />
        <TextField label={t('students.number')} name="student_number" defaultValue={student?.student_number ?? ''} error={fields.student_number} />
        <SelectField label={t('common.status')} name="status" defaultValue={student?.status ?? 'active'} error={fields.status}>
          {STUDENT_STATUSES.map((status) => <option key={status} value={status}>{t(`students.status.${status}`)}</option>)}
        </SelectField>
        <TextAreaField className="span-2" label={t('students.notes')} name="notes" defaultValue={student?.notes ?? ''} error={fields.notes} />
      </div>
    </FormDialog>
  );
}
