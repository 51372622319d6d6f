// Shapes of Spotify objects and of the emulator's configuration.

export interface SpotifyImage {
  url: string;
  height: number | null;
  width: number | null;
}

export interface ExternalUrls {
  spotify: string;
}

export interface Artist {
  external_urls: ExternalUrls;
  // Absent for development-mode apps (Feb 2026); only set when a test opts in.
  followers?: { href: null; total: number };
  genres: string[];
  href: string;
  id: string;
  images: SpotifyImage[];
  name: string;
  popularity?: number;
  type: 'artist';
  uri: string;
}

export interface SimplifiedArtist {
  external_urls: ExternalUrls;
  href: string;
  id: string;
  name: string;
  type: 'artist';
  uri: string;
}

export interface Album {
  album_type: 'album' | 'single';
  artists: SimplifiedArtist[];
  external_urls: ExternalUrls;
  href: string;
  id: string;
  images: SpotifyImage[];
  name: string;
  release_date: string;
  release_date_precision: 'day';
  total_tracks: number;
  type: 'album';
  uri: string;
}

export interface Track {
  album: Album;
  artists: SimplifiedArtist[];
  disc_number: number;
  duration_ms: number;
  explicit: boolean;
  external_urls: ExternalUrls;
  href: string;
  id: string;
  is_local: false;
  name: string;
  track_number: number;
  type: 'track';
  uri: string;
}

/**
 * A track from the user's own files, as currently-playing answers it (spotify-web-api.md): no id,
 * href or page, its artists and album named (from the file's tags) but with `id: null` and empty
 * `external_urls`, no album images; its `uri` spells it out, spotify:local:<artist>:<album>:<title>:<seconds>.
 */
export interface LocalTrack {
  album: {
    album_type: null;
    artists: [];
    external_urls: Record<string, never>;
    href: null;
    id: null;
    images: [];
    name: string;
    release_date: null;
    release_date_precision: null;
    type: 'album';
    uri: null;
  };
  artists: { external_urls: Record<string, never>; href: null; id: null; name: string; type: 'artist'; uri: null }[];
  disc_number: 0;
  duration_ms: number;
  explicit: false;
  external_urls: Record<string, never>;
  href: null;
  id: null;
  is_local: true;
  name: string;
  track_number: 0;
  type: 'track';
  uri: string;
}

/** What a show and its episodes both carry. */
interface PodcastObject {
  description: string;
  explicit: boolean;
  external_urls: ExternalUrls;
  href: string;
  html_description: string;
  id: string;
  images: SpotifyImage[];
  is_externally_hosted: boolean;
  languages: string[];
  name: string;
  uri: string;
}

/** A podcast, as an episode carries it (`available_markets` and `publisher` are gone for development-mode apps). */
export interface Show extends PodcastObject {
  copyrights: { text: string; type: string }[];
  media_type: 'audio';
  total_episodes: number;
  type: 'show';
}

export interface Episode extends PodcastObject {
  duration_ms: number;
  is_playable: boolean;
  release_date: string;
  release_date_precision: 'day';
  show: Show;
  type: 'episode';
}

/** Where a play came from (an album, a playlist, a show…); null when Spotify does not say. */
export interface PlayContext {
  type: 'album' | 'artist' | 'playlist' | 'show' | 'collection';
  href: string;
  external_urls: ExternalUrls;
  uri: string;
}

/** One entry of a user's play history; `playedAt` is model time in ms (when the track ended). */
export interface Play {
  track: Track;
  playedAt: number;
  context: PlayContext | null;
}

export interface UserSpec {
  id: string;
  displayName: string | null;
  topArtists: Artist[];
  topTracks: Track[];
  /** Play history, any order (newest first is kept); reset() puts it back. None when omitted. */
  recentlyPlayed?: Play[];
  /** Immutable account id (May 2026); derived from `id` when omitted. */
  accountId?: string;
}

export interface AppSpec {
  clientId: string;
  clientSecret: string;
  redirectUris: string[];
  name?: string;
  /**
   * Development-mode allow-list (the dashboard's User Management, at most
   * MAX_DEVELOPMENT_USERS); undefined lets every user through, as an extended-quota app does.
   */
  allowedUsers?: string[];
}

export type TimeRange = 'short_term' | 'medium_term' | 'long_term';
export const TIME_RANGES: readonly TimeRange[] = ['short_term', 'medium_term', 'long_term'];

/** The Web API endpoints the emulator answers; each is a fault target and a call counter. */
export type WebApiRoute = 'me' | 'top' | 'currentlyPlaying' | 'recentlyPlayed';
export const WEB_API_ROUTES: readonly WebApiRoute[] = ['me', 'top', 'currentlyPlaying', 'recentlyPlayed'];

/** 'api' covers every Web API route; 'image' is the CDN (i.scdn.co). */
export type FaultTarget = 'token' | WebApiRoute | 'api' | 'image';

/**
 * How the Web API refuses a token that lacks an endpoint's scope; Spotify has been seen to answer
 * both: 403 "Insufficient client scope" or 401 "Permissions missing".
 */
export type ScopeRefusal = 'insufficient-client-scope' | 'permissions-missing';
export const SCOPE_REFUSALS: readonly ScopeRefusal[] = ['insufficient-client-scope', 'permissions-missing'];

/**
 * What the next matching request(s) get instead of the usual answer. Three kinds:
 * fail fast (`status`), answer late (`delayMs`, with or without a `status`), or stall
 * (`stall`: the request is accepted and never answered).
 */
export interface Fault {
  /** The answer's status; without one the request is answered as usual, after `delayMs`. */
  status?: number;
  /** Object → JSON; string → sent as-is (content type text/plain unless `contentType`). */
  body?: string | object;
  headers?: Record<string, string>;
  contentType?: string;
  /** How many matching requests it applies to; default 1. */
  times?: number;
  /**
   * Answer only after this long. The request is acted on when it arrives, so a caller that gives
   * up first loses the answer but not its effect (a used code, a rotated refresh token).
   */
  delayMs?: number;
  /**
   * Never answer: only the client giving up or the emulator's close() ends the request. The
   * request is counted and logged (status 0) but not acted on (no code used, no token issued).
   */
  stall?: boolean;
}

/** What the model answers; the server turns it into HTTP. */
export interface ModelResponse {
  status: number;
  /** Object → JSON; string → raw text; Buffer → bytes as they are. */
  body: string | object;
  headers?: Record<string, string>;
  delayMs?: number;
  /** Never answered (a stalling fault); `status` is then 0. */
  stall?: boolean;
}

export interface RequestLogEntry {
  at: number;
  method: string;
  path: string;
  query: Record<string, string>;
  grantType?: string;
  /** 0 when the request was stalled and never answered. */
  status: number;
}

export interface CallCounters {
  authorize: number;
  token: { authorization_code: number; refresh_token: number; other: number };
  me: number;
  top: number;
  currentlyPlaying: number;
  recentlyPlayed: number;
  other: number;
}

export interface ModelOptions {
  now?: () => number;
  accessTokenTtlSeconds?: number;
  rotateRefreshTokens?: boolean;
  latencyMs?: number;
  maxCallsPer30s?: number | null;
  apiBase?: string;
  /** Default 'insufficient-client-scope' (see ScopeRefusal). */
  scopeRefusal?: ScopeRefusal;
  /** Spotify's rolling daily quota per client id; off (null) by default. */
  dailyQuota?: DailyQuotaOptions | null;
}

/**
 * Spotify's rolling daily quota (2026): past `calls` accepted calls in any `windowMs`, a client id
 * gets 429 QUOTA_EXCEEDED with a Retry-After of when the window frees up, and stays refused until then.
 */
export interface DailyQuotaOptions {
  /** Accepted calls per client id in the window; a whole number from 1. */
  calls: number;
  /** The rolling window's length; default 24 h (86_400_000). */
  windowMs?: number;
  /**
   * Whether /api/token calls count and are refused too; default true. Unverified on Spotify,
   * so the emulator budgets for the worst case.
   */
  countsToken?: boolean;
}

export type DailyQuotaSetting = Required<DailyQuotaOptions>;

/** The quota as the control plane reports it: the setting (null = off) and each client id's standing. */
export interface DailyQuotaState {
  setting: DailyQuotaSetting | null;
  /** Client ids with calls in the current window or a lockout; `lockedUntil` is epoch ms (model clock). */
  clients: Record<string, { calls: number; lockedUntil: number | null }>;
}

export interface RateLimitOptions {
  retryAfterSeconds: number;
  /** Also answer 429 from /api/token; default false. */
  includeToken?: boolean;
}

export interface AuthorizeRequest {
  clientId: string;
  appName: string;
  redirectUri: string;
  scopes: string[];
  state?: string;
  showDialog: boolean;
}
