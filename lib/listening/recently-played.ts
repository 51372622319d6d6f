/**
 * The owner's last plays, newest first, as the owner's settings let them be seen (visible.ts).
 * Spotify's calls are few a day (lib/spotify/budget.ts), so while the listening history is
 * collected (HISTORY_TABLE_NAME set, HISTORY_COLLECT_MINUTES above 0, and the collector has run for
 * this owner) they are the plays it stored, as fresh as its last successful run, and Spotify is
 * never asked. When that run is more than two periods and five minutes old the stored plays are
 * still answered, marked stale: with Spotify's quota spent when that is why the collector's last
 * run failed, else CollectorBehind. Before the first run, or with collecting off, they come from a
 * cached source of Spotify's largest page (50), every limit served from it.
 * What the history answered is kept in this container's memory per owner and settings version
 * until its freshness ends (at least 30 s), so a warm request does no I/O.
 */
import { callAsOwner } from '../owner/call-as-owner';
import { RECENTLY_PLAYED } from '../owner/scopes';
import { readStanding, trustedStanding, type OwnerView, type Standing } from '../owner/standing';
import { collectMinutes, historyCollected, loadConfig } from '../platform/config';
import { CollectorBehind, ReauthorizationRequired, ScopeMissing, type ServiceError } from '../platform/errors';
import { ContainerMemory } from '../platform/memory';
import { knownLedger, quotaSpent, readLedger } from '../spotify/budget';
import { recentlyPlayed } from '../spotify/player';
import type { Play } from '../spotify/types';
import { readListening, type ListeningResult, type Source } from './cached-source';
import { collectorState, failedRuns, latestPlays } from './history-store';
import { RECENTLY_PLAYED_NAME } from './source-names';
import { visiblePlays } from './visible';

const MINUTE_MS = 60_000;
/** How long what was read is kept at least, even when its freshness has already ended (a collector running late). */
const KEPT_AT_LEAST_MS = 30_000;
/** A run may start late and take a while: the collector is behind after two periods and this. */
const BEHIND_MARGIN_MS = 5 * MINUTE_MS;
/** The reason a failed run records when Spotify's daily quota was spent (that error's code). */
const QUOTA_EXCEEDED = 'quota_exceeded';

const SPOTIFY_SOURCE: Source<Play[]> = {
  name: RECENTLY_PLAYED_NAME,
  cacheSeconds: (config) => config.recentlyPlayedCacheSeconds,
  scope: RECENTLY_PLAYED,
  fetch: () => callAsOwner(RECENTLY_PLAYED, (accessToken) => recentlyPlayed(accessToken)),
};

/** The history has nothing for this owner yet: Spotify answers. */
const NOT_COLLECTED = 'not-collected';
type Remembered = ListeningResult<Play[]> | typeof NOT_COLLECTED;

/** One owner, a few settings versions. */
const remembered = new ContainerMemory<Remembered>({ bound: 4 });
const memoryKey = (standing: Standing) => `${standing.spotifyUserId}#${standing.settingsVersion}`;

async function fromSpotify(view?: OwnerView): Promise<ListeningResult<Play[]>> {
  const result = await readListening(SPOTIFY_SOURCE, view);
  return { ...result, value: visiblePlays(result.value, result.settings) };
}

/** How often the history is collected, in minutes; 0 when it is not (no history table, or collecting off). */
function collectedEvery(): number {
  return historyCollected() ? collectMinutes() : 0;
}

/** Why the collector is behind: Spotify's quota, while it is still spent and the last failed run says so; else CollectorBehind. */
async function behindBecause(user: string, lastRun: number, behindAfterMs: number, now: number): Promise<ServiceError> {
  // Only the runs since the last success, and no older than the stale bound: a handful of items.
  const runs = await failedRuns(user, new Date(Math.max(lastRun, now - behindAfterMs)).toISOString(), new Date(now).toISOString());
  if (runs.at(-1)?.reason === QUOTA_EXCEEDED) {
    // What this container knows, else the item: a container that learnt of the budget before the lockout knows nothing of it.
    const known = knownLedger()?.lockedUntil;
    const lockedUntil = known !== undefined && known > now ? known : (await readLedger().catch(() => undefined))?.lockedUntil;
    if (lockedUntil !== undefined && lockedUntil > now) return quotaSpent(lockedUntil, now);
  }
  return new CollectorBehind(lastRun);
}

/** The stored plays as this owner may show them, as fresh as the collector's last successful run; NOT_COLLECTED before its first. */
async function fromHistory(standing: Standing, minutes: number): Promise<Remembered> {
  const user = standing.spotifyUserId;
  const [state, plays] = await Promise.all([collectorState(user), latestPlays(user)]);
  if (!state.since) return NOT_COLLECTED;
  const now = Date.now();
  const periodMs = minutes * MINUTE_MS;
  const behindAfterMs = 2 * periodMs + BEHIND_MARGIN_MS;
  const lastRun = Date.parse(state.lastRunAt ?? state.since);
  let staleBecause: ServiceError | undefined;
  // A refused authorization stops the collector at its next run: said at once, as every source does.
  if (standing.reauthRequired) staleBecause = new ReauthorizationRequired();
  else if (now - lastRun > behindAfterMs) staleBecause = await behindBecause(user, lastRun, behindAfterMs, now);
  return {
    value: visiblePlays(plays, standing.settings),
    freshness: { fetchedAt: lastRun, freshUntil: lastRun + periodMs, stale: Boolean(staleBecause) },
    owner: user,
    settings: standing.settings,
    ...(staleBecause ? { staleBecause } : {}),
  };
}

/** Kept until its freshness ends, at least KEPT_AT_LEAST_MS; a refused authorization's answer never (the owner's reconnecting shows at once). */
function remember(key: string, answer: Remembered): void {
  if (answer !== NOT_COLLECTED && answer.staleBecause instanceof ReauthorizationRequired) return;
  const freshUntil = answer === NOT_COLLECTED ? 0 : answer.freshness.freshUntil;
  remembered.set(key, answer, Math.max(freshUntil, Date.now() + KEPT_AT_LEAST_MS));
}

/**
 * The owner's last plays (see above). `view`: the owner as this request already saw them
 * (ownerView): read just now, they are not read again, as readListening does.
 */
export async function recentPlays(view?: OwnerView): Promise<ListeningResult<Play[]>> {
  const minutes = collectedEvery();
  if (minutes === 0) return fromSpotify(view);
  const trusted = view && !view.readNow ? view.standing : trustedStanding(loadConfig().ownerRecheckSeconds * 1000);
  const warm = trusted?.scopes.includes(RECENTLY_PLAYED) ? remembered.get(memoryKey(trusted)) : undefined;
  if (warm) return warm === NOT_COLLECTED ? fromSpotify(view) : warm;

  const standing = view?.readNow ? view.standing : await readStanding();
  const readNow: OwnerView = { standing, readNow: true };
  if (!standing.scopes.includes(RECENTLY_PLAYED)) throw new ScopeMissing(RECENTLY_PLAYED);
  const key = memoryKey(standing);
  let answer = standing.reauthRequired ? undefined : remembered.get(key);
  if (!answer) {
    // Concurrent cold asks share one read; a refused authorization's is its own.
    answer = await (standing.reauthRequired ? fromHistory(standing, minutes) : remembered.load(key, () => fromHistory(standing, minutes)));
    remember(key, answer);
  }
  return answer === NOT_COLLECTED ? fromSpotify(readNow) : answer;
}
