/**
 * The one module that talks to Spotify. Every call goes through spotify-web-api-node, has a
 * timeout within the caller's deadline, and fails with a SpotifyError whose kind says what the
 * caller can do. Reads are retried once, with jitter, when Spotify failed in a passing way;
 * token requests never are (a lost answer may have rotated the refresh token already).
 */
import type SpotifyWebApi from 'spotify-web-api-node';
import {
  SpotifyError,
  type Artist,
  type Credentials,
  type Deadline,
  type SpotifyErrorKind,
  type SpotifyProfile,
  type TimeRange,
  type TokenGrant,
  type TopType,
  type Track,
} from './spotify-types';

/** The longest one Spotify call may take; the caller's deadline may cut it shorter. */
export const CALL_TIMEOUT_MS = 3000;
/** No call is started with less time than this left before the deadline. */
const MIN_CALL_MS = 250;

/**
 * A client for one call. The library (with superagent and its MIME tables, ~95 ms to load) is
 * loaded on first use, so a cold container that answers from a cache never pays for it.
 */
async function client(credentials: ConstructorParameters<typeof SpotifyWebApi>[0]): Promise<SpotifyWebApi> {
  const { default: Client } = await import('spotify-web-api-node');
  return new Client(credentials);
}

function classify(error: unknown): SpotifyError {
  if (error instanceof SpotifyError) return error;
  const { statusCode, body, headers } = (error ?? {}) as {
    statusCode?: number;
    body?: { error?: unknown };
    headers?: Record<string, string | undefined>;
  };
  if (typeof statusCode !== 'number') return new SpotifyError('unavailable');
  const oauthError = typeof body?.error === 'string' ? body.error : undefined;
  if (oauthError === 'invalid_grant') return new SpotifyError('invalid_grant', statusCode);
  if (oauthError === 'invalid_client') return new SpotifyError('invalid_client', statusCode);
  if (statusCode === 401) return new SpotifyError('unauthorized', statusCode);
  if (statusCode === 403) return new SpotifyError('forbidden', statusCode);
  if (statusCode === 429) {
    const retryAfter = Number(headers?.['retry-after']);
    return new SpotifyError('rate_limited', statusCode, Number.isFinite(retryAfter) && retryAfter >= 0 ? retryAfter : undefined);
  }
  if (statusCode >= 500) return new SpotifyError('unavailable', statusCode);
  return new SpotifyError('bad_response', statusCode);
}

async function call<T>(deadline: Deadline, work: () => Promise<{ body: T }>): Promise<T> {
  const timeoutMs = Math.min(CALL_TIMEOUT_MS, deadline - Date.now());
  if (timeoutMs < MIN_CALL_MS) throw new SpotifyError('timeout');
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new SpotifyError('timeout')), timeoutMs);
  });
  try {
    const response = await Promise.race([work(), timeout]);
    return response.body;
  } catch (error) {
    throw classify(error);
  } finally {
    clearTimeout(timer);
  }
}

const PASSING: ReadonlySet<SpotifyErrorKind> = new Set(['unavailable', 'timeout', 'bad_response']);

/** A read, retried once after 50–250 ms when the failure was a passing one. */
async function read<T>(deadline: Deadline, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (!(error instanceof SpotifyError) || !PASSING.has(error.kind)) throw error;
    const pause = 50 + Math.random() * 200;
    if (deadline - Date.now() - pause < MIN_CALL_MS) throw error;
    await new Promise((done) => setTimeout(done, pause));
    return work();
  }
}

function text(value: unknown): string {
  if (typeof value !== 'string' || value === '') throw new SpotifyError('bad_response');
  return value;
}

function grantFrom(body: Record<string, unknown>): TokenGrant {
  const expiresIn = Number(body.expires_in);
  const refreshToken = typeof body.refresh_token === 'string' && body.refresh_token !== '' ? body.refresh_token : undefined;
  return {
    accessToken: text(body.access_token),
    expiresInSeconds: Number.isFinite(expiresIn) && expiresIn > 0 ? expiresIn : 3600,
    ...(refreshToken ? { refreshToken } : {}),
    scopes: typeof body.scope === 'string' ? body.scope.split(' ').filter(Boolean) : [],
  };
}

export async function exchangeCode(credentials: Credentials, code: string, deadline: Deadline): Promise<TokenGrant> {
  const api = await client(credentials);
  const body = await call(deadline, () => api.authorizationCodeGrant(code));
  const grant = grantFrom(body as unknown as Record<string, unknown>);
  if (!grant.refreshToken) throw new SpotifyError('bad_response');
  return grant;
}

export async function refreshAccessToken(credentials: Credentials, refreshToken: string, deadline: Deadline): Promise<TokenGrant> {
  const api = await client({ ...credentials, refreshToken });
  const body = await call(deadline, () => api.refreshAccessToken());
  return grantFrom(body as unknown as Record<string, unknown>);
}

export async function currentProfile(accessToken: string, deadline: Deadline): Promise<SpotifyProfile> {
  const api = await client({ accessToken });
  return read(deadline, async () => {
    const body = await call(deadline, () => api.getMe());
    return { id: text(body?.id), displayName: typeof body?.display_name === 'string' ? body.display_name : null };
  });
}

interface RawItem {
  id?: unknown;
  name?: unknown;
  external_urls?: { spotify?: unknown };
  images?: { url?: unknown }[];
  genres?: unknown;
  artists?: { name?: unknown }[];
  album?: { name?: unknown; images?: { url?: unknown }[] };
}

function firstImage(images: { url?: unknown }[] | undefined): string | null {
  const url = Array.isArray(images) ? images.find((candidate) => typeof candidate?.url === 'string')?.url : undefined;
  return typeof url === 'string' ? url : null;
}

function strings(values: unknown): string[] {
  return Array.isArray(values) ? values.filter((value): value is string => typeof value === 'string') : [];
}

function link(raw: RawItem, kind: string, id: string): string {
  return typeof raw.external_urls?.spotify === 'string' ? raw.external_urls.spotify : `https://open.spotify.com/${kind}/${id}`;
}

function toArtist(raw: RawItem): Artist {
  const id = text(raw.id);
  return { id, name: text(raw.name), url: link(raw, 'artist', id), image: firstImage(raw.images), genres: strings(raw.genres) };
}

function toTrack(raw: RawItem): Track {
  const id = text(raw.id);
  return {
    id,
    name: text(raw.name),
    url: link(raw, 'track', id),
    artists: strings(raw.artists?.map((artist) => artist?.name)),
    album: typeof raw.album?.name === 'string' ? raw.album.name : '',
    image: firstImage(raw.album?.images),
  };
}

/**
 * The owner's top artists or tracks, cleaned up. Never depends on followers or popularity
 * (absent for development-mode apps).
 */
export async function topItems(type: 'artists', accessToken: string, timeRange: TimeRange, limit: number, deadline: Deadline): Promise<Artist[]>;
export async function topItems(type: 'tracks', accessToken: string, timeRange: TimeRange, limit: number, deadline: Deadline): Promise<Track[]>;
export async function topItems(type: TopType, accessToken: string, timeRange: TimeRange, limit: number, deadline: Deadline): Promise<(Artist | Track)[]>;
export async function topItems(type: TopType, accessToken: string, timeRange: TimeRange, limit: number, deadline: Deadline): Promise<(Artist | Track)[]> {
  const api = await client({ accessToken });
  const options = { time_range: timeRange, limit };
  return read(deadline, async () => {
    const body = await call<{ items?: unknown }>(deadline, () => (type === 'artists' ? api.getMyTopArtists(options) : api.getMyTopTracks(options)));
    if (!Array.isArray(body?.items)) throw new SpotifyError('bad_response');
    const convert: (raw: RawItem) => Artist | Track = type === 'artists' ? toArtist : toTrack;
    return (body.items as RawItem[]).map(convert);
  });
}
