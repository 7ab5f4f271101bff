/**
 * Generates a session's slots from a weekly pattern: a period (the session's dates by default),
 * weekdays, parts of the day with their hours (the organisation's by default), Sundays and
 * public holidays skipped, and optionally the period's unmarked slots replaced. "Preview" asks
 * the API what it would do and writes nothing; "Generate" sends the same pattern for real.
 */
import { type FormEvent, useEffect, useId, useRef, useState } from 'react';
import type { Session } from '../../../features/sessions/session.schemas';
import { type GenerateSlotsResult, generateSlotsBody } from '../../../features/sessions/slot.schemas';
import { DEFAULT_DAY_HOURS, PARTS_OF_DAY, type PartOfDay, WEEKDAYS, dayPart, slotMinutes } from '../../../shared/slots';
import { Dialog } from '../../components/Dialog';
import { CheckboxField, FormAlert, TextField } from '../../components/Field';
import { useToast } from '../../components/Toast';
import { ApiError, type FieldErrors } from '../../lib/api';
import { useI18n } from '../../lib/i18n';
import { useFormat } from '../../lib/organization';
import { hoursOf, partOfDayName, slotHours } from '../../lib/slots';
import { validateWith } from '../../lib/validation';
import { useCurrentUser } from '../auth/auth.api';
import { describeSlotRefusal } from './slot-errors';
import { useGenerateSlots } from './slots.api';

type PartChoice = { enabled: boolean; start_time: string; end_time: string };

export function GenerateDialog({ session, onClose }: { session: Session; onClose: () => void }) {
  const { t, language } = useI18n();
  const format = useFormat();
  const toast = useToast();
  const generate = useGenerateSlots(session.id);
  const formId = useId();
  const dayHours = useCurrentUser().data?.organization.day_hours ?? DEFAULT_DAY_HOURS;
  const [from, setFrom] = useState(session.start_date);
  const [to, setTo] = useState(session.end_date);
  const [weekdays, setWeekdays] = useState<Set<number>>(() => new Set([1, 2, 3, 4, 5]));
  const [parts, setParts] = useState<Record<PartOfDay, PartChoice>>(() => {
    const choice = (part: PartOfDay, enabled: boolean) => ({ enabled, ...dayPart(dayHours, part) });
    return { morning: choice('morning', true), afternoon: choice('afternoon', true), evening: choice('evening', false) };
  });
  const [skipNonWorkingDays, setSkipNonWorkingDays] = useState(true);
  const [replace, setReplace] = useState(false);
  const [preview, setPreview] = useState<GenerateSlotsResult | null>(null);
  const [fields, setFields] = useState<FieldErrors>({});
  const [alert, setAlert] = useState<string | null>(null);

  const chosenParts = PARTS_OF_DAY.filter((part) => parts[part].enabled);

  /** Any change makes the preview stale. */
  function changed() {
    setPreview(null);
    setAlert(null);
  }

  function run(asPreview: boolean) {
    setAlert(null);
    const ownErrors: FieldErrors = {};
    if (weekdays.size === 0) ownErrors.weekdays = t('sessions.schedule.no_weekday');
    if (chosenParts.length === 0) ownErrors.parts = t('sessions.schedule.no_part');
    const checked = validateWith(generateSlotsBody, {
      from,
      to,
      weekdays: [...weekdays].sort((left, right) => left - right),
      parts: chosenParts.map((part) => ({ part_of_day: part, start_time: parts[part].start_time, end_time: parts[part].end_time })),
      skip_non_working_days: skipNonWorkingDays,
      replace,
      preview: asPreview,
    }, language);
    if (!checked.ok || Object.keys(ownErrors).length > 0) {
      setFields({ ...(checked.ok ? {} : checked.fields), ...ownErrors });
      return;
    }
    setFields({});
    generate.mutate(checked.data, {
      onSuccess: (result) => {
        if (result.preview) {
          setPreview(result);
          return;
        }
        toast.success(t('slots.generated', { count: result.created.length }));
        onClose();
      },
      onError: (error) => {
        if (error instanceof ApiError && error.status === 400) setFields(error.fields);
        else setAlert(describeSlotRefusal(error, t, format));
      },
    });
  }

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    run(false);
  }

  /** A part's error, wherever the schema put it (`parts.1.end_time` is the second part chosen). */
  const partError = (part: PartOfDay, field: 'start_time' | 'end_time' | 'part_of_day') => {
    const index = chosenParts.indexOf(part);
    return index === -1 ? undefined : fields[`parts.${index}.${field}`];
  };

  return (
    <Dialog
      title={t('slots.generate.title')}
      onClose={onClose}
      size="large"
      footer={(
        <>
          <button type="button" className="btn" onClick={onClose}>{t('common.cancel')}</button>
          <button type="button" className="btn" disabled={generate.isPending} onClick={() => run(true)}>{t('slots.generate.preview')}</button>
          <button type="submit" form={formId} className="btn btn-primary" disabled={generate.isPending}>
            {generate.isPending ? t('common.saving') : t('slots.generate.run')}
          </button>
        </>
      )}
    >
      <form id={formId} className="form" onSubmit={submit} onChange={changed} noValidate>
        <FormAlert message={alert} />
        <div className="form-grid">
          <TextField label={t('slots.generate.from')} type="date" required value={from} min={session.start_date} max={session.end_date} onChange={(event) => setFrom(event.target.value)} error={fields.from} />
          <TextField label={t('slots.generate.to')} type="date" required value={to} min={session.start_date} max={session.end_date} onChange={(event) => setTo(event.target.value)} error={fields.to} />
        </div>
        <fieldset className="fieldset" aria-describedby={fields.weekdays ? `${formId}-weekdays-error` : undefined}>
          <legend>{t('sessions.schedule.weekdays')}</legend>
          <div className="checkbox-row">
            {WEEKDAYS.map((weekday) => (
              <CheckboxField
                key={weekday}
                label={t(`sessions.schedule.weekday.${weekday}`)}
                checked={weekdays.has(weekday)}
                onChange={(event) => {
                  const next = new Set(weekdays);
                  if (event.target.checked) next.add(weekday);
                  else next.delete(weekday);
                  setWeekdays(next);
                }}
              />
            ))}
          </div>
          {(fields.weekdays || Object.keys(fields).some((field) => field.startsWith('weekdays.'))) && (
            <p id={`${formId}-weekdays-error`} className="field-error" role="alert">{fields.weekdays ?? t('common.invalid')}</p>
          )}
        </fieldset>
        <fieldset className="fieldset">
          <legend>{t('sessions.schedule.parts')}</legend>
          <div className="part-rows">
            {PARTS_OF_DAY.map((part) => {
              const name = partOfDayName(t, part);
              return (
                <div key={part} className="part-row">
                  <CheckboxField
                    label={name}
                    checked={parts[part].enabled}
                    onChange={(event) => setParts({ ...parts, [part]: { ...parts[part], enabled: event.target.checked } })}
                    error={partError(part, 'part_of_day')}
                  />
                  <TextField
                    label={t('sessions.schedule.part_start', { part: name })}
                    type="time"
                    value={parts[part].start_time}
                    disabled={!parts[part].enabled}
                    onChange={(event) => setParts({ ...parts, [part]: { ...parts[part], start_time: event.target.value } })}
                    error={partError(part, 'start_time')}
                  />
                  <TextField
                    label={t('sessions.schedule.part_end', { part: name })}
                    type="time"
                    value={parts[part].end_time}
                    disabled={!parts[part].enabled}
                    onChange={(event) => setParts({ ...parts, [part]: { ...parts[part], end_time: event.target.value } })}
                    error={partError(part, 'end_time')}
                  />
                </div>
              );
            })}
          </div>
          {fields.parts && <p className="field-error" role="alert">{fields.parts}</p>}
        </fieldset>
        <CheckboxField label={t('sessions.schedule.skip_non_working_days')} checked={skipNonWorkingDays} onChange={(event) => setSkipNonWorkingDays(event.target.checked)} hint={t('slots.generate.skip_hint')} />
        <CheckboxField label={t('slots.generate.replace')} checked={replace} onChange={(event) => setReplace(event.target.checked)} hint={t('slots.generate.replace_hint')} />
      </form>
      {preview && <GeneratePreview result={preview} />}
    </Dialog>
  );
}

function GeneratePreview({ result }: { result: GenerateSlotsResult }) {
  const { t, language } = useI18n();
  const format = useFormat();
  const ref = useRef<HTMLElement>(null);
  // The preview sits under the form: bring it into view when it comes. (Braces: recent browsers
  // return a promise from scrollIntoView, which React would take for a cleanup function.)
  useEffect(() => {
    ref.current?.scrollIntoView({ block: 'nearest' });
  }, [result]);
  const createdMinutes = result.created.reduce((total, slot) => total + slotMinutes(slot), 0);
  const hours = (minutes: number) => format.number(hoursOf(minutes), 2);
  return (
    <section ref={ref} className="generate-preview" aria-labelledby="generate-preview-title" role="status">
      <h3 id="generate-preview-title">{t('slots.preview.title')}</h3>
      <p><strong>{t('slots.preview.created', { count: result.created.length, hours: hours(createdMinutes) })}</strong></p>
      <p>{t('slots.preview.total', { hours: hours(result.planned_minutes) })}</p>
      {result.removed_count > 0 && <p>{t('slots.preview.removed', { count: result.removed_count })}</p>}
      {result.kept_with_marks > 0 && <p>{t('slots.preview.kept', { count: result.kept_with_marks })}</p>}
      {result.skipped.length > 0 && (
        <>
          <h4>{t('slots.preview.skipped', { count: result.skipped.length })}</h4>
          <ul className="preview-list">
            {result.skipped.map((day) => <li key={day.date}>{format.date(day.date, 'long')} — {day.name[language]}</li>)}
          </ul>
        </>
      )}
      {result.overlapping.length > 0 && (
        <>
          <h4>{t('slots.preview.overlapping', { count: result.overlapping.length })}</h4>
          <ul className="preview-list">
            {result.overlapping.map((slot) => <li key={`${slot.date}-${slot.start_time}`}>{format.date(slot.date, 'long')} · {partOfDayName(t, slot.part_of_day)} {slotHours(t, slot)}</li>)}
          </ul>
        </>
      )}
    </section>
  );
}
