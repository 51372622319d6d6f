/**
 * The cached source of a listening result (a page of top artists, later what is playing now…),
 * always the current owner's: results are kept per owner and authorization, in memory and in
 * DynamoDB. A result is fresh for its source's interval (pacing.ts: at least the source's
 * *_CACHE_SECONDS, longer when the day's Spotify budget says so), as the budget's item was when the
 * result was fetched (its stored `freshUntil`) or, later, as this container last saw it. A result
 * comes from, in order:
 *   1. this container's memory, while fresh, when what the container knows of the owner is recent
 *      (lib/owner/standing.ts): no I/O at all;
 *   2. otherwise, after reading the owner's item: memory again, then the last good result in
 *      DynamoDB while fresh, then Spotify through the source's `fetch` (the budget may refuse it:
 *      the last good result is then served stale, reason "budget"), stored under the
 *      authorization that fetched it. Concurrent misses in a container share one fetch; across
 *      containers, the one that takes the fetch lease asks and the others wait for its result. A load that
 *      took OWNER_RECHECK_SECONDS or more reads the owner's item again before it is served, and
 *      the current owner's result is answered if the owner changed meanwhile.
 * When Spotify cannot answer (rate limit, outage, a refused authorization) the last good result
 * is served marked stale with the reason, for at most STALE_MAX_SECONDS after it was fetched;
 * after a failure Spotify is not asked again for FAILURE_BACKOFF_MS while a stale result can be
 * served. Once Spotify has refused the authorization it is not asked at all until the owner
 * reconnects, which takes effect at once: the new authorization has results of its own.
 */
import type { AsOwner } from '../owner/call-as-owner';
import type { OwnerSettings } from '../owner/settings';
import { readStanding, trustedStanding, type OwnerView, type Standing } from '../owner/standing';
import { budgetConfig, loadConfig, type BudgetConfig, type Config } from '../platform/config';
import { ReauthorizationRequired, ScopeMissing, SpotifyError, StorageError, type ServiceError } from '../platform/errors';
import { releaseLease, takeLease } from '../platform/lease';
import { logger } from '../platform/logger';
import { ContainerMemory } from '../platform/memory';
import { requestDeadline, within } from '../platform/request-context';
import type { Freshness } from '../platform/time';
import { knownLedger } from '../spotify/budget';
import { freshUntil } from './pacing';
import { getResult, putResult, resultKey, type StoredResult } from './result-store';

/** After a failed fetch, the stale result is served this long before Spotify is asked again. */
export const FAILURE_BACKOFF_MS = 10_000;
/** How much longer than STALE_MAX_SECONDS DynamoDB keeps a result before its ttl removes it. */
const KEEP_MARGIN_MS = 86_400_000;
/** One container at a time asks Spotify for a result: longer than one read and its retry may take. */
export const FETCH_LEASE_MS = 8_000;
/** How long the others wait for that result before they ask Spotify themselves (its holder may have died). */
export const FETCH_WAIT_MS = 2_500;

export interface Source<T> {
  /** Names the result among the owner's, e.g. "artists#short_term". */
  name: string;
  /** The shortest a fetched result is fresh, from the configuration (the day's budget may make it longer, pacing.ts). */
  cacheSeconds(config: Config): number;
  /** What the owner's authorization must allow (lib/owner/scopes.ts): without it, ScopeMissing, and Spotify is not asked. */
  scope: string;
  /** Asks Spotify, within the request's deadline (platform/request-context.ts). */
  fetch(): Promise<AsOwner<T>>;
}

export interface ListeningResult<T> {
  value: T;
  freshness: Freshness;
  /** Whose listening it is: the owner's Spotify user id. */
  owner: string;
  /** That owner's settings, as read with the owner (what the answer may show: visible.ts). */
  settings: OwnerSettings;
  /** Why an older result is served (only when `freshness.stale`). */
  staleBecause?: ServiceError;
}

interface Loaded {
  key: string;
  result: StoredResult<unknown>;
  staleBecause?: ServiceError;
}

/**
 * One owner and authorization has eight results (six top lists, now playing, recently played),
 * and every other owner's and authorization's are dropped (keepMemoryFor): four times that leaves
 * room for new sources and still bounds the memory if that ever breaks. No expiry: how fresh a
 * result is is decided per request (isFresh), and an older one is still the last good result to
 * serve stale.
 */
const RESULTS_KEPT = 32;
const memory = new ContainerMemory<StoredResult<unknown>, Loaded>({ bound: RESULTS_KEPT });
/** The last failure of each result, kept until a fetch succeeds; `until` ends its back-off. */
const failures = new ContainerMemory<{ until: number; error: ServiceError }>({ bound: RESULTS_KEPT });

/** This container's memory holds the current owner's results only: any other owner's or authorization's are dropped. */
function keepMemoryFor(standing: Standing): void {
  const owner = resultKey(standing, '');
  const another = (key: string) => !key.startsWith(owner);
  memory.deleteWhere(another);
  failures.deleteWhere(another);
}

/** Forgets every result this container holds in memory. */
export function clearListeningMemory(): void {
  memory.clear();
  failures.clear();
}

/** Failures for which the last good result is better than an error. */
function servableStale(error: unknown): error is ServiceError {
  return error instanceof SpotifyError || error instanceof ReauthorizationRequired;
}

interface Periods {
  name: string;
  /** The source's *_CACHE_SECONDS: the shortest its results are fresh. */
  shortestMs: number;
  budget: BudgetConfig;
  staleMaxMs: number;
  recheckMs: number;
}

/** Read once per request: a warm hit is a few microseconds of work. */
function periodsOf<T>(source: Source<T>): Periods {
  const config = loadConfig();
  return {
    name: source.name,
    shortestMs: source.cacheSeconds(config) * 1000,
    budget: budgetConfig(),
    staleMaxMs: config.staleMaxSeconds * 1000,
    recheckMs: config.ownerRecheckSeconds * 1000,
  };
}

/**
 * Until when a result is fresh: the later of what the budget said when it was fetched (stored
 * with it) and what the budget as this container last saw it says now (a feature that has spent
 * its allowance waits longer; a stored result of an earlier version has no `freshUntil`).
 */
function freshUntilOf(result: StoredResult<unknown>, { name, shortestMs, budget }: Periods): number {
  const now = Date.now();
  const paced = freshUntil(name, result.fetchedAt, shortestMs, knownLedger(), budget, now);
  return Math.max(result.freshUntil ?? result.fetchedAt + shortestMs, paced);
}

const isFresh = (result: StoredResult<unknown>, periods: Periods) => Date.now() < freshUntilOf(result, periods);

/** The last good result, served stale because of `error` while it is young enough; else the error. */
function staleOr(key: string, last: StoredResult<unknown> | undefined, error: ServiceError, { staleMaxMs }: Periods): Loaded {
  if (!last || Date.now() - last.fetchedAt > staleMaxMs) throw error;
  logger.warn('Serving the last good result, marked stale', { key, reason: error.code, fetchedAt: new Date(last.fetchedAt).toISOString() });
  return { key, result: last, staleBecause: error };
}

export const FETCH_LEASE_PREFIX = 'fetch-lease#';
const fetchLease = (key: string) => `${FETCH_LEASE_PREFIX}${key}`;

/** A result stored after `than` by the container fetching it, if one comes within FETCH_WAIT_MS. */
async function storedAfter(key: string, than: number): Promise<StoredResult<unknown> | undefined> {
  const until = Math.min(Date.now() + FETCH_WAIT_MS, requestDeadline());
  for (let poll = 100; Date.now() + poll < until; poll = Math.min(400, poll * 2)) {
    await new Promise((done) => setTimeout(done, poll));
    const result = await getResult(key).catch(() => undefined);
    if (result && result.fetchedAt > than) return result;
  }
  return undefined;
}

async function load<T>(source: Source<T>, standing: Standing, periods: Periods): Promise<Loaded> {
  const key = resultKey(standing, source.name);
  if (standing.reauthRequired) {
    // Only the owner reconnecting helps: Spotify is not asked.
    const last = memory.get(key) ?? (await getResult(key).catch(() => undefined));
    return staleOr(key, last, new ReauthorizationRequired(), periods);
  }
  const failure = failures.get(key);
  const stored = await getResult(key);
  if (stored && isFresh(stored, periods)) return { key, result: stored };
  if (failure && failure.until > Date.now() && stored && Date.now() - stored.fetchedAt <= periods.staleMaxMs) {
    return staleOr(key, stored, failure.error, periods);
  }
  // Across containers, one asks Spotify and the others wait for what it stores.
  let leased = await takeLease(fetchLease(key), FETCH_LEASE_MS);
  if (!leased) {
    const fetchedElsewhere = await storedAfter(key, stored?.fetchedAt ?? 0);
    if (fetchedElsewhere) return { key, result: fetchedElsewhere };
  }
  try {
    if (leased) {
      // Another container may have stored a fresh result (and let go of the lease) since it was read.
      const meanwhile = await getResult(key).catch(() => undefined);
      if (meanwhile && isFresh(meanwhile, periods) && meanwhile.fetchedAt > (stored?.fetchedAt ?? 0)) return { key, result: meanwhile };
    }
    // Spotify is asked in the name of this source: what part of the day's budget pays depends on it.
    const { value, owner } = await within({ source: source.name }, () => source.fetch());
    const fetchedAt = Date.now();
    // Fresh for the interval the budget sets now: this container has just counted the call, so it knows the item as it is.
    const result = { value, fetchedAt, freshUntil: freshUntil(source.name, fetchedAt, periods.shortestMs, knownLedger(), periods.budget, fetchedAt) };
    // Kept as the result of the authorization that fetched it, which is the owner's as the fetch read it.
    const fetchedKey = resultKey(owner, source.name);
    failures.delete(key);
    await putResult(fetchedKey, result, result.fetchedAt + periods.staleMaxMs + KEEP_MARGIN_MS).catch((error) =>
      logger.warn('Could not store the result', { error: (error as Error).name }),
    );
    return { key: fetchedKey, result };
  } catch (error) {
    // With DynamoDB failing, no time is spent releasing the lease: it lapses on its own.
    if (error instanceof StorageError) leased = false;
    if (!servableStale(error)) throw error;
    const last = stored ?? memory.get(key) ?? (await getResult(key).catch(() => undefined));
    const loaded = staleOr(key, last, error, periods);
    failures.set(key, { until: Date.now() + FAILURE_BACKOFF_MS, error });
    return loaded;
  } finally {
    if (leased) await releaseLease(fetchLease(key)).catch(() => undefined);
  }
}

/**
 * The answer's freshness, which is what a browser or CDN may keep it for: no longer than the
 * owner's *_CACHE_SECONDS after it was fetched, so a change of settings reaches every visitor
 * within it. The budget's longer interval decides only when Spotify is asked again: a request
 * after the first and before the second is answered from memory, with no call.
 */
function answer<T>({ result, staleBecause }: Omit<Loaded, 'key'>, owner: Standing, periods: Periods): ListeningResult<T> {
  const keepable = Math.min(freshUntilOf(result, periods), result.fetchedAt + periods.shortestMs);
  const freshness = { fetchedAt: result.fetchedAt, freshUntil: keepable, stale: Boolean(staleBecause) };
  return { value: result.value as T, freshness, owner: owner.spotifyUserId, settings: owner.settings, ...(staleBecause ? { staleBecause } : {}) };
}

/**
 * The source's result for the current owner, from the nearest layer that has it (see above).
 * `view`: the owner as this request already saw them (ownerView): read just now, it is not read again.
 */
export async function readListening<T>(source: Source<T>, view?: OwnerView): Promise<ListeningResult<T>> {
  const periods = periodsOf(source);
  const trusted = view && !view.readNow ? view.standing : trustedStanding(periods.recheckMs);
  const warm = trusted?.scopes.includes(source.scope) && memory.get(resultKey(trusted, source.name));
  if (trusted && warm && isFresh(warm, periods)) return answer({ result: warm }, trusted, periods);

  const standing = view?.readNow ? view.standing : await readStanding();
  if (!standing.scopes.includes(source.scope)) throw new ScopeMissing(source.scope);
  const loaded = await loadFor(source, standing, periods);
  // A slow answer (a Spotify call and its retry take seconds) may belong to an owner who is no
  // longer one: what the item says is checked again before it is served, and the current owner's
  // result answered instead.
  if (Date.now() - standing.readAt >= periods.recheckMs) {
    const now = await readStanding();
    if (resultKey(now, source.name) !== loaded.key) return answer(await loadFor(source, now, periods), now, periods);
  }
  return answer(loaded, standing, periods);
}

async function loadFor<T>(source: Source<T>, standing: Standing, periods: Periods): Promise<Loaded> {
  keepMemoryFor(standing);
  const key = resultKey(standing, source.name);
  const remembered = memory.get(key);
  if (!standing.reauthRequired && remembered && isFresh(remembered, periods)) return { key, result: remembered };
  const loaded = await memory.load(key, () => load(source, standing, periods));
  if (!loaded.staleBecause && loaded.key === key) memory.set(loaded.key, loaded.result);
  return loaded;
}
