/**
 * The highlights use case: the owner's top artists, from a short-lived cache or from Spotify,
 * with the access token refreshed when it is about to expire (or when Spotify says it has).
 */
import { clientSecret, loadConfig } from './config';
import { httpError, loginHint } from './errors';
import { logger } from './logger';
import { refreshAccessToken, SpotifyError, topArtists, type Artist, type TimeRange } from './spotify';
import { getOwner, saveRefreshedTokens, type OwnerRecord } from './token-store';

/** Spotify's largest page: fetched once per time range, so every limit is served from it. */
export const PAGE_SIZE = 50;
/** A token this close to expiry is refreshed first, so it cannot expire mid-request. */
export const EXPIRY_MARGIN_MS = 60_000;

export interface HighlightsQuery {
  timeRange: TimeRange;
  limit: number;
}

export interface Highlights {
  artists: Artist[];
  timeRange: TimeRange;
  limit: number;
  fetchedAt: string;
}

interface CachedPage {
  artists: Artist[];
  fetchedAt: number;
}

const memory = new Map<TimeRange, CachedPage>();

/** Forgets cached results (tests, and a new owner binding in this container). */
export function clearHighlightsCache(): void {
  memory.clear();
}

async function refreshed(owner: OwnerRecord): Promise<OwnerRecord> {
  const config = loadConfig();
  const credentials = { clientId: config.clientId, clientSecret: await clientSecret(), redirectUri: config.redirectUri };
  const grant = await refreshAccessToken(credentials, owner.refreshToken);
  const saved = await saveRefreshedTokens(owner.version, {
    accessToken: grant.accessToken,
    accessTokenExpiresAt: Date.now() + grant.expiresInSeconds * 1000,
    ...(grant.refreshToken ? { refreshToken: grant.refreshToken } : {}),
  });
  logger.info('Access token refreshed', { rotated: Boolean(grant.refreshToken), stored: Boolean(saved) });
  if (saved) return saved;
  // Another request stored newer tokens first; theirs are at least as good as ours.
  return (await getOwner()) ?? owner;
}

async function currentOwner(): Promise<OwnerRecord> {
  const owner = await getOwner();
  if (!owner) throw httpError(503, 'not_authorized', `No Spotify account is connected yet. ${loginHint}`);
  return owner;
}

async function fetchPage(timeRange: TimeRange): Promise<CachedPage> {
  let owner = await currentOwner();
  if (owner.accessTokenExpiresAt - EXPIRY_MARGIN_MS <= Date.now()) owner = await refreshed(owner);
  let artists: Artist[];
  try {
    artists = await topArtists(owner.accessToken, timeRange, PAGE_SIZE);
  } catch (error) {
    if (!(error instanceof SpotifyError && error.kind === 'unauthorized')) throw error;
    // Spotify says the token is no longer valid before its time: one refresh, one retry.
    owner = await refreshed(owner);
    artists = await topArtists(owner.accessToken, timeRange, PAGE_SIZE);
  }
  return { artists, fetchedAt: Date.now() };
}

export async function getHighlights(query: HighlightsQuery): Promise<Highlights> {
  const { cacheSeconds } = loadConfig();
  let cached = memory.get(query.timeRange);
  if (!cached || Date.now() - cached.fetchedAt >= cacheSeconds * 1000) {
    cached = await fetchPage(query.timeRange);
    if (cacheSeconds > 0) memory.set(query.timeRange, cached);
  }
  return {
    artists: cached.artists.slice(0, query.limit),
    timeRange: query.timeRange,
    limit: query.limit,
    fetchedAt: new Date(cached.fetchedAt).toISOString(),
  };
}
