/**
 * The "Planning" part of the new-session form: the weekly pattern the API turns into slots
 * (`schedule` of POST /api/sessions) — the weekdays, the parts of each day with their hours
 * (prefilled from the organisation's usual hours), whether Sundays and public holidays are left
 * out — or "hours not known yet" (`schedule: null`, no slot). Shows how many slots and hours the
 * pattern makes over the session's dates, computed as the API does (src/shared/slots.ts).
 */
import type { SchedulePattern } from '../../../features/sessions/slot.schemas';
import { CheckboxField } from '../../components/Field';
import type { FieldErrors } from '../../lib/api';
import { type Translate, useI18n } from '../../lib/i18n';
import { useFormat } from '../../lib/organization';
import { hoursOf, partOfDayName } from '../../lib/slots';
import { type DayHours, MAX_GENERATED_SLOTS, PARTS_OF_DAY, type PartOfDay, WEEKDAYS, dayPart, generateSlots, minutesOfDay } from '../../../shared/slots';

type PartDraft = { enabled: boolean; start_time: string; end_time: string };

export type ScheduleDraft = {
  /** Hours not known yet: the session is created without slots. */
  unknown: boolean;
  weekdays: number[];
  parts: Record<PartOfDay, PartDraft>;
  skip_non_working_days: boolean;
};

/** Monday to Friday, morning and afternoon, at the organisation's hours; no evening. */
export function defaultScheduleDraft(hours: DayHours): ScheduleDraft {
  const part = (name: PartOfDay, enabled: boolean): PartDraft => ({ enabled, ...dayPart(hours, name) });
  return {
    unknown: false,
    weekdays: [1, 2, 3, 4, 5],
    parts: { morning: part('morning', true), afternoon: part('afternoon', true), evening: part('evening', false) },
    skip_non_working_days: true,
  };
}

function enabledParts(draft: ScheduleDraft): PartOfDay[] {
  return PARTS_OF_DAY.filter((part) => draft.parts[part].enabled);
}

/** The `schedule` to send: null for "not known yet", else the pattern (parts in the day's order). */
export function scheduleOf(draft: ScheduleDraft): SchedulePattern | null {
  if (draft.unknown) return null;
  return {
    weekdays: [...draft.weekdays].sort((left, right) => left - right),
    parts: enabledParts(draft).map((part) => ({ part_of_day: part, start_time: draft.parts[part].start_time, end_time: draft.parts[part].end_time })),
    skip_non_working_days: draft.skip_non_working_days,
  };
}

/** What the API's schema would refuse with a generic message, said in the form's words. */
export function scheduleFieldErrors(draft: ScheduleDraft, t: Translate): FieldErrors {
  if (draft.unknown) return {};
  const errors: FieldErrors = {};
  if (draft.weekdays.length === 0) errors['schedule.weekdays'] = t('sessions.schedule.no_weekday');
  if (enabledParts(draft).length === 0) errors['schedule.parts'] = t('sessions.schedule.no_part');
  return errors;
}

const TIME = /^\d{2}:\d{2}$/;

function previewOf(draft: ScheduleDraft, dates: { start_date: string; end_date: string }, country: string) {
  const parts = enabledParts(draft).map((part) => ({ part_of_day: part, ...draft.parts[part] }));
  const valid = /^\d{4}-\d{2}-\d{2}$/.test(dates.start_date) && /^\d{4}-\d{2}-\d{2}$/.test(dates.end_date) && dates.start_date <= dates.end_date
    && draft.weekdays.length > 0 && parts.length > 0
    && parts.every((part) => TIME.test(part.start_time) && TIME.test(part.end_time) && minutesOfDay(part.start_time) < minutesOfDay(part.end_time));
  if (!valid) return null;
  const { slots, skipped } = generateSlots({ from: dates.start_date, to: dates.end_date, weekdays: draft.weekdays, parts, skip_non_working_days: draft.skip_non_working_days }, country);
  return { count: slots.length, minutes: slots.reduce((total, slot) => total + slot.minutes, 0), skipped: skipped.length };
}

export function SchedulePatternFields({ draft, onChange, dates, country, fields }: {
  draft: ScheduleDraft;
  onChange: (draft: ScheduleDraft) => void;
  dates: { start_date: string; end_date: string };
  country: string;
  fields: FieldErrors;
}) {
  const { t } = useI18n();
  const format = useFormat();
  const enabled = enabledParts(draft);
  const setPart = (part: PartOfDay, values: Partial<PartDraft>) => onChange({ ...draft, parts: { ...draft.parts, [part]: { ...draft.parts[part], ...values } } });
  // The API names a part by its index among the parts sent: the enabled ones, in the day's order.
  const partError = (part: PartOfDay, field: 'start_time' | 'end_time') => {
    const index = enabled.indexOf(part);
    return index < 0 ? undefined : fields[`schedule.parts.${index}.${field}`] ?? (field === 'start_time' ? fields[`schedule.parts.${index}.part_of_day`] ?? fields[`schedule.parts.${index}`] : undefined);
  };
  const preview = draft.unknown ? null : previewOf(draft, dates, country);
  const partsError = fields['schedule.parts'];
  const weekdaysError = fields['schedule.weekdays'];

  return (
    <fieldset className="schedule-fieldset span-2">
      <legend>{t('sessions.schedule')}</legend>
      <CheckboxField label={t('sessions.schedule.unknown')} checked={draft.unknown} onChange={(event) => onChange({ ...draft, unknown: event.target.checked })} />
      <fieldset className="schedule-pattern" disabled={draft.unknown}>
        <legend className="visually-hidden">{t('sessions.schedule.pattern')}</legend>
        <fieldset className="weekdays" aria-describedby={weekdaysError ? 'schedule-weekdays-error' : undefined}>
          <legend>{t('sessions.schedule.weekdays')}</legend>
          <div className="weekday-list">
            {WEEKDAYS.map((weekday) => (
              <label key={weekday} className="weekday">
                <input
                  type="checkbox"
                  checked={draft.weekdays.includes(weekday)}
                  onChange={(event) => onChange({ ...draft, weekdays: event.target.checked ? [...draft.weekdays, weekday] : draft.weekdays.filter((day) => day !== weekday) })}
                />
                {t(`sessions.schedule.weekday.${weekday}`)}
              </label>
            ))}
          </div>
          {weekdaysError && <p id="schedule-weekdays-error" className="field-error" role="alert">{weekdaysError}</p>}
        </fieldset>
        <fieldset className="day-parts">
          <legend>{t('sessions.schedule.parts')}</legend>
          <div className="day-part-row day-part-head" aria-hidden="true">
            <span />
            <span>{t('sessions.schedule.start')}</span>
            <span>{t('sessions.schedule.end')}</span>
          </div>
          {PARTS_OF_DAY.map((part) => {
            const name = partOfDayName(t, part);
            const startError = partError(part, 'start_time');
            const endError = partError(part, 'end_time');
            const error = [startError, endError].filter(Boolean).join(' ');
            const errorId = `schedule-${part}-error`;
            return (
              <div key={part} className="day-part-row">
                <label className="day-part-name">
                  <input type="checkbox" checked={draft.parts[part].enabled} onChange={(event) => setPart(part, { enabled: event.target.checked })} />
                  {name}
                </label>
                <input
                  type="time"
                  aria-label={t('sessions.schedule.part_start', { part: name })}
                  value={draft.parts[part].start_time}
                  disabled={!draft.parts[part].enabled}
                  aria-invalid={startError ? true : undefined}
                  aria-describedby={error ? errorId : undefined}
                  onChange={(event) => setPart(part, { start_time: event.target.value })}
                />
                <input
                  type="time"
                  aria-label={t('sessions.schedule.part_end', { part: name })}
                  value={draft.parts[part].end_time}
                  disabled={!draft.parts[part].enabled}
                  aria-invalid={endError ? true : undefined}
                  aria-describedby={error ? errorId : undefined}
                  onChange={(event) => setPart(part, { end_time: event.target.value })}
                />
                {error && <p id={errorId} className="field-error day-part-error" role="alert">{error}</p>}
              </div>
            );
          })}
          {partsError && <p className="field-error" role="alert">{partsError}</p>}
        </fieldset>
        <CheckboxField
          label={t('sessions.schedule.skip_non_working_days')}
          checked={draft.skip_non_working_days}
          onChange={(event) => onChange({ ...draft, skip_non_working_days: event.target.checked })}
        />
      </fieldset>
      <p className="field-hint" aria-live="polite">
        {draft.unknown
          ? t('sessions.schedule.unknown_hint')
          : preview && (preview.count > MAX_GENERATED_SLOTS
            ? t('sessions.schedule.too_many')
            : [
              preview.count === 0 ? t('sessions.schedule.preview_none') : t('sessions.schedule.preview', {
                slots: t(preview.count === 1 ? 'sessions.slot_count.one' : 'sessions.slot_count.other', { count: format.number(preview.count) }),
                hours: format.number(hoursOf(preview.minutes), 2),
              }),
              preview.skipped > 0 ? t('sessions.schedule.preview_skipped', { count: preview.skipped }) : '',
            ].filter(Boolean).join(' '))}
      </p>
    </fieldset>
  );
}
