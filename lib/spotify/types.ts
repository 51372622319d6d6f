/** The shapes the Spotify adapter answers: what the rest of the service knows of Spotify's data. */

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
