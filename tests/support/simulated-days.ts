/**
 * Simulated days for the day's Spotify budget (tests/integration/daily-budget.test.ts and
 * quota-exceeded.test.ts): a small budget (220 calls a day, the collector hourly: 104 public), the
 * service's clock and the emulator's moved together, traffic spread over the public endpoints and
 * four containers, the collector and the watch every hour, and the emulator's log read back as
 * calls per rolling 24 hours.
 */
import { afterEach, beforeEach, vi } from 'vitest';
import { handler as statusHandler } from '../../handlers/http/status';
import { handler as watchHandler } from '../../handlers/scheduled/watch';
import type { CollectReport } from '../../lib/features/history/collect';
import { collect } from './history';
import { httpEvent, lambdaContext } from './events';
import { anotherContainer, useService, type Container, type Result, type Service } from './service';
import { OWNER_ID } from './spotify-emulator';

export const BUDGET = 220;
export const PUBLIC = 104;
export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

type Report = { due: string[]; sent: string[]; failed: string[]; skipped: string[] };
type Handler = (event: unknown, context: unknown) => Promise<unknown>;
const watch = async () => (await (watchHandler as Handler)({}, lambdaContext('watch'))) as Report;
export const status = async () => JSON.parse(((await (statusHandler as Handler)(httpEvent('/status'), lambdaContext('status'))) as Result).body);
export const body = (response: Result) => JSON.parse(response.body);

const ENDPOINTS = ['/now-playing', '/highlights', '/recently-played', '/card.svg', '/now-playing.svg'] as const;

function ask(container: Container, endpoint: (typeof ENDPOINTS)[number]): Promise<Result> {
  switch (endpoint) {
    case '/now-playing':
      return container.nowPlaying();
    case '/highlights':
      return container.highlights();
    case '/recently-played':
      return container.recentlyPlayed();
    case '/card.svg':
      return container.card();
    default:
      return container.nowPlayingCard();
  }
}

export interface Run {
  answers: { at: number; endpoint: string; response: Result }[];
  collects: { at: number; report: CollectReport }[];
  watches: { at: number; report: Report }[];
}

export interface SimulatedDays {
  service: Service;
  /** Moves both clocks forward to `at` (epoch ms); never back. */
  advanceTo(at: number): void;
  now(): number;
  /** The owner listens all the time: a queue of their top tracks, two days long. */
  ownerListens(): void;
  /** Simulated days (two unless `length` says): a request whenever `gapAfter(elapsed)` says, the collector and the watch every hour. */
  simulate(gapAfter: (elapsed: number) => number, length?: number): Promise<Run>;
  /** Every call to Spotify's token endpoint and Web API, by when (model time). */
  spotifyCalls(): number[];
  /** Calls to paths starting with `prefix` from `from` to `to`. */
  callsOf(prefix: string, from: number, to: number): number;
}

/** The most calls in any 24 hours. */
export function busiestDay(times: number[]): number {
  const sorted = [...times].sort((a, b) => a - b);
  let most = 0;
  for (let first = 0, last = 0; last < sorted.length; last++) {
    while (sorted[last]! - sorted[first]! >= DAY) first++;
    most = Math.max(most, last - first + 1);
  }
  return most;
}

/** Registers the service and the simulated clock for one test file. */
export function useSimulatedDays(): SimulatedDays {
  // A container trusts what it knows of the owner for ten minutes: a warm request does no I/O, as
  // it would with more traffic, and the two days simulate in less time.
  const service = useService({ SPOTIFY_DAILY_BUDGET: String(BUDGET), HISTORY_COLLECT_MINUTES: '60', OWNER_RECHECK_SECONDS: '600' });
  let simulated = 0;
  beforeEach(() => {
    // A fixed start, so a run is the same on every machine (where in the hour it starts matters:
    // this one once found a share lent for less than the window); SIMULATED_START tries another.
    simulated = Date.parse(process.env.SIMULATED_START ?? '2026-12-07T23:32:51.330Z');
    // The emulator's clock (real time plus what advanceClock adds) starts there too.
    service.model.advanceClock(simulated - service.model.now());
    vi.useFakeTimers({ toFake: ['Date'], now: simulated });
  });
  afterEach(() => vi.useRealTimers());

  const days: SimulatedDays = {
    service,
    now: () => simulated,
    advanceTo(at) {
      if (at <= simulated) return;
      service.model.advanceClock(at - simulated);
      simulated = at;
      vi.setSystemTime(at);
    },
    ownerListens() {
      const top = service.model.topFor(OWNER_ID, 'tracks', 'short_term');
      service.model.player(OWNER_ID).play(top[0], { queue: Array.from({ length: 1000 }, (_, i) => top[(i + 1) % top.length]!) });
    },
    async simulate(gapAfter, length = 2) {
      const containers = await Promise.all([anotherContainer(), anotherContainer(), anotherContainer(), anotherContainer()]);
      const start = simulated;
      const run: Run = { answers: [], collects: [], watches: [] };
      let nextHourly = start + HOUR;
      let request = 0;
      for (let at = start; at < start + length * DAY; at += gapAfter(at - start)) {
        while (nextHourly <= at) {
          days.advanceTo(nextHourly);
          run.collects.push({ at: nextHourly, report: await collect() });
          run.watches.push({ at: nextHourly, report: await watch() });
          nextHourly += HOUR;
        }
        days.advanceTo(at);
        const endpoint = ENDPOINTS[request % ENDPOINTS.length]!;
        run.answers.push({ at, endpoint, response: await ask(containers[request % containers.length]!, endpoint) });
        request += 1;
      }
      return run;
    },
    spotifyCalls: () => service.model.requests.filter((entry) => entry.path === '/api/token' || entry.path.startsWith('/v1/')).map((entry) => entry.at),
    callsOf: (prefix, from, to) => service.model.requests.filter((entry) => entry.path.startsWith(prefix) && entry.at >= from && entry.at < to).length,
  };
  return days;
}
