/**
 * The organisation's conventions (locale, currency, time zone), from /api/auth/me, for every
 * date and amount the dashboard shows. The wording follows the UI language; the regional format
 * (country) and currency follow the organisation.
 */
import { createContext, type ReactNode, useContext, useMemo } from 'react';
import { useI18n } from './i18n';

export type OrganizationSettings = { name: string; currency: string; country: string; timezone: string; language: string };

const OrganizationContext = createContext<OrganizationSettings | null>(null);

export function OrganizationProvider({ organization, children }: { organization: OrganizationSettings; children: ReactNode }) {
  return <OrganizationContext.Provider value={organization}>{children}</OrganizationContext.Provider>;
}

export function useOrganization(): OrganizationSettings | null {
  return useContext(OrganizationContext);
}

export type Formatters = {
  locale: string;
  /** '2026-03-02' → '2 mars 2026' (a calendar date, never shifted by a time zone). */
  date(value: string | null | undefined, style?: 'short' | 'medium' | 'long'): string;
  /** '2026-03-02' → 'lun. 2 mars' */
  weekday(value: string): string;
  dateRange(start: string, end: string): string;
  /** An instant, in the organisation's time zone. */
  dateTime(value: string | null | undefined): string;
  money(amount: string | number | null | undefined, currency?: string): string;
  number(value: number, fractionDigits?: number): string;
  percent(ratio: number | null | undefined): string;
  time(value: string | null | undefined): string;
};

/**
 * The UI language with the organisation's regional conventions: `en-FR`, `fr-SN`. Where the
 * runtime has no such locale (`en-SN` would silently become US English: month first), the
 * language's international variant (`en-001`: day first) is used instead.
 */
export function regionalLocale(language: string, country: string): string {
  for (const candidate of [`${language}-${country}`, `${language}-001`]) {
    try {
      const resolved = new Intl.DateTimeFormat(candidate).resolvedOptions().locale;
      if (resolved.toLowerCase() === candidate.toLowerCase()) return candidate;
    } catch {
      // not a valid tag: try the next one
    }
  }
  return language;
}

function calendarDate(value: string): Date {
  const [year, month, day] = value.slice(0, 10).split('-').map(Number);
  return new Date(Date.UTC(year ?? 1970, (month ?? 1) - 1, day ?? 1, 12));
}

export function useFormat(): Formatters {
  const { language } = useI18n();
  const organization = useOrganization();
  return useMemo(() => {
    const locale = regionalLocale(language, organization?.country ?? 'FR');
    const currency = organization?.currency ?? 'EUR';
    const timeZone = organization?.timezone ?? 'Europe/Paris';
    const dateFormats = {
      short: new Intl.DateTimeFormat(locale, { day: '2-digit', month: '2-digit', year: 'numeric', timeZone: 'UTC' }),
      medium: new Intl.DateTimeFormat(locale, { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' }),
      long: new Intl.DateTimeFormat(locale, { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' }),
    };
    const weekdayFormat = new Intl.DateTimeFormat(locale, { weekday: 'short', day: 'numeric', month: 'short', timeZone: 'UTC' });
    const instantFormat = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short', timeZone });
    return {
      locale,
      date: (value, style = 'medium') => (value ? dateFormats[style].format(calendarDate(value)) : '—'),
      weekday: (value) => weekdayFormat.format(calendarDate(value)),
      dateRange: (start, end) => (start === end
        ? dateFormats.medium.format(calendarDate(start))
        : dateFormats.medium.formatRange(calendarDate(start), calendarDate(end))),
      dateTime: (value) => (value ? instantFormat.format(new Date(value)) : '—'),
      money: (amount, code) => {
        if (amount === null || amount === undefined || amount === '') return '—';
        return new Intl.NumberFormat(locale, { style: 'currency', currency: code ?? currency }).format(Number(amount));
      },
      number: (value, fractionDigits = 0) => new Intl.NumberFormat(locale, { maximumFractionDigits: fractionDigits }).format(value),
      percent: (ratio) => (ratio === null || ratio === undefined ? '—' : new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 0 }).format(ratio)),
      time: (value) => (value ? value.slice(0, 5) : '—'),
    };
  }, [language, organization]);
}
