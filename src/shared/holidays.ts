/**
 * Public holidays by country, for slot generation (which skips them) and for flagging a slot
 * placed on one by hand. Pure and dependency-free: the server and the dashboard share it.
 *
 * HOLIDAY_CALENDARS is the table to extend: one entry per ISO 3166-1 alpha-2 country code, a
 * function from a year to that year's holidays. France comes first, with its movable feasts
 * (Easter Monday, Ascension Thursday, Whit Monday, all from the date of Easter). A country
 * missing from the table has no holidays (only Sundays are skipped).
 */

export type PublicHoliday = { date: string; name: { fr: string; en: string } };

type HolidayRule = (year: number) => PublicHoliday[];

function isoDate(year: number, month: number, day: number): string {
  return new Date(Date.UTC(year, month - 1, day)).toISOString().slice(0, 10);
}

/** Easter Sunday of the Gregorian calendar (Meeus/Jones/Butcher algorithm). */
export function easterSunday(year: number): string {
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return isoDate(year, month, day);
}

function daysAfter(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

function fixed(year: number, month: number, day: number, fr: string, en: string): PublicHoliday {
  return { date: isoDate(year, month, day), name: { fr, en } };
}

/** The holidays France and Belgium share: New Year, the feasts from Easter, and five fixed days. */
function sharedHolidays(year: number): PublicHoliday[] {
  const easter = easterSunday(year);
  return [
    fixed(year, 1, 1, 'Jour de l’an', 'New Year’s Day'),
    { date: daysAfter(easter, 1), name: { fr: 'Lundi de Pâques', en: 'Easter Monday' } },
    fixed(year, 5, 1, 'Fête du Travail', 'Labour Day'),
    { date: daysAfter(easter, 39), name: { fr: 'Ascension', en: 'Ascension Day' } },
    { date: daysAfter(easter, 50), name: { fr: 'Lundi de Pentecôte', en: 'Whit Monday' } },
    fixed(year, 8, 15, 'Assomption', 'Assumption Day'),
    fixed(year, 11, 1, 'Toussaint', 'All Saints’ Day'),
    fixed(year, 12, 25, 'Noël', 'Christmas Day'),
  ];
}

function byDate(holidays: PublicHoliday[]): PublicHoliday[] {
  return holidays.sort((left, right) => left.date.localeCompare(right.date));
}

/** The eleven public holidays of metropolitan France (Code du travail, art. L3133-1). */
const france: HolidayRule = (year) => byDate([
  ...sharedHolidays(year),
  fixed(year, 5, 8, 'Victoire 1945', 'Victory in Europe Day'),
  fixed(year, 7, 14, 'Fête nationale', 'Bastille Day'),
  fixed(year, 11, 11, 'Armistice 1918', 'Armistice Day'),
]);

/** Belgium's ten legal public holidays. */
const belgium: HolidayRule = (year) => byDate([
  ...sharedHolidays(year),
  fixed(year, 7, 21, 'Fête nationale', 'National Day'),
  fixed(year, 11, 11, 'Armistice', 'Armistice Day'),
]);

export const HOLIDAY_CALENDARS: Readonly<Record<string, HolidayRule>> = {
  FR: france,
  BE: belgium,
};

const cache = new Map<string, Map<string, PublicHoliday>>();

/** The holidays of `country` in `year`, by date. */
function holidaysOfYear(country: string, year: number): Map<string, PublicHoliday> {
  const key = `${country.toUpperCase()}|${year}`;
  let holidays = cache.get(key);
  if (!holidays) {
    const rule = HOLIDAY_CALENDARS[country.toUpperCase()];
    holidays = new Map((rule ? rule(year) : []).map((holiday) => [holiday.date, holiday]));
    cache.set(key, holidays);
  }
  return holidays;
}

export function publicHoliday(country: string, date: string): PublicHoliday | undefined {
  return holidaysOfYear(country, Number(date.slice(0, 4))).get(date);
}

export function publicHolidays(country: string, year: number): PublicHoliday[] {
  return [...holidaysOfYear(country, year).values()];
}

/** ISO weekday of a calendar date: 1 = Monday … 7 = Sunday. */
export function isoWeekday(date: string): number {
  const weekday = new Date(`${date}T00:00:00Z`).getUTCDay();
  return weekday === 0 ? 7 : weekday;
}

export type NonWorkingDay = { kind: 'sunday' | 'holiday'; name: { fr: string; en: string } };

/** Why nobody trains on this date, if they should not: a public holiday, or a Sunday. */
export function nonWorkingDay(country: string, date: string): NonWorkingDay | null {
  const holiday = publicHoliday(country, date);
  if (holiday) return { kind: 'holiday', name: holiday.name };
  if (isoWeekday(date) === 7) return { kind: 'sunday', name: { fr: 'Dimanche', en: 'Sunday' } };
  return null;
}
