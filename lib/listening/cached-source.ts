/**
 * The cached source of a listening result (a page of top artists, later what is playing now…).
 * A result comes from, in order:
 *   1. this container's memory, while younger than the source's cache period (no I/O at all);
 *   2. the last good result in DynamoDB, shared by every container, while as young;
 *   3. Spotify, through the source's `fetch`; concurrent misses in a container share one fetch.
 * When Spotify cannot answer (rate limit, outage, refused authorization) the last good result is
 * served marked stale, and Spotify is not asked again for FAILURE_BACKOFF_MS; without a last good
 * result, the error is thrown.
 */
import { ReauthorizationRequired, SpotifyError } from '../platform/errors';
import { logger } from '../platform/logger';
import type { Deadline, Freshness } from '../platform/time';
import { getResult, putResult, type StoredResult } from './result-store';

/** After a failed fetch, the stale result is served this long before Spotify is asked again. */
export const FAILURE_BACKOFF_MS = 10_000;

export interface Source<T> {
  /** Names the result in memory and in DynamoDB, e.g. "artists#short_term". */
  name: string;
  /** How long a fetched result is fresh; 0 asks Spotify every time. */
  cacheSeconds: number;
  fetch(deadline: Deadline): Promise<T>;
}

export interface ListeningResult<T> {
  value: T;
  freshness: Freshness;
}

interface Loaded {
  result: StoredResult<unknown>;
  stale: boolean;
}

const memory = new Map<string, StoredResult<unknown>>();
const inflight = new Map<string, Promise<Loaded>>();
const failedUntil = new Map<string, number>();

/** Forgets every result this container holds in memory. */
export function clearListeningMemory(): void {
  memory.clear();
  inflight.clear();
  failedUntil.clear();
}

/** Failures for which the last good result is better than an error. */
function servableStale(error: unknown): boolean {
  return error instanceof SpotifyError || error instanceof ReauthorizationRequired;
}

async function load<T>(source: Source<T>, cacheMs: number, deadline: Deadline): Promise<Loaded> {
  const { name } = source;
  const stored = cacheMs > 0 || failedUntil.has(name) ? await getResult<T>(name) : undefined;
  if (stored && Date.now() - stored.fetchedAt < cacheMs) return { result: stored, stale: false };
  if (stored && (failedUntil.get(name) ?? 0) > Date.now()) return { result: stored, stale: true };
  try {
    const result = { value: await source.fetch(deadline), fetchedAt: Date.now() };
    failedUntil.delete(name);
    await putResult(name, result).catch((error) => logger.warn('Could not store the result', { error: (error as Error).name }));
    return { result, stale: false };
  } catch (error) {
    if (!servableStale(error)) throw error;
    const last = stored ?? memory.get(name) ?? (await getResult<T>(name).catch(() => undefined));
    if (!last) throw error;
    failedUntil.set(name, Date.now() + FAILURE_BACKOFF_MS);
    logger.warn('Serving the last good result, marked stale', { name, fetchedAt: new Date(last.fetchedAt).toISOString() });
    return { result: last, stale: true };
  }
}

/** The source's result, from the nearest layer that has it fresh (see above). */
export async function readListening<T>(source: Source<T>, deadline: Deadline): Promise<ListeningResult<T>> {
  const cacheMs = source.cacheSeconds * 1000;
  const { name } = source;
  let loaded: Loaded;
  const remembered = memory.get(name);
  if (remembered && Date.now() - remembered.fetchedAt < cacheMs) {
    loaded = { result: remembered, stale: false };
  } else {
    let pending = inflight.get(name);
    if (!pending) {
      pending = load(source, cacheMs, deadline).finally(() => inflight.delete(name));
      inflight.set(name, pending);
    }
    loaded = await pending;
    if (!loaded.stale && cacheMs > 0) memory.set(name, loaded.result);
  }
  const { result, stale } = loaded;
  return {
    value: result.value as T,
    freshness: { fetchedAt: result.fetchedAt, freshUntil: result.fetchedAt + cacheMs, stale },
  };
}
