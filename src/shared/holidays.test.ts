import { describe, expect, it } from 'vitest';
import { easterSunday, isoWeekday, nonWorkingDay, publicHoliday, publicHolidays } from './holidays';

describe('easterSunday', () => {
  it.each([
    [2024, '2024-03-31'],
    [2025, '2025-04-20'],
    [2026, '2026-04-05'],
    [2027, '2027-03-28'],
    [2038, '2038-04-25'],
    // The earliest and latest dates Easter can fall on.
    [2285, '2285-03-22'],
    [1943, '1943-04-25'],
  ])('falls in %i on %s, a Sunday', (year, date) => {
    expect(easterSunday(year)).toBe(date);
    expect(isoWeekday(date)).toBe(7);
  });
});

describe('French public holidays', () => {
  it('are the eleven of 2026, with Easter Monday, Ascension and Whit Monday from Easter (5 April)', () => {
    expect(publicHolidays('FR', 2026).map((holiday) => [holiday.date, holiday.name.en])).toEqual([
      ['2026-01-01', 'New Year’s Day'],
      ['2026-04-06', 'Easter Monday'],
      ['2026-05-01', 'Labour Day'],
      ['2026-05-08', 'Victory in Europe Day'],
      ['2026-05-14', 'Ascension Day'],
      ['2026-05-25', 'Whit Monday'],
      ['2026-07-14', 'Bastille Day'],
      ['2026-08-15', 'Assumption Day'],
      ['2026-11-01', 'All Saints’ Day'],
      ['2026-11-11', 'Armistice Day'],
      ['2026-12-25', 'Christmas Day'],
    ]);
  });

  it('are the eleven of 2027, with Easter on 28 March moving its feasts into March and early May', () => {
    expect(publicHolidays('FR', 2027).map((holiday) => holiday.date)).toEqual([
      '2027-01-01', '2027-03-29', '2027-05-01', '2027-05-06', '2027-05-08', '2027-05-17',
      '2027-07-14', '2027-08-15', '2027-11-01', '2027-11-11', '2027-12-25',
    ]);
    expect(publicHoliday('FR', '2027-05-06')?.name).toEqual({ fr: 'Ascension', en: 'Ascension Day' });
    expect(publicHoliday('FR', '2027-05-17')?.name.fr).toBe('Lundi de Pentecôte');
    // The date of 2026’s Easter Monday is a plain day in 2027.
    expect(publicHoliday('FR', '2027-04-06')).toBeUndefined();
  });

  it('puts Ascension on a Thursday and Easter Monday and Whit Monday on Mondays every year', () => {
    for (let year = 2024; year <= 2040; year += 1) {
      const byName = new Map(publicHolidays('FR', year).map((holiday) => [holiday.name.en, holiday.date]));
      expect(isoWeekday(byName.get('Easter Monday')!), `${year}`).toBe(1);
      expect(isoWeekday(byName.get('Ascension Day')!), `${year}`).toBe(4);
      expect(isoWeekday(byName.get('Whit Monday')!), `${year}`).toBe(1);
    }
  });

  it('reads the country code in any case', () => {
    expect(publicHoliday('fr', '2026-07-14')?.name.fr).toBe('Fête nationale');
    expect(publicHoliday('FR', '2026-07-21')).toBeUndefined();
    expect(publicHoliday('BE', '2026-07-21')?.name.en).toBe('National Day');
  });
});

describe('nonWorkingDay', () => {
  it('flags a Sunday', () => {
    expect(nonWorkingDay('FR', '2026-03-01')).toEqual({ kind: 'sunday', name: { fr: 'Dimanche', en: 'Sunday' } });
  });

  it('flags a public holiday, before the Sunday it may fall on', () => {
    expect(nonWorkingDay('FR', '2026-12-25')).toEqual({ kind: 'holiday', name: { fr: 'Noël', en: 'Christmas Day' } });
    // All Saints’ Day 2026 is a Sunday: it is reported as the holiday.
    expect(nonWorkingDay('FR', '2026-11-01')).toMatchObject({ kind: 'holiday', name: { en: 'All Saints’ Day' } });
  });

  it('leaves a plain weekday and a Saturday alone', () => {
    expect(nonWorkingDay('FR', '2026-03-03')).toBeNull();
    expect(nonWorkingDay('FR', '2026-03-07')).toBeNull();
  });

  it('knows no holiday in a country missing from the table, but still flags its Sundays', () => {
    expect(publicHolidays('ZZ', 2026)).toEqual([]);
    expect(nonWorkingDay('ZZ', '2026-12-25')).toBeNull();
    expect(nonWorkingDay('ZZ', '2026-12-27')).toMatchObject({ kind: 'sunday' });
  });
});
