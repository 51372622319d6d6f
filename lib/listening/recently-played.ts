/**
 * The owner's last plays, newest first, as a cached source: Spotify's largest page (50), every
 * limit served from it, as the owner's settings let it be seen (visible.ts).
 */
import { callAsOwner } from '../owner/call-as-owner';
import { RECENTLY_PLAYED } from '../owner/scopes';
import { recentlyPlayed } from '../spotify/player';
import type { Play } from '../spotify/types';
import type { OwnerView } from '../owner/standing';
import { readListening, type ListeningResult } from './cached-source';
import { visiblePlays } from './visible';

export const RECENTLY_PLAYED_NAME = 'recently-played';

export async function recentPlays(view?: OwnerView): Promise<ListeningResult<Play[]>> {
  const result = await readListening(
    {
      name: RECENTLY_PLAYED_NAME,
      cacheSeconds: (config) => config.recentlyPlayedCacheSeconds,
      scope: RECENTLY_PLAYED,
      fetch: () => callAsOwner(RECENTLY_PLAYED, (accessToken) => recentlyPlayed(accessToken)),
    },
    view,
  );
  return { ...result, value: visiblePlays(result.value, result.settings) };
}
