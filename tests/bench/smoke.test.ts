/**
 * `npm run bench` with tiny counts (--smoke: no serverless offline, no packaging, no worktree), so
 * the bench keeps working as the service changes. The real figures come from `npm run bench` alone.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { main } from '../../scripts/bench';
import { BUDGET } from '../../scripts/bench/days/report';
import { ENDPOINTS } from '../../scripts/bench/days/traffic';
import { benchOptions, SECTIONS } from '../../scripts/bench/options';
import { markdown, targets, updatePage } from '../../scripts/bench/report';
import type { BenchResult } from '../../scripts/bench/run';
import { DESIGNS } from '../../scripts/bench/world';

const functions = Object.keys(parse(readFileSync(new URL('../../serverless.yml', import.meta.url), 'utf8')).functions);

/** The figures of every section, which a run without --only has. */
function complete(result: BenchResult): Required<BenchResult> {
  for (const section of ['spotifyCalls', 'latency', 'burst', 'burstAcrossContainers', 'nowPlaying', 'history', 'endToEnd', 'bundles', 'days', 'historyCpu', 'importExport'] as const) expect(result[section]).toBeDefined();
  return result as Required<BenchResult>;
}

describe('npm run bench -- --smoke', () => {
  it('measures every figure for the service and both baselines, and the simulated days', async () => {
    const result = complete(await main(['--smoke', '--quiet']));
    const { window, burstSize, endToEnd } = result.settings;
    expect(result.sections).toEqual([...SECTIONS]);

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

    // The simulated days: the service alone (no worktree in a smoke run), one level and the quota scenario.
    const { days } = result;
    const settings = result.settings.days;
    expect(days.designs.map((design) => design.design)).toEqual(['service']);
    expect(days.runs.map((run) => run.scenario)).toEqual([...settings.levels.map((level) => ({ level })), { level: settings.quota!.level, quotaCalls: settings.quota!.calls }]);
    for (const run of days.runs) {
      expect(run).toMatchObject({ design: 'service', hours: settings.hours, containers: settings.containers });
      // 1 request a minute, spread evenly over the endpoints; every one counted, by few invocations.
      expect(run.requests).toBe(settings.hours * 60);
      expect(run.invocations).toBeGreaterThan(0);
      expect(run.invocations).toBeLessThanOrEqual(run.requests);
      for (const { fn } of ENDPOINTS) expect(run.byFunction[fn]?.requests).toBe((settings.hours * 60) / ENDPOINTS.length);
      expect(run.byFunction.collect?.requests).toBe(run.collector.runs);
      expect(run.collector.runs).toBe(settings.hours * 2 + 1);
      // Every call is put down to one Spotify endpoint and to one function (or to connecting the owner).
      expect(Object.values(run.spotify.byEndpoint).reduce((sum, calls) => sum + calls, 0)).toBe(run.spotify.total);
      expect(Object.values(run.byFunction).reduce((sum, figure) => sum + figure.spotifyCalls, 0)).toBeLessThanOrEqual(run.spotify.total);
      expect(run.spotify.maxRolling24h).toBeGreaterThan(0);
      expect(run.spotify.maxRolling24h).toBeLessThanOrEqual(run.spotify.total);
      expect(run.nowPlaying.requests).toBe((settings.hours * 60) / ENDPOINTS.length);
      expect(run.nowPlaying.staleness.p50).toBeGreaterThanOrEqual(0);
      expect(run.nowPlaying.staleness.p95).toBeGreaterThanOrEqual(run.nowPlaying.staleness.p50);
      expect(run.collector.playsMade).toBeGreaterThan(50);
      expect(run.collector.playsLost).toBeGreaterThanOrEqual(0);
    }
    const [level, quota] = days.runs;
    expect(level!.spotify.maxRolling24h).toBeLessThanOrEqual(BUDGET);
    expect(level!.lockouts).toEqual([]);
    // The quota (a few dozen calls) is met within the two hours: a lockout, stale answers, refused calls.
    expect(quota!.lockouts.length).toBeGreaterThan(0);
    for (const lockout of quota!.lockouts) {
      expect(lockout.until).toBeGreaterThan(lockout.since);
      expect(lockout.toldAfterMinutes === null || lockout.toldAfterMinutes >= 0).toBe(true);
    }
    expect(quota!.nowPlaying.staleMinutes).toBeGreaterThan(0);
    expect(targets(result).filter((target) => target.name.startsWith('simulated days'))).toHaveLength(2 * settings.levels.length);
    expect(markdown(result)).toContain('## Simulated days: the day\'s Spotify budget');

    // /history at Lambda's CPU: the bundled handler in a process of its own answers the days seeded, at each size asked for.
    const { historyCpu } = result;
    const cpu = result.settings.historyCpu;
    expect(historyCpu.seededPlays).toBe(cpu.days * 1_000);
    expect(historyCpu.answer).toMatchObject({ plays: cpu.days * 1_000, complete: true });
    expect(historyCpu.figures.map((figure) => figure.memoryMb)).toEqual(cpu.memorySizes);
    for (const figure of historyCpu.figures) {
      expect(figure.latency.p50).toBeGreaterThan(0);
      expect(figure.cpuMsPerRequest).toBeGreaterThan(0);
    }
    expect(markdown(result)).toContain(`<!-- bench:history-cpu -->\n## /history?days=${cpu.days} for a heavy listener`);

    // The import: the real CLI on a tiny generated export, twice; the second run adds nothing; /history answers what it stored.
    const imported = result.importExport;
    expect(imported.export.plays).toBeGreaterThan(0);
    // At most the generator's plays to keep: two of one track ending within seconds are one play to the import.
    expect(imported.first.imported).toBeGreaterThan(0);
    expect(imported.first.imported).toBeLessThanOrEqual(imported.export.plays);
    expect(imported.first).toMatchObject({ storedBefore: 0, storedAfter: imported.first.imported, duplicates: 0 });
    expect(imported.second).toMatchObject({ imported: 0, duplicates: imported.first.imported + imported.first.duplicates, storedBefore: imported.first.storedAfter, storedAfter: imported.first.storedAfter });
    for (const run of [imported.first, imported.second]) {
      expect(run.wallSeconds).toBeGreaterThan(0);
      expect(run.peakMb).toBeGreaterThan(0);
    }
    expect(imported.playsPerSecond).toBeGreaterThan(0);
    expect(imported.history.map((answer) => answer.days)).toEqual(['365', 'all']);
    for (const answer of imported.history) {
      expect(answer.plays).toBe(imported.first.imported);
      expect(answer.latency.p50).toBeGreaterThan(0);
    }
    // Its four targets: the time, the memory, the second run, /history over what it imported (the bench's duration target names it too).
    expect(targets(result).filter((target) => target.name.includes('import') && !target.name.startsWith('every section'))).toHaveLength(4);
    expect(markdown(result)).toContain("<!-- bench:import -->\n## Importing Spotify's data export");
  }, 240_000);

  it('runs the sections --only names, and rewrites only their part of the page', async () => {
    expect(benchOptions(['--only', 'days']).sections).toEqual(['days']);
    expect(benchOptions(['--only', 'days,calls']).sections).toEqual(['calls', 'days']);
    expect(() => benchOptions(['--only', 'nothing'])).toThrow(/--only takes/);

    // The simulated days alone (in processes of their own: this process's clients still point at the first run's dynalite).
    const result = await main(['--smoke', '--quiet', '--only', 'days']);
    expect(result.sections).toEqual(['days']);
    expect(result.days?.runs).toHaveLength(2);
    for (const figure of ['spotifyCalls', 'latency', 'burst', 'nowPlaying', 'history', 'endToEnd', 'bundles'] as const) expect(result[figure]).toBeUndefined();
    expect(targets(result).every((target) => target.name.startsWith('simulated days'))).toBe(true);
    // Only the days' part of the page is rewritten; the rest stays as it was, and a page without that part gets it at its end.
    const page = ['# Benchmarks', '', '<!-- bench:core -->', 'core figures', '<!-- /bench:core -->', '', '<!-- bench:days -->', 'old days', '<!-- /bench:days -->', ''].join('\n');
    const updated = updatePage(page, result);
    expect(updated.parts).toEqual(['days']);
    expect(updated.page).toContain('core figures');
    expect(updated.page).not.toContain('old days');
    expect(updated.page).toContain('## Simulated days');
    expect(updatePage('# Benchmarks\n', result).page).toMatch(/^# Benchmarks\n\n<!-- bench:days -->\n## Simulated days/);
  }, 120_000);
});
