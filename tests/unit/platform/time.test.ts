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

  it.each([
    // Daylight saving time begins at midnight: the day starts at 01:00, an hour later in UTC than a plain midnight would.
    ['America/Santiago', '2024-09-08', '2024-09-08T04:00:00.000Z'],
    ['America/Havana', '2024-03-10', '2024-03-10T05:00:00.000Z'],
    ['Asia/Beirut', '2024-03-31', '2024-03-30T22:00:00.000Z'],
    // It ends at midnight (Santiago, Beirut) or at 01:00 (Havana, where midnight comes twice: the first one).
    ['America/Santiago', '2024-04-07', '2024-04-07T04:00:00.000Z'],
    ['Asia/Beirut', '2024-10-27', '2024-10-26T22:00:00.000Z'],
    ['America/Havana', '2024-11-03', '2024-11-03T04:00:00.000Z'],
    // The days around them, and a zone whose change is not at midnight.
    ['America/Santiago', '2024-09-07', '2024-09-07T04:00:00.000Z'],
    ['America/Santiago', '2024-09-09', '2024-09-09T03:00:00.000Z'],
    ['Europe/Berlin', '2026-03-29', '2026-03-28T23:00:00.000Z'],
    ['Europe/Berlin', '2026-03-30', '2026-03-29T22:00:00.000Z'],
  ])('starts %s\'s %s at %s', (zone, date, start) => {
    expect(new Date(startOfDay(date, zone)).toISOString()).toBe(start);
  });

  it('lays a year\'s days end to end in zones that change at midnight, each starting on its own date', () => {
    for (const zone of ['America/Santiago', 'America/Havana', 'Asia/Beirut', 'Europe/Berlin']) {
      for (let date = '2024-01-01'; date <= '2024-12-31'; date = addDays(date, 1)) {
        const start = startOfDay(date, zone);
        const length = startOfDay(addDays(date, 1), zone) - start;
        expect(localDate(start, zone), `${zone} ${date}`).toBe(date);
        expect(localDate(start - 1, zone), `${zone} ${date}`).toBe(addDays(date, -1));
        expect(length, `${zone} ${date}`).toBeGreaterThanOrEqual(23 * 3_600_000);
        expect(length, `${zone} ${date}`).toBeLessThanOrEqual(25 * 3_600_000);
      }
    }
  });

  it('gives a day a zone skipped no length: it starts when the next day does (Samoa left out 2011-12-30)', () => {
    expect(new Date(startOfDay('2011-12-30', 'Pacific/Apia')).toISOString()).toBe('2011-12-30T10:00:00.000Z');
    expect(startOfDay('2011-12-31', 'Pacific/Apia')).toBe(startOfDay('2011-12-30', 'Pacific/Apia'));
    expect(localDate(startOfDay('2011-12-31', 'Pacific/Apia') - 1, 'Pacific/Apia')).toBe('2011-12-29');
  });

  it('adds days across months and years', () => {
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
  });
});
