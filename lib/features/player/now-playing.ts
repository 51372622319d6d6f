/**
 * GET /now-playing and GET /now-playing/open: what the owner plays now (or paused), else what they
 * played last, as exact JSON; and where a card about it should link.
 */
import { nowPlaying } from '../../listening/now-playing';
import { staleFields, type StaleFields } from '../../listening/stale';
import type { Freshness } from '../../platform/time';
import { itemShape, type EpisodeShape, type LocalTrackShape, type TrackShape } from './shapes';

export interface NowPlayingJson extends StaleFields {
  isPlaying: boolean;
  /** A track from the owner's own files has no id, link or picture (LocalTrackShape). */
  item: TrackShape | LocalTrackShape | EpisodeShape | null;
  /** The position at `fetchedAt` (clients extrapolate while isPlaying); null for the last played. */
  progressMs: number | null;
  playedAt: string | null;
  fetchedAt: string;
}

export interface NowPlayingAnswer {
  json: NowPlayingJson;
  /** The item's Spotify page, or the owner's profile when it has none (a local file) or there is nothing at all. */
  openUrl: string;
  freshness: Freshness;
}

export async function getNowPlaying(): Promise<NowPlayingAnswer> {
  const { value, freshness, staleBecause, owner } = await nowPlaying();
  return {
    json: {
      isPlaying: value.isPlaying,
      item: value.item ? itemShape(value.item) : null,
      progressMs: value.progressMs,
      playedAt: value.playedAt,
      fetchedAt: new Date(freshness.fetchedAt).toISOString(),
      ...staleFields(staleBecause),
    },
    openUrl: value.item?.url ?? `https://open.spotify.com/user/${encodeURIComponent(owner)}`,
    freshness,
  };
}
