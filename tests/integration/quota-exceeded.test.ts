/**
 * Spotify's daily quota spent (QUOTA_EXCEEDED, hours of Retry-After) end to end, on scaled days
 * (tests/support/simulated-days.ts) with the emulator's quota set below the service's budget:
 * every container waits it out, the JSON answers, /status and the console say until when, the
 * owner hears once per lockout within the hour, and the collector records the gap it causes with
 * that reason and catches up after.
 */
import { describe, expect, it } from 'vitest';
import { anotherContainer, ownerPage, sessionCookieOf } from '../support/service';
import { body, HOUR, MINUTE, status, useSimulatedDays } from '../support/simulated-days';

const days = useSimulatedDays();

describe('Spotify\'s quota spent (QUOTA_EXCEEDED)', { timeout: 240_000 }, () => {
  it('every container waits out its Retry-After, the owner hears once within the hour, and the collector records the gap and catches up', async () => {
    await days.service.connect();
    days.ownerListens();
    // Spotify allows this app less than the budget: 90 calls a day.
    days.service.model.dailyQuota = { calls: 90 };
    // The lockout begins within hours and lasts until the first calls leave Spotify's window: a day and a bit covers it and the run after.
    const run = await days.simulate(() => 5 * MINUTE, 1.25);

    const log = days.service.model.requests.filter((entry) => entry.path === '/api/token' || entry.path.startsWith('/v1/'));
    const firstRefusal = log.findIndex((entry) => entry.status === 429);
    expect(firstRefusal).toBeGreaterThan(0);
    const lockoutStart = log[firstRefusal]!.at;
    // Every container waited out the Retry-After: after the calls already under way, none reached
    // Spotify until it could answer again, hours later.
    const next = log.slice(firstRefusal).find((entry) => entry.status !== 429 && entry.at > lockoutStart + MINUTE)!;
    expect(log.filter((entry) => entry.at > lockoutStart + MINUTE && entry.at < next.at)).toEqual([]);
    expect(next.at - lockoutStart).toBeGreaterThan(6 * HOUR);
    // JSON answers say why, and until when.
    const during = run.answers.find(({ at, endpoint }) => at >= lockoutStart + MINUTE && endpoint === '/now-playing')!;
    expect(body(during.response)).toMatchObject({ stale: true, reason: 'quota_exceeded', message: expect.stringMatching(/^Spotify's daily quota is spent until \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC/) });
    // One notice per lockout (the log is the only channel here), the first within the hour.
    const sent = run.watches.flatMap(({ at, report }) => report.sent.filter((notice) => notice.startsWith('quota-')).map((notice) => ({ at, notice })));
    expect(new Set(sent.map(({ notice }) => notice)).size).toBe(sent.length);
    expect(sent[0]!.at - lockoutStart).toBeLessThanOrEqual(HOUR);
    // The collector: the runs of the lockout failed with it as their reason; the first after it
    // catches up, recording the gap it caused with that reason.
    const firstFailed = run.collects.findIndex(({ report }) => report.outcome === 'failed');
    const caughtUp = run.collects.findIndex(({ report }, index) => index > firstFailed && report.outcome === 'collected');
    const lockout = run.collects.slice(firstFailed, caughtUp);
    // Hourly runs through a lockout of more than six hours (above).
    expect(lockout.length).toBeGreaterThanOrEqual(6);
    expect(lockout.every(({ report }) => report.outcome === 'failed' && report.reason === 'quota_exceeded')).toBe(true);
    expect(run.collects[caughtUp]?.report).toMatchObject({ outcome: 'collected', stored: 50, gap: { reason: 'quota_exceeded' } });
  });

  it('/status and the console say it plainly while it lasts', async () => {
    const cookie = sessionCookieOf(await days.service.connect())!;
    days.service.model.dailyQuota = { calls: 3 };
    const containers = await Promise.all([anotherContainer(), anotherContainer()]);
    // The code and the profile at connect and the first list spend the quota; the next call is refused for hours.
    for (const [i, range] of ['short_term', 'medium_term', 'long_term', 'short_term', 'medium_term', 'long_term'].entries()) {
      days.advanceTo(days.now() + 10 * MINUTE);
      await containers[i % 2]!.highlights({ time_range: range });
    }
    const { budget } = await status();
    expect(budget.quota).toMatchObject({ spentUntil: expect.any(String), since: expect.any(String) });
    expect(Date.parse(budget.quota.spentUntil) - days.now()).toBeGreaterThan(12 * HOUR);
    expect(budget.message).toMatch(/^Spotify's daily quota is spent until /);
    expect(body(await containers[0]!.highlights())).toMatchObject({ stale: true, reason: 'quota_exceeded' });
    const console = await ownerPage({ cookies: [cookie] });
    expect(console.body).toContain('Spotify&#39;s daily quota is spent until');
  });
});
