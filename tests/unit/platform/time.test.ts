import { describe, expect, it } from 'vitest';
import { addDays, localDate, startOfDay } from '../../../lib/platform/time';

describe('calendar days in a time zone', () => {
  it('dates an instant in the zone', () => {
    const at = Date.parse('2026-03-01T02:30:00Z');
    expect(localDate(at, 'UTC')).toBe('2026-03-01');
    expect(localDate(at, 'America/New_York')).toBe('2026-02-28');
    expect(localDate(at, 'Pacific/Auckland')).toBe('2026-03-01');
  });

  it('finds the first instant of a day, daylight saving time changes included', () => {
    expect(new Date(startOfDay('2026-07-01', 'UTC')).toISOString()).toBe('2026-07-01T00:00:00.000Z');
    expect(new Date(startOfDay('2026-07-01', 'Europe/Berlin')).toISOString()).toBe('2026-06-30T22:00:00.000Z');
    expect(new Date(startOfDay('2026-01-01', 'Europe/Berlin')).toISOString()).toBe('2025-12-31T23:00:00.000Z');
    // The day the clocks go forward in New York (2026-03-08) starts at 05:00 UTC; the next one at 04:00.
    expect(new Date(startOfDay('2026-03-08', 'America/New_York')).toISOString()).toBe('2026-03-08T05:00:00.000Z');
    expect(new Date(startOfDay('2026-03-09', 'America/New_York')).toISOString()).toBe('2026-03-09T04:00:00.000Z');
    for (const zone of ['UTC', 'Europe/Berlin', 'America/New_York', 'Asia/Kolkata']) {
      const start = startOfDay('2026-03-08', zone);
      expect(localDate(start, zone)).toBe('2026-03-08');
      expect(localDate(start - 1, zone)).toBe('2026-03-07');
    }
  });

  it('adds days across months and years', () => {
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
  });
});
