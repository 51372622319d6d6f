/**
 * How long a public feature's result stays fresh: its refresh interval, set so that at any
 * traffic the day's calls stay inside the budget (lib/spotify/budget.ts, config/budget.cjs), and
 * as short as the budget allows. A request inside the interval is answered from what is kept;
 * after it, one container asks Spotify (cached-source.ts), so a feature makes at most one call per
 * interval however many visitors it has.
 *
 * Shares: the public part of the budget is shared between now playing, recently played and the
 * top lists (SHARES). A feature with no call in the window lends its share to those that have
 * some, and takes it back with its first call; the six top lists split theirs between the lists in
 * use. Lending for less than the window would let a borrower spend calls that stay counted for the
 * whole window: a top list asking once an hour or so would come back to find the public part spent.
 *
 * The pace: the budget counts the calls of a window of 25 hours, by the hour, so the ledger says
 * exactly how much room the feature's allowance has now and how much each coming hour frees (the
 * calls of the window's oldest hours leaving it). The feature may ask at the fastest pace that the
 * room allows for the next hour while still leaving room, in every hour after it, for a floor of
 * FLOOR times the steady pace (the allowance spread evenly over the window): a quiet day leaves
 * room for a busy hour, and a busy day settles at the steady pace, never above the allowance.
 * The owner's *_CACHE_SECONDS is the shortest interval, never a promise.
 */
import type { BudgetConfig } from '../platform/config';
import { HOUR_MS, hourOf, spentByTally, WINDOW_HOURS, type Ledger } from '../spotify/budget';
import { NOW_PLAYING_NAME, RECENTLY_PLAYED_NAME, TOP_LIST_NAMES } from './source-names';

export type Feature = keyof BudgetConfig['shares'];

/** After a busy hour, the pace never drops below this part of the steady pace. */
export const FLOOR = 0.7;

export function featureOf(source: string): Feature {
  if (source === NOW_PLAYING_NAME) return 'nowPlaying';
  if (source === RECENTLY_PLAYED_NAME) return 'recentlyPlayed';
  return 'topLists';
}

/** How many of a window's calls (whole) `source` may make: its feature's share (with what idle features lend), split between the top lists in use. */
export function allowance(source: string, ledger: Ledger | undefined, budget: BudgetConfig, now = Date.now()): number {
  const feature = featureOf(source);
  // The window's calls per tally: which features are in use, and which top lists.
  const spent = spentByTally(ledger, now);
  const recent = [...spent].filter(([, calls]) => calls > 0).map(([tally]) => tally);
  const active = new Set<Feature>([feature, ...recent.filter((tally) => tally === NOW_PLAYING_NAME || tally === RECENTLY_PLAYED_NAME || TOP_LIST_NAMES.includes(tally)).map(featureOf)]);
  const weight = [...active].reduce((sum, each) => sum + budget.shares[each], 0);
  const share = (budget.public * budget.shares[feature]) / weight;
  // Whole calls (the epsilon keeps 853 × 0.6 / 0.6 from flooring to 852).
  if (feature !== 'topLists') return Math.floor(share + 1e-9);
  const lists = new Set([source, ...TOP_LIST_NAMES.filter((name) => (spent.get(name) ?? 0) > 0)]);
  return Math.floor(share / lists.size + 1e-9);
}

/** The calls of `source` in each hour of the window ending at `now`, oldest first. */
function hourlyCalls(source: string, ledger: Ledger | undefined, now: number): number[] {
  const hour = hourOf(now);
  return Array.from({ length: WINDOW_HOURS }, (_, index) => ledger?.hours.get(hour - WINDOW_HOURS + 1 + index)?.get(source) ?? 0);
}

/**
 * The fastest pace (calls an hour) at which `source` may ask from now for the next hour, leaving
 * room for the floor after it; 0 when the allowance has no room now.
 */
export function pacePerHour(source: string, ledger: Ledger | undefined, budget: BudgetConfig, now = Date.now()): number {
  const allowed = allowance(source, ledger, budget, now);
  const calls = hourlyCalls(source, ledger, now);
  const room = allowed - calls.reduce((sum, each) => sum + each, 0);
  if (room < 1) return 0;
  const floor = (FLOOR * allowed) / WINDOW_HOURS;
  const toNextHour = ((hourOf(now) + 1) * HOUR_MS - now) / HOUR_MS;
  // Before each coming hour begins (`until` hours from now), the calls made by then must fit the
  // room plus what the hours gone by have freed: the next hour at the pace, the floor after it.
  let pace = Number.POSITIVE_INFINITY;
  let sustained = Number.POSITIVE_INFINITY;
  let freed = 0;
  for (let k = 0; k < WINDOW_HOURS; k++) {
    if (k > 0) freed += calls[k - 1]!;
    const until = toNextHour + k;
    pace = Math.min(pace, (room + freed - floor * Math.max(0, until - 1)) / Math.min(until, 1));
    sustained = Math.min(sustained, (room + freed) / until);
  }
  // Too little room for the floor itself: the even pace the room allows.
  return Math.max(0, pace >= floor ? pace : sustained);
}

/**
 * Until when a result of `source` fetched at `fetchedAt` is fresh, as the ledger says at `now`:
 * at least `shortestMs` (the owner's *_CACHE_SECONDS) after it was fetched, one call at the pace
 * allowed now after it, and, with no room at all, when the next hour frees some. Without a known
 * ledger (nothing counted yet), as if nothing was spent.
 */
export function freshUntil(source: string, fetchedAt: number, shortestMs: number, ledger: Ledger | undefined, budget: BudgetConfig, now = Date.now()): number {
  const pace = pacePerHour(source, ledger, budget, now);
  if (pace > 0) return fetchedAt + Math.max(shortestMs, Math.round(HOUR_MS / pace));
  return Math.max(fetchedAt + shortestMs, roomFreedAt(source, ledger, budget, now));
}

/** The first hour's start at which the window's oldest calls leaving it make room for one more. */
function roomFreedAt(source: string, ledger: Ledger | undefined, budget: BudgetConfig, now: number): number {
  const calls = hourlyCalls(source, ledger, now);
  let room = allowance(source, ledger, budget, now) - calls.reduce((sum, each) => sum + each, 0);
  for (let k = 0; k < WINDOW_HOURS; k++) {
    room += calls[k]!;
    if (room >= 1) return (hourOf(now) + 1 + k) * HOUR_MS;
  }
  return (hourOf(now) + WINDOW_HOURS) * HOUR_MS;
}

/** The interval of `source` now: how long a result fetched now would stay fresh. */
export function intervalMs(source: string, shortestMs: number, ledger: Ledger | undefined, budget: BudgetConfig, now = Date.now()): number {
  return freshUntil(source, now, shortestMs, ledger, budget, now) - now;
}
