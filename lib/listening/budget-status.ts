/**
 * The day's Spotify budget as the owner sees it, for /status and the console: the budget, what
 * the last 24 hours spent (counted by the hour: this one and the 24 before), each part's allowance
 * and spending, how often each public feature refreshes now, and Spotify's own quota when it is
 * spent. Read from the budget's item (lib/spotify/budget.ts) with one consistent read, which the
 * owner's standing shares (a spent quota is a notice due).
 */
import { budgetConfig, historyCollected, shortestIntervals } from '../platform/config';
import { clockTime } from '../platform/errors';
import { getStatus, type Status } from '../owner/owner-status';
import { quotaLockout, readLedger, spentByLimit, spentByTally, type Ledger, type Reserve } from '../spotify/budget';
import { intervalMs } from './pacing';
import { NOW_PLAYING_NAME, RECENTLY_PLAYED_NAME, TOP_LIST_NAMES, topListName } from './source-names';

export interface BudgetStatus {
  /** SPOTIFY_DAILY_BUDGET: the most calls in any rolling 24 hours. */
  daily: number;
  /** Calls in the last 24 hours (this hour and the 24 before it). */
  spent: number;
  public: { allowed: number; spent: number };
  reserves: Record<Reserve, { allowed: number; spent: number }>;
  /** How long each feature's answer stays fresh now, in seconds (recently played: the collector's period when it reads the history). */
  intervals: { nowPlaying: number; recentlyPlayed: number; topLists: number };
  recentlyPlayedFrom: 'history' | 'spotify';
  /** Spotify's daily quota, while it refuses every call (QUOTA_EXCEEDED). */
  quota: { spentUntil: string; since: string | null } | null;
  /** The quota in one sentence, while it is spent. */
  message: string | null;
}

/** The owner's standing and the day's budget: what /status answers and the console says in words. */
export async function serviceStatus(now = Date.now()): Promise<Status & { budget: BudgetStatus }> {
  const ledger = await readLedger();
  const budget = budgetStatus(ledger, now);
  const status = await getStatus({ lockout: quotaLockout(ledger, now), dailyBudget: budget.daily });
  return { ...status, budget };
}

export function budgetStatus(ledger: Ledger, now = Date.now()): BudgetStatus {
  const budget = budgetConfig();
  const shortest = shortestIntervals();
  const byLimit = spentByLimit(ledger, now);
  const byTally = spentByTally(ledger, now);
  const seconds = (source: string, shortestSeconds: number) => Math.round(intervalMs(source, shortestSeconds * 1000, ledger, budget, now) / 1000);
  // The top list in most use, else the one /highlights answers by default.
  const topList = [...TOP_LIST_NAMES].sort((a, b) => (byTally.get(b) ?? 0) - (byTally.get(a) ?? 0)).find((name) => byTally.has(name)) ?? topListName('artists', 'short_term');
  const fromHistory = historyCollected();
  const locked = quotaLockout(ledger, now)?.until;
  return {
    daily: budget.daily,
    spent: byLimit.public + byLimit.refresh + byLimit.owner + byLimit.collector,
    public: { allowed: budget.public, spent: byLimit.public },
    reserves: {
      refresh: { allowed: budget.reserves.refresh, spent: byLimit.refresh },
      owner: { allowed: budget.reserves.owner, spent: byLimit.owner },
      collector: { allowed: budget.reserves.collector, spent: byLimit.collector },
    },
    intervals: {
      nowPlaying: seconds(NOW_PLAYING_NAME, shortest.nowPlayingCacheSeconds),
      recentlyPlayed: fromHistory ? budget.collectMinutes * 60 : seconds(RECENTLY_PLAYED_NAME, shortest.recentlyPlayedCacheSeconds),
      topLists: seconds(topList, shortest.cacheSeconds),
    },
    recentlyPlayedFrom: fromHistory ? 'history' : 'spotify',
    quota: locked === undefined ? null : { spentUntil: new Date(locked).toISOString(), since: ledger.lockedSince === undefined ? null : new Date(ledger.lockedSince).toISOString() },
    message: locked === undefined ? null : `Spotify's daily quota is spent until ${clockTime(locked)}: the site shows what it fetched last until then.`,
  };
}
