/**
 * A week as a plain CSS grid: a time axis, then one column per day (Monday to Sunday) where
 * timed blocks are placed by their hours. Blocks that overlap share the column's width; a day
 * with many parallel blocks gets a wider column and the grid scrolls sideways inside its own
 * frame, never the page. The caller lays the week out (`layoutWeek`, memoised) and renders
 * each block's content; each day is a heading and an ordered list, read in time order.
 */
import type { CSSProperties, ReactNode } from 'react';
import { useI18n } from '../lib/i18n';
import { useFormat } from '../lib/organization';
import { type DayLayout, type TimedBlock, addDays, hourRange } from '../lib/week';

/** The narrowest a lane may be before its text stops being legible. */
const LANE_MIN_PX = 128;
const DAY_MIN_PX = 128;

export function WeekGrid<B extends TimedBlock>({ label, days, dayLabel, dayFlag, today, renderBlock, firstHour = 7, lastHour = 22 }: {
  label: string;
  days: DayLayout<B>[];
  dayLabel: (date: string) => string;
  /** Why nobody works that day (a holiday's name, "Sunday"), shown in the day's header. */
  dayFlag?: (day: DayLayout<B>) => string | null;
  today?: string;
  renderBlock: (block: B) => ReactNode;
  firstHour?: number;
  lastHour?: number;
}) {
  const range = hourRange(days, firstHour, lastHour);
  const from = range.first * 60;
  const span = (range.last - range.first) * 60;
  const hours = Array.from({ length: range.last - range.first }, (_, index) => range.first + index);
  const columns = days.map((day) => {
    const lanes = Math.max(1, day.lanes);
    return `minmax(${Math.max(DAY_MIN_PX, lanes * LANE_MIN_PX)}px, ${lanes}fr)`;
  });
  return (
    <div className="week-scroll" role="region" aria-label={label} tabIndex={0}>
      <div className="week-grid" style={{ gridTemplateColumns: `3.25rem ${columns.join(' ')}`, '--hours': hours.length } as CSSProperties}>
        <div className="week-axis" aria-hidden="true">
          <div className="week-day-head" />
          <div className="week-body">
            {hours.map((hour) => (
              <span key={hour} className="week-hour" style={{ top: `${((hour * 60 - from) / span) * 100}%` }}>{String(hour).padStart(2, '0')}:00</span>
            ))}
          </div>
        </div>
        {days.map((day, index) => {
          const flag = dayFlag?.(day) ?? null;
          const classes = ['week-day', index >= 5 ? 'is-weekend' : '', flag ? 'is-off' : '', day.date === today ? 'is-today' : ''];
          return (
            <div key={day.date} className={classes.filter(Boolean).join(' ')}>
              <div className="week-day-head">
                <h3 className="week-day-name">{dayLabel(day.date)}</h3>
                {flag && <span className="week-day-flag">{flag}</span>}
              </div>
              <ol className="week-body" aria-label={dayLabel(day.date)}>
                {day.blocks.map((placed) => (
                  <li
                    key={placed.block.id}
                    className="week-block"
                    style={{
                      top: `${((placed.start - from) / span) * 100}%`,
                      height: `${((placed.end - placed.start) / span) * 100}%`,
                      left: `${(placed.lane / placed.lanes) * 100}%`,
                      width: `${100 / placed.lanes}%`,
                    }}
                  >
                    {renderBlock(placed.block)}
                  </li>
                ))}
              </ol>
            </div>
          );
        })}
      </div>
    </div>
  );
}

/** Previous / next week around the shown week's dates, and any other jumps the page offers. */
export function WeekNavigation({ monday, onChange, children }: { monday: string; onChange: (monday: string) => void; children?: ReactNode }) {
  const { t } = useI18n();
  const format = useFormat();
  return (
    <div className="week-nav" role="group" aria-label={t('week.navigation')}>
      <button type="button" className="btn btn-small" onClick={() => onChange(addDays(monday, -7))}>‹ {t('week.previous')}</button>
      <h3 className="week-nav-range" aria-live="polite">{t('week.range', { range: format.dateRange(monday, addDays(monday, 6)) })}</h3>
      <button type="button" className="btn btn-small" onClick={() => onChange(addDays(monday, 7))}>{t('week.next')} ›</button>
      {children}
    </div>
  );
}
