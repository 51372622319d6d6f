/** The exact public shapes of what the owner plays, for /now-playing and /recently-played. */
import type { Episode, PlayingItem, Track } from '../../spotify/types';

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

const raw = ({ rawName }: Track) => (rawName === undefined ? {} : { rawName });

export function trackShape(track: Track): TrackShape {
  const { id, name, url, artists, album, image, durationMs, explicit } = track;
  return { type: 'track', id, name, ...raw(track), url, artists, album, image, durationMs, explicit };
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

export function itemShape(item: PlayingItem): TrackShape | EpisodeShape {
  return item.type === 'track' ? trackShape(item) : episodeShape(item);
}
