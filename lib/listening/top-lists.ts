/**
 * The owner's top artists or tracks for one time range, as a cached source. Spotify is asked for
 * its largest page (50) once per type and range, so every limit is served from the same result.
 */
import { callAsOwner } from '../owner/call-as-owner';
import { TOP_READ } from '../owner/scopes';
import type { Deadline } from '../platform/time';
import { topItems } from '../spotify/top-items';
import { TIME_RANGES, TOP_TYPES, type Artist, type TimeRange, type TopType, type Track } from '../spotify/types';
import { readListening, type ListeningResult } from './cached-source';

/** Spotify's largest page. */
export const PAGE_SIZE = 50;

export type TopList = { timeRange: TimeRange } & ({ type: 'artists'; items: Artist[] } | { type: 'tracks'; items: Track[] });

/** The names of every top-list result (each type and range). */
export const TOP_LIST_NAMES = TOP_TYPES.flatMap((type) => TIME_RANGES.map((range) => `${type}#${range}`));

/** The whole page (up to PAGE_SIZE items): callers take the first `limit`. */
export async function topList(type: TopType, timeRange: TimeRange, deadline: Deadline): Promise<ListeningResult<TopList>> {
  const { value, ...rest } = await readListening(
    {
      name: `${type}#${timeRange}`,
      cacheSeconds: (config) => config.cacheSeconds,
      scope: TOP_READ,
      fetch: (until) => callAsOwner(until, TOP_READ, (accessToken) => topItems(type, accessToken, timeRange, PAGE_SIZE, until)),
    },
    deadline,
  );
  return { value: { type, timeRange, items: value } as TopList, ...rest };
}
