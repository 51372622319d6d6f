/**
 * `npm run bench` with tiny counts (--smoke: no serverless offline, no packaging), so the bench
 * keeps working as the service changes. The real figures come from `npm run bench` alone.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { main } from '../../scripts/bench';
import { markdown, targets } from '../../scripts/bench/report';
import { DESIGNS } from '../../scripts/bench/world';

const functions = Object.keys(parse(readFileSync(new URL('../../serverless.yml', import.meta.url), 'utf8')).functions);

describe('npm run bench -- --smoke', () => {
  it('measures every figure for the service and both baselines', async () => {
    const result = await main(['--smoke', '--quiet']);
    const { window, burstSize, endToEnd } = result.settings;

    for (const design of DESIGNS) {
      const calls = result.spotifyCalls[design];
      expect(calls.requests).toBe(window.requests);
      expect(calls.per1000).toBeCloseTo(((calls.token + calls.api) * 1000) / window.requests, 1);
      expect(result.burst[design].requests).toBe(burstSize);
    }
    // B asks for a token and for the artists on every request; the service far less often than A.
    expect(result.spotifyCalls.refreshEveryRequest).toMatchObject({ token: window.requests, api: window.requests });
    expect(result.spotifyCalls.service.total).toBeLessThan(result.spotifyCalls.checkExpiry.total / 5);

    for (const summary of Object.values(result.latency)) {
      expect(summary.n).toBeGreaterThan(0);
      expect(summary.p50).toBeGreaterThan(0);
      expect(summary.p99).toBeGreaterThanOrEqual(summary.p50);
    }

    // /now-playing over four containers: a few calls per simulated window, against at least one per request.
    expect(result.nowPlaying.containers).toBe(4);
    expect(result.nowPlaying.service.total).toBeLessThanOrEqual(60);
    expect(result.nowPlaying.naive.total).toBeGreaterThanOrEqual(result.nowPlaying.naive.requests);
    expect(result.nowPlaying.service.total).toBeLessThan(result.nowPlaying.naive.total);
    // At most one call a 15 s window across the four containers (10 minutes: 40, and the first).
    expect(result.nowPlaying.service.currentlyPlaying).toBeLessThanOrEqual(41);
    // The tracks end part-way: the last played is asked for too, by both designs.
    expect(result.nowPlaying.service.recentlyPlayed).toBeGreaterThan(0);
    expect(result.nowPlaying.naive.recentlyPlayed).toBeGreaterThan(0);

    expect(result.burst.service.refreshes).toBe(1);
    expect(result.burstAcrossContainers).toMatchObject({ requests: burstSize, refreshes: 1 });
    expect(result.burstAcrossContainers.containers).toBeGreaterThan(1);
    expect(result.burst.refreshEveryRequest.refreshes).toBe(burstSize);

    expect(result.endToEnd.figures.map(({ design, concurrency }) => `${design}@${concurrency}`)).toEqual(
      DESIGNS.flatMap((design) => endToEnd.concurrencies.map((concurrency) => `${design}@${concurrency}`)),
    );
    // Warm, the service answers from memory; A asks Spotify once per request, B twice.
    const callsPerRequest = { service: 0, checkExpiry: 1, refreshEveryRequest: 2 };
    for (const figure of result.endToEnd.figures) {
      expect(figure.requests).toBeGreaterThan(0);
      expect(figure.errors).toBe(0);
      expect(figure.requestsPerSecond).toBeGreaterThan(0);
      expect(figure.spotifyCalls).toBe(figure.requests * callsPerRequest[figure.design]);
    }

    // /history?days=365 over a tiny history: both designs read it all and answer the same.
    const { history } = result;
    const seeded = result.settings.history;
    expect(history.seeded).toMatchObject({ days: seeded.days, plays: seeded.days * seeded.playsPerDay });
    expect(history.aggregates.answer.plays).toBe(history.seeded.plays);
    expect(history.naive.answer).toEqual(history.aggregates.answer);
    expect(history.aggregates.answer.topArtist).not.toBe('');
    expect(history.aggregates.items).toBe(seeded.days);
    expect(history.naive.items).toBe(history.seeded.plays);
    expect(history.aggregates.latency.n).toBe(seeded.requests);
    expect(history.naive.latency.n).toBe(seeded.naiveRequests);
    for (const summary of [history.aggregates.latency, history.aggregates.dayItemsQuery, history.naive.latency]) expect(summary.p50).toBeGreaterThan(0);
    expect(targets(result).some((target) => target.name.startsWith('/history?days=365 from aggregates'))).toBe(true);
    expect(markdown(result)).toContain('the aggregates against reading every play');

    expect(result.bundles.map((bundle) => bundle.function).sort()).toEqual([...functions].sort());
    for (const bundle of result.bundles) {
      expect(bundle.bundleBytes).toBeGreaterThan(0);
      expect(bundle.initMs.median).toBeGreaterThan(0);
    }
  }, 60_000);
});
