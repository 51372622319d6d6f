/**
 * The owner's player: what is playing now (GET /me/player/currently-playing) and the last plays
 * (GET /me/player/recently-played). Spotify answers 204 with no body when nothing plays or in a
 * private session, an ad or an unknown item as `item: null`, and an episode only when asked for
 * with additional_types: all of that is "nothing to show" here, never a guess. A file from the
 * owner's own library plays as a track with `is_local` and no id: shown, without a link or picture.
 */
import { SpotifyError } from '../platform/errors';
import { call, client, read } from './client';
import { toEpisode, toLocalTrack, toTrack, type RawItem } from './items';
import type { Play, Playback, PlayingItem } from './types';

/** The most plays Spotify answers at once, and about the most it keeps reachable. */
export const RECENT_PAGE = 50;

interface RawPlayback {
  is_playing?: unknown;
  progress_ms?: unknown;
  currently_playing_type?: unknown;
  item?: RawItem | null;
}

function itemOf(type: unknown, raw: RawItem | null | undefined): PlayingItem | null {
  if (!raw || typeof raw !== 'object') return null;
  if (type === 'track') return { type: 'track', ...(raw.is_local === true ? toLocalTrack(raw) : toTrack(raw)) };
  if (type === 'episode') return { type: 'episode', ...toEpisode(raw) };
  return null;
}

/** What plays now, playing or paused; null when there is nothing to show. */
export async function currentlyPlaying(accessToken: string): Promise<Playback | null> {
  const api = await client({ accessToken });
  // The library passes every option on as a query parameter; its types know only `market`.
  const options = { additional_types: 'track,episode' } as Parameters<typeof api.getMyCurrentPlayingTrack>[0];
  return read(async () => {
    const body = await call<unknown>(() => api.getMyCurrentPlayingTrack(options));
    // A 204 reaches us as {} or '' (the library parses only JSON it is told about).
    if (!body || (typeof body === 'object' && Object.keys(body).length === 0)) return null;
    if (typeof body !== 'object') throw new SpotifyError('bad_response');
    const raw = body as RawPlayback;
    if (typeof raw.is_playing !== 'boolean') throw new SpotifyError('bad_response');
    const item = itemOf(raw.currently_playing_type, raw.item);
    if (!item) return null;
    const progressMs = typeof raw.progress_ms === 'number' && Number.isFinite(raw.progress_ms) && raw.progress_ms >= 0 ? raw.progress_ms : null;
    return { isPlaying: raw.is_playing, item, progressMs };
  });
}

/**
 * The owner's last plays, newest first (up to RECENT_PAGE; episodes are never among them, nor
 * files from the owner's own library: one that came would be left out); with `after` (epoch ms),
 * only those played after it.
 */
export async function recentlyPlayed(accessToken: string, after?: number): Promise<Play[]> {
  const api = await client({ accessToken });
  return read(async () => {
    const body = await call<{ items?: unknown }>(() => api.getMyRecentlyPlayedTracks({ limit: RECENT_PAGE, ...(after === undefined ? {} : { after }) }));
    if (!Array.isArray(body?.items)) throw new SpotifyError('bad_response');
    return (body.items as { track?: RawItem; played_at?: unknown }[]).flatMap((entry) => {
      if (typeof entry?.played_at !== 'string' || Number.isNaN(Date.parse(entry.played_at)) || !entry.track) throw new SpotifyError('bad_response');
      return entry.track.is_local === true ? [] : [{ track: toTrack(entry.track), playedAt: entry.played_at }];
    });
  });
}
