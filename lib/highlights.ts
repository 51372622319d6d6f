/**
 * The highlights use case. A page of the owner's top artists or tracks comes from, in order:
 *   1. this container's memory, while younger than HIGHLIGHTS_CACHE_SECONDS (no I/O at all);
 *   2. the last good result in DynamoDB, shared by every container, while as young;
 *   3. Spotify, fetched as its largest page (50) once per time range so every limit is served
 *      from it; concurrent misses in a container share one fetch.
 * When Spotify cannot answer (rate limit, outage, refused authorization) the last good result
 * is served marked stale; without one, the error is answered.
 */
import { isHttpError } from 'http-errors';
import { ownerWithToken, recordSpotifyFailure } from './access-token';
import { loadConfig } from './config';
import type { Freshness } from './http-cache';
import { logger } from './logger';
import { getResult, putResult, type StoredResult } from './result-store';
import { topItems } from './spotify';
import { SpotifyError, type Artist, type Deadline, type TimeRange, type TopType, type Track } from './spotify-types';
import { authorizationWindow } from './status';

/** Spotify's largest page. */
export const PAGE_SIZE = 50;
/** After a failed fetch, the stale result is served this long before Spotify is asked again. */
export const FAILURE_BACKOFF_MS = 10_000;

export interface HighlightsQuery {
  type: TopType;
  timeRange: TimeRange;
  limit: number;
}

export type Highlights = ({ artists: Artist[] } | { tracks: Track[] }) & {
  timeRange: TimeRange;
  limit: number;
  fetchedAt: string;
  /** Present (true) only when Spotify could not be asked and an older result is served. */
  stale?: true;
};

type Item = Artist | Track;

export interface HighlightsAnswer {
  highlights: Highlights;
  /** How long HTTP caches may keep the answer: never past the service's own freshness. */
  freshness: Freshness;
}

type Page = StoredResult<Item>;

const memory = new Map<string, Page>();
const inflight = new Map<string, Promise<Loaded>>();
const failedUntil = new Map<string, number>();

interface Loaded {
  page: Page;
  stale: boolean;
}

/** Forgets every cached page in this container (tests). */
export function clearHighlightsCache(): void {
  memory.clear();
  inflight.clear();
  failedUntil.clear();
}

function servableStale(error: unknown): boolean {
  if (error instanceof SpotifyError) return true;
  return isHttpError(error) && (error as { code?: unknown }).code === 'reauthorization_required';
}

async function fromSpotify(type: TopType, timeRange: TimeRange, deadline: Deadline): Promise<Item[]> {
  let owner = await ownerWithToken(deadline);
  const window = authorizationWindow(owner.authorizedAt);
  if (window.warning) logger.warn(window.warning, { daysLeft: window.daysLeft });
  try {
    try {
      return await topItems(type, owner.accessToken, timeRange, PAGE_SIZE, deadline);
    } catch (error) {
      if (!(error instanceof SpotifyError && error.kind === 'unauthorized')) throw error;
      // Spotify says the token is no longer valid before its time: one refresh, one retry.
      owner = await ownerWithToken(deadline, owner.accessToken);
      return await topItems(type, owner.accessToken, timeRange, PAGE_SIZE, deadline);
    }
  } catch (error) {
    if (error instanceof SpotifyError) {
      logger.warn('Spotify call failed', { kind: error.kind, status: error.status });
      await recordSpotifyFailure(error);
    }
    throw error;
  }
}

async function load(name: string, query: HighlightsQuery, cacheMs: number, deadline: Deadline): Promise<Loaded> {
  const stored = cacheMs > 0 || failedUntil.has(name) ? await getResult<Item>(name) : undefined;
  if (stored && Date.now() - stored.fetchedAt < cacheMs) return { page: stored, stale: false };
  if (stored && (failedUntil.get(name) ?? 0) > Date.now()) return { page: stored, stale: true };
  try {
    const page = { items: await fromSpotify(query.type, query.timeRange, deadline), fetchedAt: Date.now() };
    failedUntil.delete(name);
    await putResult(name, page).catch((error) => logger.warn('Could not store the result', { error: (error as Error).name }));
    return { page, stale: false };
  } catch (error) {
    if (!servableStale(error)) throw error;
    const last = stored ?? memory.get(name) ?? (await getResult<Item>(name).catch(() => undefined));
    if (!last) throw error;
    failedUntil.set(name, Date.now() + FAILURE_BACKOFF_MS);
    logger.warn('Serving the last good result, marked stale', { name, fetchedAt: new Date(last.fetchedAt).toISOString() });
    return { page: last, stale: true };
  }
}

export async function getHighlights(query: HighlightsQuery, deadline: Deadline): Promise<HighlightsAnswer> {
  const cacheMs = loadConfig().cacheSeconds * 1000;
  const name = `${query.type}#${query.timeRange}`;
  let loaded: Loaded;
  const remembered = memory.get(name);
  if (remembered && Date.now() - remembered.fetchedAt < cacheMs) {
    loaded = { page: remembered, stale: false };
  } else {
    let pending = inflight.get(name);
    if (!pending) {
      pending = load(name, query, cacheMs, deadline).finally(() => inflight.delete(name));
      inflight.set(name, pending);
    }
    loaded = await pending;
    if (!loaded.stale && cacheMs > 0) memory.set(name, loaded.page);
  }
  const { page, stale } = loaded;
  return {
    highlights: {
      ...(query.type === 'artists' ? { artists: page.items.slice(0, query.limit) as Artist[] } : { tracks: page.items.slice(0, query.limit) as Track[] }),
      timeRange: query.timeRange,
      limit: query.limit,
      fetchedAt: new Date(page.fetchedAt).toISOString(),
      ...(stale ? { stale: true as const } : {}),
    },
    freshness: { freshUntil: stale ? Date.now() : page.fetchedAt + cacheMs, staleWhileRevalidateSeconds: cacheMs / 1000 },
  };
}
