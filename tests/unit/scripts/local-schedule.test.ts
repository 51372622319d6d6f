import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { collectInterval, intervalOf, invokeWatch, WATCH_FUNCTION } from '../../../scripts/local-schedule';

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

describe('invokeWatch', () => {
  it('says a failed run by its message alone, never its stack trace', async () => {
    const server = createServer((request, response) => {
      expect(request.url).toBe(`/2015-03-31/functions/${WATCH_FUNCTION}/invocations`);
      response.writeHead(200, { 'x-amzn-ErrorType': 'Error', 'Content-Type': 'application/json' });
      response.end(JSON.stringify({ errorMessage: 'TABLE_NAME is not set.', errorType: 'Error', trace: ['ConfigError: TABLE_NAME is not set.', '    at x (/a/b.cjs:1:2)'] }));
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    try {
      expect(await invokeWatch((server.address() as AddressInfo).port)).toEqual({ ok: false, detail: 'TABLE_NAME is not set.' });
    } finally {
      await new Promise((done) => server.close(done));
    }
  });
});

describe('collectInterval (the local stack collects every HISTORY_COLLECT_MINUTES)', () => {
  it.each([
    [undefined, 1_800_000],
    ['', 1_800_000],
    ['5', 300_000],
    ['0', undefined],
  ])('%j → %j', (minutes, ms) => expect(collectInterval(minutes)).toBe(ms));

  it.each(['-1', '1441', 'often', '2.5'])('refuses %j, naming HISTORY_COLLECT_MINUTES', (minutes) => {
    expect(() => collectInterval(minutes)).toThrow(/HISTORY_COLLECT_MINUTES must be a whole number from 0 \(off\) to 1440/);
  });
});
