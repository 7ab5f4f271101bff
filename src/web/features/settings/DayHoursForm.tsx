/**
 * The organisation's usual hours: start and end of the morning, the afternoon and the evening,
 * checked with the API's own schema (each part ends after it starts, the parts follow each other)
 * before they are sent. All six are sent, so the check sees the same hours the server will.
 */
import { type FormEvent, useId } from 'react';
import { type Organization, updateOrganizationBody } from '../../../features/organizations/organization.schemas';
import { PARTS_OF_DAY, type PartOfDay } from '../../../shared/slots';
import { FormAlert, TextField } from '../../components/Field';
import { useToast } from '../../components/Toast';
import { useI18n } from '../../lib/i18n';
import { partOfDayName } from '../../lib/slots';
import { useFormErrors } from '../../lib/validation';
import { useUpdateOrganization } from './organization.api';

const EDGES = ['start', 'end'] as const;

type Edge = (typeof EDGES)[number];

function hourField(part: PartOfDay, edge: Edge) {
  return `${part}_${edge}` as const;
}

function readHours(form: FormData): Record<ReturnType<typeof hourField>, string> {
  const hours = {} as Record<ReturnType<typeof hourField>, string>;
  for (const part of PARTS_OF_DAY) {
    for (const edge of EDGES) hours[hourField(part, edge)] = String(form.get(hourField(part, edge)) ?? '');
  }
  return hours;
}

export function DayHoursForm({ organization }: { organization: Organization }) {
  const { t } = useI18n();
  const toast = useToast();
  const update = useUpdateOrganization();
  const { fields, alert, check, showError, clear } = useFormErrors();
  const formId = useId();

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const checked = check(updateOrganizationBody, readHours(new FormData(event.currentTarget)));
    if (!checked) return;
    update.mutate(checked, {
      onSuccess: () => toast.success(t('settings.day_hours_saved')),
      onError: (error) => showError(error),
    });
  }

  // Cancel is the form's reset: the inputs go back to the stored hours (their default values).
  return (
    <form className="settings-form" onSubmit={submit} onReset={clear} noValidate>
      <fieldset className="form-section">
        <legend>{t('settings.day_hours')}</legend>
        <p className="field-hint">{t('settings.day_hours_hint')}</p>
        <FormAlert message={alert} />
        <div className="day-hours">
          {PARTS_OF_DAY.map((part) => {
            // One message under both hours of the part, as wide as the part: the rule it states
            // is about the order of all six.
            const errors = EDGES.map((edge) => fields[hourField(part, edge)]).filter(Boolean);
            const errorId = `${formId}-${part}-error`;
            return (
              <fieldset key={part} className="fieldset">
                <legend>{partOfDayName(t, part)}</legend>
                {EDGES.map((edge) => (
                  <TextField
                    key={edge}
                    type="time"
                    label={t(`settings.day_hours.${edge}`)}
                    name={hourField(part, edge)}
                    defaultValue={organization[hourField(part, edge)]}
                    aria-invalid={fields[hourField(part, edge)] ? true : undefined}
                    aria-describedby={fields[hourField(part, edge)] ? errorId : undefined}
                  />
                ))}
                {errors.length > 0 && <p id={errorId} className="field-error day-hours-error" role="alert">{[...new Set(errors)].join(' ')}</p>}
              </fieldset>
            );
          })}
        </div>
      </fieldset>
      <div className="form-actions">
        <button type="reset" className="btn" disabled={update.isPending}>{t('common.cancel')}</button>
        <button type="submit" className="btn btn-primary" disabled={update.isPending}>{update.isPending ? t('common.saving') : t('common.save')}</button>
      </div>
    </form>
  );
}
