/**
 * The pacing of the public features (lib/listening/pacing.ts): shares and what idle features lend,
 * how the interval grows with what is spent, and, simulated over days of demand at several levels,
 * that the calls of every rolling 24 hours stay inside the allowance while a busy feature still
 * uses most of it.
 */
import { describe, expect, it } from 'vitest';
import { allowance, freshUntil, intervalMs, pacePerHour } from '../../../lib/listening/pacing';
import { budgetConfig } from '../../../lib/platform/config';
import { HOUR_MS, hourOf, type Ledger } from '../../../lib/spotify/budget';

/** The default: 1,000 calls a day, the collector every 30 minutes: 853 public. */
const budget = budgetConfig({ SPOTIFY_DAILY_BUDGET: '1000' });
const START = Date.UTC(2026, 11, 1);

/** A ledger in memory, counted as lib/spotify/budget.ts counts. */
function ledger(): Ledger & { count(tally: string, at: number): void } {
  const hours = new Map<number, Map<string, number>>();
  return {
    hours,
    attributes: [],
    started: [],
    count(tally, at) {
      const tallies = hours.get(hourOf(at)) ?? new Map<string, number>();
      tallies.set(tally, (tallies.get(tally) ?? 0) + 1);
      hours.set(hourOf(at), tallies);
    },
  };
}

/** The most calls of `tally` in any 24 consecutive hours. */
function busiestDay(book: Ledger, tally: string): number {
  const hours = [...book.hours.keys()].sort((a, b) => a - b);
  let most = 0;
  for (const first of hours) {
    let sum = 0;
    for (let hour = first; hour < first + 24; hour++) sum += book.hours.get(hour)?.get(tally) ?? 0;
    most = Math.max(most, sum);
  }
  return most;
}

/**
 * Requests for `source` every `everyMs` while `busy(at)` says so, for `days`: a request past the
 * result's interval, as the ledger says it is at the time of the request, fetches (one call), as
 * the cached source does.
 */
function simulate(book: ReturnType<typeof ledger>, source: string, shortestMs: number, everyMs: number, days: number, busy: (at: number) => boolean = () => true): { calls: number; ages: number[] } {
  let fetchedAt = Number.NEGATIVE_INFINITY;
  let calls = 0;
  const ages: number[] = [];
  for (let at = START; at < START + days * 24 * HOUR_MS; at += everyMs) {
    if (!busy(at)) continue;
    if (at >= freshUntil(source, fetchedAt, shortestMs, book, budget, at)) {
      book.count(source, at);
      calls += 1;
      fetchedAt = at;
    }
    ages.push(at - fetchedAt);
  }
  return { calls, ages };
}

describe('shares', () => {
  it('gives each public feature its share while all are in use, and lends an idle one\'s to the others', () => {
    const book = ledger();
    expect(budget.public).toBe(853);
    // Nothing else in use: now playing may use the whole public part.
    expect(allowance('now-playing', book, budget, START)).toBe(853);
    book.count('now-playing', START);
    book.count('artists#short_term', START);
    expect(allowance('now-playing', book, budget, START)).toBe(Math.floor(853 * 0.75));
    expect(allowance('artists#short_term', book, budget, START)).toBe(Math.floor(853 * 0.25));
    book.count('recently-played', START);
    expect(allowance('now-playing', book, budget, START)).toBe(Math.floor(853 * 0.6));
    expect(allowance('recently-played', book, budget, START)).toBe(Math.floor(853 * 0.2));
    // Recently played keeps its share while any of its calls is in the window (this hour and the 24 before)…
    const later = (hours: number) => START + hours * HOUR_MS;
    book.count('now-playing', later(24));
    book.count('artists#short_term', later(24));
    expect(allowance('now-playing', book, budget, later(24))).toBe(Math.floor(853 * 0.6));
    // …and lends it again once its last call has left the window.
    book.count('now-playing', later(25));
    book.count('artists#short_term', later(25));
    expect(allowance('now-playing', book, budget, later(25))).toBe(Math.floor(853 * 0.75));
  });

  it('keeps a share for a top list that asks less often than once an hour', () => {
    const book = ledger();
    book.count('now-playing', START);
    book.count('artists#short_term', START);
    // Three hours later, the top list has made no call since: now playing still has three quarters, not all.
    book.count('now-playing', START + 3 * HOUR_MS);
    expect(allowance('now-playing', book, budget, START + 3 * HOUR_MS)).toBe(Math.floor(853 * 0.75));
  });

  it('splits the top lists\' share between the lists in use', () => {
    const book = ledger();
    book.count('now-playing', START);
    book.count('artists#short_term', START);
    book.count('tracks#long_term', START);
    expect(allowance('artists#short_term', book, budget, START)).toBe(Math.floor((853 * 0.25) / 2));
    expect(allowance('artists#medium_term', book, budget, START)).toBe(Math.floor((853 * 0.25) / 3));
  });
});

describe('the pace', () => {
  it('on an empty window, is a busy hour\'s worth that still leaves the floor for the 24 hours after it', () => {
    // Now playing alone: 853 a window; the floor after the hour is 0.7 × 853 / 25 an hour.
    const burst = 853 - 24 * ((0.7 * 853) / 25);
    expect(pacePerHour('now-playing', undefined, budget, START)).toBeCloseTo(burst);
    // About every 13 s: NOW_PLAYING_CACHE_SECONDS (15) is the shorter.
    expect(intervalMs('now-playing', 0, undefined, budget, START)).toBe(Math.round(HOUR_MS / burst));
    expect(intervalMs('now-playing', 15_000, undefined, budget, START)).toBe(15_000);
  });

  it('is the budget\'s when the owner\'s setting is shorter, even 0: the budget wins', () => {
    const book = ledger();
    for (let i = 0; i < 400; i++) book.count('now-playing', START);
    const now = START + HOUR_MS;
    expect(intervalMs('now-playing', 60_000, book, budget, now)).toBeGreaterThan(60_000);
    expect(intervalMs('now-playing', 0, book, budget, now)).toBe(intervalMs('now-playing', 60_000, book, budget, now));
  });

  it('with the allowance spent, waits for the hour whose leaving calls make room', () => {
    const book = ledger();
    for (let i = 0; i < 853; i++) book.count('now-playing', START + 3 * HOUR_MS);
    const now = START + 10 * HOUR_MS + 1;
    expect(pacePerHour('now-playing', book, budget, now)).toBe(0);
    // The calls of hour 3 leave the window when hour 28 begins.
    expect(freshUntil('now-playing', now, 15_000, book, budget, now)).toBe(START + 28 * HOUR_MS);
  });
});

describe('a simulated day after day of demand', () => {
  it('keeps a flooded now playing inside its allowance in every 24 hours, and uses most of it', () => {
    const book = ledger();
    const { calls } = simulate(book, 'now-playing', 15_000, 1_000, 3);
    const allowed = allowance('now-playing', book, budget, START);
    expect(busiestDay(book, 'now-playing')).toBeLessThanOrEqual(allowed);
    expect(calls / 3).toBeGreaterThan(0.9 * allowed);
  });

  it('at low traffic, answers as fresh as the owner set: every request that comes after the shortest interval asks', () => {
    const book = ledger();
    // One request every five minutes: 288 a day, fewer than the allowance.
    const { calls } = simulate(book, 'now-playing', 15_000, 300_000, 2);
    expect(calls).toBe(2 * 288);
  });

  it('spends a quiet day\'s room in a busy hour, and still never passes the allowance', () => {
    const book = ledger();
    const spike = (at: number) => (at - START) % (24 * HOUR_MS) >= 20 * HOUR_MS && (at - START) % (24 * HOUR_MS) < 21 * HOUR_MS;
    simulate(book, 'now-playing', 15_000, 1_000, 3, spike);
    const firstSpike = [...book.hours.get(hourOf(START + 20 * HOUR_MS))!.values()][0]!;
    // The hour of the first spike asks five times as often as the steady pace (34 an hour): each
    // call, the room left for it shrinks, so that the floor stays for the day after it.
    expect(firstSpike).toBeGreaterThan(120);
    expect(busiestDay(book, 'now-playing')).toBeLessThanOrEqual(allowance('now-playing', book, budget, START));
  });

  it('a flood of now playing never takes the top lists\' share: their interval is the same with or without it', () => {
    const quiet = ledger();
    const flooded = ledger();
    simulate(flooded, 'now-playing', 15_000, 1_000, 2);
    // The top list asked once an hour in both.
    for (let hour = 0; hour < 48; hour++) {
      quiet.count('artists#short_term', START + hour * HOUR_MS);
      flooded.count('artists#short_term', START + hour * HOUR_MS);
    }
    const at = START + 47 * HOUR_MS + 1;
    expect(intervalMs('artists#short_term', 300_000, flooded, budget, at)).toBe(intervalMs('artists#short_term', 300_000, quiet, budget, at));
    // …and now playing makes room for them: three quarters of the public part.
    expect(allowance('now-playing', flooded, budget, at)).toBe(Math.floor(853 * 0.75));
  });
});
