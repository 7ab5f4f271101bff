/** Create or edit a formation: its full set of fields, grouped into sections. */
import { type FormEvent, useState } from 'react';
import { useNavigate, useParams } from 'react-router-dom';
import { DURATION_UNITS, type Formation, createFormationBody, updateFormationBody } from '../../../features/formations/formation.schemas';
import { CheckboxField, FormAlert, SelectField, TextAreaField, TextField } from '../../components/Field';
import { PageHeader } from '../../components/PageHeader';
import { ErrorState, Loading } from '../../components/States';
import { useToast } from '../../components/Toast';
import { ApiError, type FieldErrors } from '../../lib/api';
import { describeError } from '../../lib/errors';
import { useI18n } from '../../lib/i18n';
import { useOrganization } from '../../lib/organization';
import { numberOrNull, textOrNull, validateWith } from '../../lib/validation';
import { useProgramOptions } from '../programs/programs.api';
import { useFormation, useSaveFormation } from './formations.api';

export function FormationEditPage() {
  const { id } = useParams();
  const existing = useFormation(id);
  if (id && existing.isPending) return <Loading />;
  if (id && existing.isError) return <ErrorState error={existing.error} onRetry={() => void existing.refetch()} />;
  return <FormationForm formation={existing.data} />;
}

function readValues(form: FormData) {
  const text = (name: string) => String(form.get(name) ?? '');
  return {
    program_id: textOrNull(text('program_id')),
    code: text('code'),
    name: text('name'),
    subtitle: text('subtitle'),
    description: text('description'),
    category: text('category'),
    duration_hours: textOrNull(text('duration_hours')),
    duration_days: numberOrNull(text('duration_days')),
    duration_unit: textOrNull(text('duration_unit')),
    price: textOrNull(text('price')),
    currency: text('currency'),
    payment_plan: text('payment_plan'),
    prerequisites: text('prerequisites'),
    capacity_max: numberOrNull(text('capacity_max')),
    age_min: numberOrNull(text('age_min')),
    age_max: numberOrNull(text('age_max')),
    modalities: text('modalities'),
    pedagogical_objectives: text('pedagogical_objectives'),
    training_content: text('training_content'),
    eligible_cpf: form.get('eligible_cpf') === 'on',
    cpf_code: text('cpf_code'),
    certification_issued: form.get('certification_issued') === 'on',
    photo_url: text('photo_url'),
    published_online: form.get('published_online') === 'on',
    is_active: form.get('is_active') === 'on',
  };
}

function FormationForm({ formation }: { formation?: Formation }) {
  const { t, language } = useI18n();
  const toast = useToast();
  const navigate = useNavigate();
  const organization = useOrganization();
  const programs = useProgramOptions();
  const save = useSaveFormation();
  const [fields, setFields] = useState<FieldErrors>({});
  const [alert, setAlert] = useState<string | null>(null);
  const f = (name: keyof Formation) => {
    const value = formation?.[name];
    return value === null || value === undefined ? '' : String(value);
  };

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const checked = validateWith(formation ? updateFormationBody : createFormationBody, readValues(new FormData(event.currentTarget)), language);
    setAlert(null);
    if (!checked.ok) {
      setFields(checked.fields);
      setAlert(t('common.invalid'));
      return;
    }
    setFields({});
    save.mutate({ id: formation?.id, values: checked.data }, {
      onSuccess: (saved) => {
        toast.success(formation ? t('common.saved') : t('common.created'));
        navigate(`/dashboard/formations/${saved.id}`);
      },
      onError: (error) => {
        if (error instanceof ApiError && error.status === 400) {
          setFields(error.fields);
          setAlert(t('common.invalid'));
        } else if (error instanceof ApiError && error.code === 'DUPLICATE') {
          setFields({ code: t('error.duplicate') });
        } else setAlert(describeError(error, t));
      },
    });
  }

  const title = formation ? t('formations.edit') : t('formations.new');
  return (
    <>
      <PageHeader
        back={formation ? { to: `/dashboard/formations/${formation.id}`, label: formation.name } : { to: '/dashboard/formations', label: t('formations.title') }}
        title={title}
      />
      <form className="formation-form" onSubmit={submit} noValidate aria-label={title}>
        <FormAlert message={alert} />
        <fieldset className="form-section">
          <legend>{t('formations.section.general')}</legend>
          <div className="form-grid">
            <TextField label={t('common.code')} name="code" required defaultValue={f('code')} error={fields.code} />
            <SelectField key={programs.data ? 'program-loaded' : 'program-loading'} label={t('formations.program')} name="program_id" defaultValue={f('program_id')} error={fields.program_id}>
              <option value="">{t('formations.no_program')}</option>
              {(programs.data ?? []).map((program) => <option key={program.id} value={program.id}>{program.name}</option>)}
            </SelectField>
            <TextField className="span-2" label={t('common.name')} name="name" required defaultValue={f('name')} error={fields.name} />
            <TextField className="span-2" label={t('formations.field.subtitle')} name="subtitle" defaultValue={f('subtitle')} error={fields.subtitle} />
            <TextField label={t('common.category')} name="category" defaultValue={f('category')} error={fields.category} />
            <TextField label={t('formations.field.photo_url')} name="photo_url" type="url" defaultValue={f('photo_url')} error={fields.photo_url} />
            <TextAreaField className="span-2" label={t('common.description')} name="description" defaultValue={f('description')} error={fields.description} />
          </div>
        </fieldset>
        <fieldset className="form-section">
          <legend>{t('formations.section.duration')}</legend>
          <div className="form-grid">
            <TextField label={t('formations.field.duration_hours')} name="duration_hours" inputMode="decimal" defaultValue={f('duration_hours')} error={fields.duration_hours} />
            <TextField label={t('formations.field.duration_days')} name="duration_days" inputMode="numeric" defaultValue={f('duration_days')} error={fields.duration_days} />
            <SelectField label={t('formations.field.duration_unit')} name="duration_unit" defaultValue={f('duration_unit') || 'hours'} error={fields.duration_unit}>
              <option value="">—</option>
              {DURATION_UNITS.map((unit) => <option key={unit} value={unit}>{t(`formations.unit.${unit}`)}</option>)}
            </SelectField>
            <TextField label={`${t('formations.price')} (HT)`} name="price" inputMode="decimal" defaultValue={f('price')} error={fields.price} />
            <TextField label={t('formations.field.currency')} name="currency" defaultValue={formation?.currency ?? organization?.currency ?? 'EUR'} error={fields.currency} maxLength={3} />
            <TextAreaField className="span-2" label={t('formations.field.payment_plan')} name="payment_plan" defaultValue={f('payment_plan')} error={fields.payment_plan} />
          </div>
        </fieldset>
        <fieldset className="form-section">
          <legend>{t('formations.section.audience')}</legend>
          <div className="form-grid">
            <TextField label={t('formations.field.capacity_max')} name="capacity_max" inputMode="numeric" defaultValue={f('capacity_max')} error={fields.capacity_max} />
            <TextField label={t('formations.field.modalities')} name="modalities" defaultValue={f('modalities')} error={fields.modalities} />
            <TextField label={t('formations.field.age_min')} name="age_min" inputMode="numeric" defaultValue={f('age_min')} error={fields.age_min} />
            <TextField label={t('formations.field.age_max')} name="age_max" inputMode="numeric" defaultValue={f('age_max')} error={fields.age_max} />
            <TextAreaField className="span-2" label={t('formations.field.prerequisites')} name="prerequisites" defaultValue={f('prerequisites')} error={fields.prerequisites} />
          </div>
        </fieldset>
        <fieldset className="form-section">
          <legend>{t('formations.section.content')}</legend>
          <div className="form-grid">
            <TextAreaField className="span-2" label={t('formations.field.pedagogical_objectives')} name="pedagogical_objectives" rows={4} defaultValue={f('pedagogical_objectives')} error={fields.pedagogical_objectives} />
            <TextAreaField className="span-2" label={t('formations.field.training_content')} name="training_content" rows={6} defaultValue={f('training_content')} error={fields.training_content} />
          </div>
        </fieldset>
        <fieldset className="form-section">
          <legend>{t('formations.section.certification')}</legend>
          <div className="form-grid">
            <CheckboxField label={t('formations.field.eligible_cpf')} name="eligible_cpf" defaultChecked={formation?.eligible_cpf ?? false} error={fields.eligible_cpf} />
            <TextField label={t('formations.field.cpf_code')} name="cpf_code" defaultValue={f('cpf_code')} error={fields.cpf_code} />
            <CheckboxField label={t('formations.field.certification_issued')} name="certification_issued" defaultChecked={formation?.certification_issued ?? false} error={fields.certification_issued} />
          </div>
        </fieldset>
        <fieldset className="form-section">
          <legend>{t('formations.section.publication')}</legend>
          <div className="form-grid">
            <CheckboxField label={t('formations.field.published_online')} name="published_online" defaultChecked={formation?.published_online ?? false} error={fields.published_online} />
            <CheckboxField label={t('formations.field.is_active')} name="is_active" defaultChecked={formation?.is_active ?? true} error={fields.is_active} />
          </div>
        </fieldset>
        <div className="form-actions">
          <button type="button" className="btn" onClick={() => navigate(-1)}>{t('common.cancel')}</button>
          <button type="submit" className="btn btn-primary" disabled={save.isPending}>{save.isPending ? t('common.saving') : t('common.save')}</button>
        </div>
      </form>
    </>
  );
}
