/**
 * GET /highlights: the owner's top artists or tracks as clean JSON, the first `limit` of the
 * cached top list (see listening/top-lists.ts for where it comes from), each with its
 * `previousRank` when the history holds the list's snapshot of `compare` days ago (listening/ranks.ts).
 */
import { topListWithRanks, type Ranks } from '../../listening/ranks';
import { staleFields, type StaleFields } from '../../listening/stale';
import type { Freshness } from '../../platform/time';
import type { Artist, TimeRange, Track } from '../../spotify/types';
import { withOwnerDefaults, type OwnerView } from '../../owner/standing';
import type { Params } from '../../platform/validation';
import { parseHighlightsQuery, type HighlightsQuery } from './query';

/** The public shapes: exactly these fields (the pictures' other sizes and a track's duration stay inside). */
export type ArtistShape = Pick<Artist, 'id' | 'name' | 'url' | 'image' | 'genres'>;
export type TrackShape = Pick<Track, 'id' | 'name' | 'url' | 'artists' | 'album' | 'image' | 'rawName'>;

/**
 * `previousRank`: the item's 1-based rank in the snapshot compared with, null when it was not in
 * that list; absent altogether when there is no snapshot of that day.
 */
export type Ranked<T> = T & { previousRank?: number | null };

export type Highlights = ({ artists: Ranked<ArtistShape>[] } | { tracks: Ranked<TrackShape>[] }) & {
  timeRange: TimeRange;
  limit: number;
  fetchedAt: string;
} & StaleFields;

export interface HighlightsAnswer {
  highlights: Highlights;
  freshness: Freshness;
}

const artistShape = ({ id, name, url, image, genres }: Artist): ArtistShape => ({ id, name, url, image, genres });
/** `rawName` only when the owner's cleanTitles changed the name. */
const trackShape = ({ id, name, url, artists, album, image, rawName }: Track): TrackShape => ({
  id,
  name,
  ...(rawName === undefined ? {} : { rawName }),
  url,
  artists,
  album,
  image,
});

/** `item` with its previousRank, when there is a snapshot to compare with. */
function ranked<T extends { id: string }>(item: T, previous: Ranks | undefined): Ranked<T> {
  return previous ? { ...item, previousRank: previous.get(item.id) ?? null } : item;
}

/** The answer to a /highlights query: a bad one is refused before anything is read; what it omits, the owner's defaults fill. */
export async function highlightsFor(params: Params): Promise<HighlightsAnswer> {
  const { query, view } = await withOwnerDefaults((defaults) => parseHighlightsQuery(params, defaults));
  return getHighlights(query, view);
}

export async function getHighlights(query: HighlightsQuery, view?: OwnerView): Promise<HighlightsAnswer> {
  const { value: list, freshness, staleBecause, previous } = await topListWithRanks(query.type, query.timeRange, query.compare, view);
  return {
    highlights: {
      ...(list.type === 'artists'
        ? { artists: list.items.slice(0, query.limit).map((artist) => ranked(artistShape(artist), previous)) }
        : { tracks: list.items.slice(0, query.limit).map((track) => ranked(trackShape(track), previous)) }),
      timeRange: query.timeRange,
      limit: query.limit,
      fetchedAt: new Date(freshness.fetchedAt).toISOString(),
      ...staleFields(staleBecause),
    },
    freshness,
  };
}
