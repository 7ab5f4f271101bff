import type { FormEvent } from 'react';
import { type Program, createProgramBody, updateProgramBody } from '../../../features/programs/program.schemas';
import { FormDialog } from '../../components/Dialog';
import { CheckboxField, TextAreaField, TextField } from '../../components/Field';
import { useToast } from '../../components/Toast';
import { useI18n } from '../../lib/i18n';
import { useFormErrors } from '../../lib/validation';
import { useSaveProgram } from './programs.api';

export function ProgramFormDialog({ program, onClose }: { program?: Program; onClose: () => void }) {
  const { t } = useI18n();
  const toast = useToast();
  const save = useSaveProgram();
  const { fields, alert, check, showError } = useFormErrors();

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
    const checked = check(program ? updateProgramBody : createProgramBody, values);
    if (!checked) return;
    save.mutate({ id: program?.id, values: checked }, {
      onSuccess: () => {
        toast.success(program ? t('common.saved') : t('common.created'));
        onClose();
      },
      onError: (error) => showError(error, { duplicateField: 'code' }),
    });
  }

  return (
    <FormDialog
      title={program ? t('programs.edit') : t('programs.new')}
      onClose={onClose}
      onSubmit={submit}
      pending={save.isPending}
      alert={alert}
    >
      <div className="form-grid">
        <TextField label={t('common.code')} name="code" required defaultValue={program?.code} error={fields.code} autoFocus />
        <TextField label={t('common.category')} name="category" defaultValue={program?.category ?? ''} error={fields.category} />
        <TextField className="span-2" label={t('common.name')} name="name" required defaultValue={program?.name} error={fields.name} />
        <TextAreaField className="span-2" label={t('common.description')} name="description" defaultValue={program?.description ?? ''} error={fields.description} />
        <CheckboxField label={t('common.active')} name="is_active" defaultChecked={program?.is_active ?? true} error={fields.is_active} />
      </div>
    </FormDialog>
  );
}
