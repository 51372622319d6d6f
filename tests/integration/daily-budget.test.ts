/**
 * The day's Spotify budget end to end, on scaled days (tests/support/simulated-days.ts: 220 calls a
 * day, 104 of them public, the collector and the watch hourly), two simulated days long so that
 * every rolling 24 hours is checked, four containers. Beyond the point where every request finds
 * its result due (here a request a minute, 14 times what the budget lets now playing ask), more
 * traffic changes nothing but the number of warm answers, so "flood" stands for 20 requests a
 * second.
 */
import { describe, expect, it } from 'vitest';
import type { CollectReport } from '../../lib/features/history/collect';
import { readLedger, spentByLimit } from '../../lib/spotify/budget';
import { collect } from '../support/history';
import { anotherContainer, type Result } from '../support/service';
import { body, BUDGET, busiestDay, DAY, HOUR, MINUTE, PUBLIC, useSimulatedDays } from '../support/simulated-days';

const days = useSimulatedDays();

/** Whether `elapsed` falls in the spike: hour 20 of each simulated day. */
const inSpike = (elapsed: number) => Math.floor((elapsed % DAY) / HOUR) === 20;

/** Each level, and whether the owner listens meanwhile (the collector then has plays to store, which takes the test longer). */
const LEVELS: [string, (elapsed: number) => number, boolean][] = [
  ['quiet (a request an hour)', () => HOUR, false],
  ['steady (every 10 minutes: under what the budget allows)', () => 10 * MINUTE, false],
  ['flood (every minute: every result is due when asked), the owner listening all along', () => MINUTE, true],
  ['a quiet day that spikes for an hour (a request an hour, then every 10 seconds in hour 20), the owner listening all along', (elapsed) => (inSpike(elapsed) ? 10_000 : HOUR), true],
];

describe('the budget holds at every traffic level, across four containers', { timeout: 240_000 }, () => {
  it.each(LEVELS)('%s', async (_name, gapAfter, listening) => {
    await days.service.connect();
    if (listening) days.ownerListens();
    const run = await days.simulate(gapAfter);
    expect(busiestDay(days.spotifyCalls())).toBeLessThanOrEqual(BUDGET);
    // Every public answer is an answer: fresh, or the last good one marked stale; never an error card.
    for (const { endpoint, response } of run.answers) expect([200, 302], endpoint).toContain(response.statusCode);
    // The reserves: the collector never missed a run, and no play was lost; the token was refreshed every hour.
    expect(run.collects.filter(({ report }) => report.outcome !== 'collected').map(({ at, report }) => [(at - run.collects[0]!.at) / HOUR, report.reason])).toEqual([]);
    expect(run.collects.filter(({ report }) => report.gap)).toEqual([]);
    expect(days.service.model.calls.token.refresh_token).toBeGreaterThanOrEqual(40);
    expect(spentByLimit(await readLedger()).public).toBeLessThanOrEqual(PUBLIC);
  });
});

describe('reserves and shares under a flood of now playing', { timeout: 240_000 }, () => {
  it('never delays the collector or a refresh, and never takes the top lists\' share', async () => {
    await days.service.connect();
    days.ownerListens();
    const containers = await Promise.all([anotherContainer(), anotherContainer(), anotherContainer(), anotherContainer()]);
    const start = days.now();
    const collects: CollectReport[] = [];
    const highlights: Result[] = [];
    for (let at = start, i = 0; at < start + 2 * DAY; at += MINUTE, i++) {
      days.advanceTo(at);
      if ((at - start) % HOUR === 0 && at > start) collects.push(await collect());
      // Now playing every minute (18 times what it may ask), over the four containers; the top list every 10 minutes.
      await containers[i % 4]!.nowPlaying();
      if ((at - start) % (10 * MINUTE) === 0) highlights.push(await containers[(i + 1) % 4]!.highlights());
    }
    expect(collects.every((report) => report.outcome === 'collected' && !report.gap)).toBe(true);
    // The second day: the top list kept its share (a quarter of the public part, now playing and
    // it being the features in use) and asked at its pace, near all of it; the collector's daily
    // snapshot of the six lists comes on top, from its own reserve.
    const day2 = [start + DAY, start + 2 * DAY] as const;
    const topShare = Math.floor(PUBLIC * 0.25);
    const topCalls = days.callsOf('/v1/me/top/', ...day2) - 6;
    expect(topCalls).toBeGreaterThanOrEqual(Math.floor(0.8 * topShare));
    expect(topCalls).toBeLessThanOrEqual(topShare);
    expect(days.callsOf('/v1/me/player/currently-playing', ...day2)).toBeLessThanOrEqual(PUBLIC - topShare);
    // No /highlights answer was refused for the budget.
    expect(highlights.filter((response) => body(response).reason === 'budget')).toEqual([]);
    expect(busiestDay(days.spotifyCalls())).toBeLessThanOrEqual(BUDGET);
  });
});
