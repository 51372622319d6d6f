/**
 * What the owner is listening to: what plays now (a cached source of its own, fresh for
 * NOW_PLAYING_CACHE_SECONDS), or, when nothing is to be shown (nothing playing, a private
 * session, an ad), the last track played (from the recently played source). Never an ad or a
 * guess presented as playing, and never what the owner's settings hide.
 */
import { callAsOwner } from '../owner/call-as-owner';
import { CURRENTLY_PLAYING } from '../owner/scopes';
import type { Freshness } from '../platform/time';
import { currentlyPlaying } from '../spotify/player';
import type { Playback, PlayingItem } from '../spotify/types';
import { readListening, type ListeningResult } from './cached-source';
import type { OwnerView } from '../owner/standing';
import { recentPlays } from './recently-played';
import { NOW_PLAYING_NAME } from './source-names';
import { visibleItem } from './visible';


export interface NowPlaying {
  /** True only while an item is really playing. */
  isPlaying: boolean;
  /** What plays (or is paused); else the last track played; null with no history at all. */
  item: PlayingItem | null;
  /** The position when it was fetched; null for the last played. */
  progressMs: number | null;
  /** When the last played item was played (ISO-8601); null while something plays or is paused. */
  playedAt: string | null;
}

function playback(view?: OwnerView): Promise<ListeningResult<Playback | null>> {
  return readListening(
    {
      name: NOW_PLAYING_NAME,
      cacheSeconds: (config) => config.nowPlayingCacheSeconds,
      scope: CURRENTLY_PLAYING,
      fetch: () => callAsOwner(CURRENTLY_PLAYING, (accessToken) => currentlyPlaying(accessToken)),
    },
    view,
  );
}

/** An answer built from two results is as fresh as the less fresh, and stale if either is. */
function both(first: Freshness, second: Freshness): Freshness {
  return { fetchedAt: first.fetchedAt, freshUntil: Math.min(first.freshUntil, second.freshUntil), stale: first.stale || second.stale };
}

/** What plays now, unless the owner's settings hide it: then, as when nothing plays, the last (visible) track played. */
export async function nowPlaying(view?: OwnerView): Promise<ListeningResult<NowPlaying>> {
  const now = await playback(view);
  const shown = now.value && visibleItem(now.value.item, now.settings);
  if (now.value && shown) {
    const { isPlaying, progressMs } = now.value;
    return { ...now, value: { isPlaying, item: shown, progressMs, playedAt: null } };
  }
  const recent = await recentPlays(view);
  const last = recent.value[0];
  const staleBecause = now.staleBecause ?? recent.staleBecause;
  return {
    value: { isPlaying: false, item: last ? { type: 'track', ...last.track } : null, progressMs: null, playedAt: last?.playedAt ?? null },
    freshness: both(now.freshness, recent.freshness),
    owner: now.owner,
    settings: now.settings,
    ...(staleBecause ? { staleBecause } : {}),
  };
}
