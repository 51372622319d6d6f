/** The owner's last plays, newest first, as a cached source: Spotify's largest page (50), every limit served from it. */
import { callAsOwner } from '../owner/call-as-owner';
import { RECENTLY_PLAYED } from '../owner/scopes';
import type { Deadline } from '../platform/time';
import { recentlyPlayed } from '../spotify/player';
import type { Play } from '../spotify/types';
import { readListening, type ListeningResult } from './cached-source';

export const RECENTLY_PLAYED_NAME = 'recently-played';

export function recentPlays(deadline: Deadline): Promise<ListeningResult<Play[]>> {
  return readListening(
    {
      name: RECENTLY_PLAYED_NAME,
      cacheSeconds: (config) => config.recentlyPlayedCacheSeconds,
      scope: RECENTLY_PLAYED,
      fetch: (until) => callAsOwner(until, RECENTLY_PLAYED, (accessToken) => recentlyPlayed(accessToken, until)),
    },
    deadline,
  );
}
