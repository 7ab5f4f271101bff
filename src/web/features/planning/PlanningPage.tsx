/**
 * The organisation's planning: one week of every session's slots on a week grid (Monday to
 * Sunday, 07:00 to 22:00), filtered by trainer and by place. The week and the filters are in
 * the URL (`?week=2026-12-14&teacher_id=…&location=…`). One request per week (GET /api/slots);
 * the layout is computed once per answer. The place choices are the week's places, from the
 * same week without the place filter (the same request when no place is chosen).
 */
import { useMemo } from 'react';
import { Badge } from '../../components/Badge';
import { SelectField, TextField } from '../../components/Field';
import { FilterBar } from '../../components/FilterBar';
import { PageHeader } from '../../components/PageHeader';
import { ErrorState, Loading } from '../../components/States';
import { WeekGrid, WeekNavigation } from '../../components/WeekGrid';
import { useI18n } from '../../lib/i18n';
import { useFormat, useOrganization } from '../../lib/organization';
import { useUrlState } from '../../lib/url-state';
import { addDays, dayFlag, isCalendarDate, layoutWeek, mondayOf, todayIn, weekDates } from '../../lib/week';
import { useRole } from '../auth/permissions';
import { useTrainerOptions } from '../sessions/sessions.api';
import { PlanningBlock } from './PlanningBlock';
import { usePlanning } from './planning.api';

const KEYS = ['week', 'teacher_id', 'location'] as const;

export function PlanningPage() {
  const { t, language } = useI18n();
  const format = useFormat();
  const role = useRole();
  const organization = useOrganization();
  const country = organization?.country ?? 'FR';
  const { values, update } = useUrlState(KEYS);
  const now = todayIn(organization?.timezone ?? 'Europe/Paris');
  const monday = isCalendarDate(values.week) ? mondayOf(values.week) : mondayOf(now);
  const week = { from: monday, to: addDays(monday, 6), teacher_id: values.teacher_id || undefined };
  const planning = usePlanning({ ...week, location: values.location || undefined });
  const unfiltered = usePlanning(week);
  const trainers = useTrainerOptions();

  const items = planning.data?.items;
  const days = useMemo(() => layoutWeek(weekDates(monday), items ?? []), [monday, items]);
  const placeItems = unfiltered.data?.items;
  const places = useMemo(() => {
    const names = new Set((placeItems ?? []).map((slot) => slot.place).filter((place): place is string => Boolean(place)));
    if (values.location) names.add(values.location);
    return [...names].sort((left, right) => left.localeCompare(right, language));
  }, [placeItems, values.location, language]);
  const filtered = Boolean(values.teacher_id || values.location);
  const conflictCount = planning.data?.conflict_count ?? 0;

  return (
    <>
      <PageHeader
        title={t('planning.title')}
        subtitle={t('week.range', { range: format.dateRange(monday, addDays(monday, 6)) })}
        actions={planning.data && (
          <p className="planning-counts" aria-live="polite">
            <Badge tone="accent">{t(planning.data.total === 1 ? 'sessions.slot_count.one' : 'sessions.slot_count.other', { count: format.number(planning.data.total) })}</Badge>
            <Badge tone={conflictCount > 0 ? 'danger' : 'success'}>
              {conflictCount > 0 ? `⚠ ${t('planning.conflict_count', { count: conflictCount })}` : t('planning.no_conflict')}
            </Badge>
          </p>
        )}
      />
      <FilterBar label={t('common.filters')} onReset={() => update({ teacher_id: null, location: null })} active={filtered}>
        {role !== 'teacher' && (
          <SelectField label={t('planning.trainer')} value={values.teacher_id} onChange={(event) => update({ teacher_id: event.target.value })}>
            <option value="">{t('common.all')}</option>
            {(trainers.data ?? []).map((trainer) => <option key={trainer.id} value={trainer.id}>{trainer.full_name ?? trainer.email}</option>)}
          </SelectField>
        )}
        <SelectField label={t('planning.place')} value={values.location} onChange={(event) => update({ location: event.target.value })}>
          <option value="">{t('common.all')}</option>
          {places.map((place) => <option key={place} value={place}>{place}</option>)}
        </SelectField>
        <TextField label={t('planning.go_to')} type="date" value={monday} onChange={(event) => isCalendarDate(event.target.value) && update({ week: mondayOf(event.target.value) })} />
      </FilterBar>
      <WeekNavigation monday={monday} onChange={(next) => update({ week: next })}>
        <button type="button" className="btn btn-small" disabled={monday === mondayOf(now)} onClick={() => update({ week: null })}>{t('week.this_week')}</button>
      </WeekNavigation>
      {planning.isPending ? <Loading /> : planning.isError ? <ErrorState error={planning.error} onRetry={() => void planning.refetch()} /> : (
        <>
          {planning.data.total === 0 && <p className="muted">{filtered ? t('planning.empty_filtered') : t('planning.empty')}</p>}
          <div className={planning.isPlaceholderData ? 'is-refreshing' : undefined}>
            <WeekGrid
              label={t('planning.grid_label')}
              days={days}
              today={now}
              dayLabel={(date) => format.weekday(date)}
              dayFlag={(day) => dayFlag(country, day)?.name[language] ?? null}
              renderBlock={(slot) => <PlanningBlock slot={slot} monday={monday} />}
            />
          </div>
        </>
      )}
    </>
  );
}
