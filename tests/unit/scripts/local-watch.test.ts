import { describe, expect, it } from 'vitest';
import { intervalOf } from '../../../scripts/local-watch';

describe('intervalOf (the local stack runs the watch on WATCH_SCHEDULE)', () => {
  it.each([
    ['rate(1 day)', 86_400_000],
    ['rate(2 days)', 172_800_000],
    ['rate(6 hours)', 21_600_000],
    ['rate(30 minutes)', 1_800_000],
    ['cron(0 9 * * ? *)', 86_400_000],
  ])('%s → every %d ms', (schedule, ms) => expect(intervalOf(schedule)).toBe(ms));

  it.each(['daily', 'rate(1 week)', 'rate(one day)', ''])('refuses %j, naming WATCH_SCHEDULE', (schedule) => {
    expect(() => intervalOf(schedule)).toThrow(/WATCH_SCHEDULE must be rate\(…\) or cron\(…\)/);
  });
});
