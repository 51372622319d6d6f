/** The exact public shapes of what the owner plays, for /now-playing and /recently-played. */
import type { Episode, LocalTrack, PlayingItem, Track } from '../../spotify/types';

export interface TrackShape {
  type: 'track';
  id: string;
  name: string;
  /** Spotify's name, only when the owner's cleanTitles changed it. */
  rawName?: string;
  url: string;
  artists: string[];
  album: string;
  image: string | null;
  durationMs: number;
  explicit: boolean;
}

/**
 * A track from the owner's own files (only ever playing: Spotify's history leaves them out): a
 * track with no id, no link and no picture, as Spotify gives it (`is_local`, `id: null`).
 */
export interface LocalTrackShape extends Omit<TrackShape, 'id' | 'url' | 'image'> {
  id: null;
  url: null;
  image: null;
}

export interface EpisodeShape {
  type: 'episode';
  id: string;
  name: string;
  url: string;
  show: string;
  image: string | null;
  durationMs: number;
  explicit: boolean;
}

const raw = ({ rawName }: Track | LocalTrack) => (rawName === undefined ? {} : { rawName });

export function trackShape(track: Track | LocalTrack): TrackShape | LocalTrackShape {
  const { id, name, url, artists, album, image, durationMs, explicit } = track;
  // id, url and image are null together (a LocalTrack) or none is: TypeScript cannot follow that through the spread.
  return { type: 'track', id, name, ...raw(track), url, artists, album, image, durationMs, explicit } as TrackShape | LocalTrackShape;
}

/** A track in the list of last plays: the track's fields (no type: they are all tracks) and when. */
export type PlayedShape = Omit<TrackShape, 'type'> & { playedAt: string };

export function playedShape(track: Track, playedAt: string): PlayedShape {
  const { id, name, url, artists, album, image, durationMs, explicit } = track;
  return { id, name, ...raw(track), url, artists, album, image, durationMs, explicit, playedAt };
}

function episodeShape(episode: Episode): EpisodeShape {
  const { id, name, url, show, image, durationMs, explicit } = episode;
  return { type: 'episode', id, name, url, show, image, durationMs, explicit };
}

export function itemShape(item: PlayingItem): TrackShape | LocalTrackShape | EpisodeShape {
  return item.type === 'track' ? trackShape(item) : episodeShape(item);
}
