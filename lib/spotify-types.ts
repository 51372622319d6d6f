/** What the rest of the service knows of Spotify: its errors and the shapes the adapter answers. */

/** Epoch milliseconds by which the whole request must be answered. */
export type Deadline = number;

export type SpotifyErrorKind =
  | 'invalid_grant'
  | 'invalid_client'
  | 'unauthorized'
  | 'forbidden'
  | 'rate_limited'
  | 'unavailable'
  | 'timeout'
  | 'bad_response';

export class SpotifyError extends Error {
  override name = 'SpotifyError';
  constructor(
    readonly kind: SpotifyErrorKind,
    readonly status?: number,
    readonly retryAfterSeconds?: number,
  ) {
    super(`Spotify call failed: ${kind}${status ? ` (HTTP ${status})` : ''}`);
  }
}

export interface Credentials {
  clientId: string;
  clientSecret: string;
  redirectUri: string;
}

export interface TokenGrant {
  accessToken: string;
  expiresInSeconds: number;
  /** Present on the first grant; on refresh only when Spotify rotates it. */
  refreshToken?: string;
  scopes: string[];
}

export interface SpotifyProfile {
  id: string;
  displayName: string | null;
}

export const TIME_RANGES = ['short_term', 'medium_term', 'long_term'] as const;
export type TimeRange = (typeof TIME_RANGES)[number];

export const TOP_TYPES = ['artists', 'tracks'] as const;
export type TopType = (typeof TOP_TYPES)[number];

export interface Artist {
  id: string;
  name: string;
  url: string;
  image: string | null;
  genres: string[];
}

export interface Track {
  id: string;
  name: string;
  url: string;
  artists: string[];
  album: string;
  image: string | null;
}
