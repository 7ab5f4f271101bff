import { describe, expect, it } from 'vitest';
import { breakAround } from './unplaced.service';

describe('the lunch break set around a restored session’s hours', () => {
  it('keeps a day that straddles lunch as a morning and an afternoon', () => {
    expect(breakAround('09:00:00', '17:00:00')).toEqual({ start_time: '09:00', am_end_time: '12:30', pm_start_time: '13:30', end_time: '17:00' });
  });

  it('puts a morning, an afternoon or an evening course in one half-day with all its hours', () => {
    expect(breakAround('09:00', '12:00')).toEqual({ start_time: '09:00', am_end_time: '12:00', pm_start_time: '12:00', end_time: '12:00' });
    expect(breakAround('14:00', '17:30')).toEqual({ start_time: '14:00', am_end_time: '14:00', pm_start_time: '14:00', end_time: '17:30' });
    expect(breakAround('18:00', '21:00')).toEqual({ start_time: '18:00', am_end_time: '18:00', pm_start_time: '18:00', end_time: '21:00' });
  });

  it('gives no hours when they are not known or end before they start', () => {
    expect(breakAround(null, '12:00')).toBeNull();
    expect(breakAround('22:00', '02:00')).toBeNull();
  });
});
