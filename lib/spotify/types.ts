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

/** One size of a picture, as Spotify lists them (widest first; a size may be unknown). */
export interface Picture {
  url: string;
  width: number | null;
  height: number | null;
}

export interface Artist {
  id: string;
  name: string;
  url: string;
  /** The widest picture's URL, or null. */
  image: string | null;
  /** Every size Spotify lists, widest first (a card picks the smallest that is sharp enough). */
  pictures: Picture[];
  genres: string[];
}

export interface Track {
  id: string;
  name: string;
  url: string;
  artists: string[];
  /** The credited artists' ids (absent from results stored before they were kept). */
  artistIds?: string[];
  album: string;
  /** The name as Spotify gives it, when the owner's settings cleaned `name` (e.g. of " - Remastered 2011"). */
  rawName?: string;
  /** The album cover's widest picture's URL, or null. */
  image: string | null;
  pictures: Picture[];
  durationMs: number;
  explicit: boolean;
}

/** A podcast episode, as the player answers it. */
export interface Episode {
  id: string;
  name: string;
  url: string;
  show: string;
  image: string | null;
  pictures: Picture[];
  durationMs: number;
  explicit: boolean;
}

/**
 * A track from the owner's own files, as currently-playing answers it (`is_local`; recently played
 * leaves them out): Spotify has no id, page or picture for it, nor ids for its artists.
 */
export interface LocalTrack extends Omit<Track, 'id' | 'url' | 'artistIds' | 'image' | 'pictures'> {
  id: null;
  url: null;
  image: null;
  pictures: [];
}

export type PlayingItem = ({ type: 'track' } & (Track | LocalTrack)) | ({ type: 'episode' } & Episode);

/** What the player shows: an item playing or paused, at a position (ms) when it was asked. */
export interface Playback {
  isPlaying: boolean;
  item: PlayingItem;
  progressMs: number | null;
}

/** One play in the owner's history. */
export interface Play {
  track: Track;
  /** ISO-8601, as Spotify gives it. */
  playedAt: string;
}
