/**
 * The owner's top artists or tracks for one time range, as a cached source. Spotify is asked for
 * its largest page (50) once per type and range, so every limit is served from the same result.
 */
import { callAsOwner } from '../owner/call-as-owner';
import { TOP_READ } from '../owner/scopes';
import { topItems } from '../spotify/top-items';
import { type Artist, type TimeRange, type TopType, type Track } from '../spotify/types';
import type { OwnerView } from '../owner/standing';
import { readListening, type ListeningResult } from './cached-source';
import { topListName } from './source-names';
import { visibleArtists, visibleTracks } from './visible';

/** Spotify's largest page. */
export const PAGE_SIZE = 50;

export type TopList = { timeRange: TimeRange } & ({ type: 'artists'; items: Artist[] } | { type: 'tracks'; items: Track[] });

/**
 * The whole page (up to PAGE_SIZE items) as the owner's settings let it be seen (visible.ts): callers
 * take the first `limit`, so a list with hidden items is still filled.
 */
export async function topList(type: TopType, timeRange: TimeRange, view?: OwnerView): Promise<ListeningResult<TopList>> {
  const { value, ...rest } = await readListening(
    {
      name: topListName(type, timeRange),
      cacheSeconds: (config) => config.cacheSeconds,
      scope: TOP_READ,
      fetch: () => callAsOwner(TOP_READ, (accessToken) => topItems(type, accessToken, timeRange, PAGE_SIZE)),
    },
    view,
  );
  const items = type === 'artists' ? visibleArtists(value as Artist[], rest.settings) : visibleTracks(value as Track[], rest.settings);
  return { value: { type, timeRange, items } as TopList, ...rest };
}
