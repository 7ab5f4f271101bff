import { type FormEvent, useState } from 'react';
import { type Program, createProgramBody, updateProgramBody } from '../../../features/programs/program.schemas';
import { Dialog } from '../../components/Dialog';
import { CheckboxField, FormAlert, TextAreaField, TextField } from '../../components/Field';
import { useToast } from '../../components/Toast';
import { ApiError, type FieldErrors } from '../../lib/api';
import { describeError } from '../../lib/errors';
import { useI18n } from '../../lib/i18n';
import { validateWith } from '../../lib/validation';
import { useSaveProgram } from './programs.api';

export function ProgramFormDialog({ program, onClose }: { program?: Program; onClose: () => void }) {
  const { t, language } = useI18n();
  const toast = useToast();
  const save = useSaveProgram();
  const [fields, setFields] = useState<FieldErrors>({});
  const [alert, setAlert] = useState<string | null>(null);
  const formId = 'program-form';

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const values = {
      code: String(form.get('code') ?? ''),
      name: String(form.get('name') ?? ''),
      category: String(form.get('category') ?? ''),
      description: String(form.get('description') ?? ''),
      is_active: form.get('is_active') === 'on',
    };
    const checked = validateWith(program ? updateProgramBody : createProgramBody, values, language);
    setAlert(null);
    if (!checked.ok) {
      setFields(checked.fields);
      return;
    }
    setFields({});
    save.mutate({ id: program?.id, values: checked.data }, {
      onSuccess: () => {
        toast.success(program ? t('common.saved') : t('common.created'));
        onClose();
      },
      onError: (error) => {
        if (error instanceof ApiError && error.status === 400) setFields(error.fields);
        else if (error instanceof ApiError && error.code === 'DUPLICATE') setFields({ code: t('error.duplicate') });
        else setAlert(describeError(error, t));
      },
    });
  }

  return (
    <Dialog
      title={program ? t('programs.edit') : t('programs.new')}
      onClose={onClose}
      footer={(
        <>
          <button type="button" className="btn" onClick={onClose}>{t('common.cancel')}</button>
          <button type="submit" form={formId} className="btn btn-primary" disabled={save.isPending}>{save.isPending ? t('common.saving') : t('common.save')}</button>
        </>
      )}
    >
      <form id={formId} className="form" onSubmit={submit} noValidate>
        <FormAlert message={alert} />
        <div className="form-grid">
          <TextField label={t('common.code')} name="code" required defaultValue={program?.code} error={fields.code} autoFocus />
          <TextField label={t('common.category')} name="category" defaultValue={program?.category ?? ''} error={fields.category} />
          <TextField className="span-2" label={t('common.name')} name="name" required defaultValue={program?.name} error={fields.name} />
          <TextAreaField className="span-2" label={t('common.description')} name="description" defaultValue={program?.description ?? ''} error={fields.description} />
          <CheckboxField label={t('common.active')} name="is_active" defaultChecked={program?.is_active ?? true} error={fields.is_active} />
        </div>
      </form>
    </Dialog>
  );
}
