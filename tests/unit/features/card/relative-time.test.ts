/** When a play was, as the cards say it, against a fixed clock. */
import { describe, expect, it } from 'vitest';
import { relativeTime } from '../../../../lib/features/card/relative-time';

const NOW = Date.parse('2026-11-28T16:00:00.000Z');
const ago = (ms: number) => relativeTime(NOW - ms, NOW);
const SECOND = 1_000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

describe('relativeTime', () => {
  it.each([
    [0, 'just now'],
    [59 * SECOND, 'just now'],
    [MINUTE, '1 min ago'],
    [3 * MINUTE + 59 * SECOND, '3 min ago'],
    [59 * MINUTE, '59 min ago'],
    [HOUR, '1 h ago'],
    [23 * HOUR + 59 * MINUTE, '23 h ago'],
    [DAY, 'yesterday'],
    [2 * DAY - 1, 'yesterday'],
    [2 * DAY, '2 days ago'],
    [13 * DAY, '13 days ago'],
    [14 * DAY, '2 weeks ago'],
    [59 * DAY, '8 weeks ago'],
    [60 * DAY, '2 months ago'],
    [364 * DAY, '12 months ago'],
    [365 * DAY, 'over a year ago'],
  ])('%d ms ago is "%s"', (ms, text) => expect(ago(ms)).toBe(text));

  it('says "just now" for a time ahead of the clock (clocks differ)', () => {
    expect(relativeTime(NOW + 5 * MINUTE, NOW)).toBe('just now');
  });
});
