/** GET /recently-played: the owner's last plays, newest first, as exact JSON (`?limit=` 1–50, default 10). */
import * as z from 'zod/mini';
import { recentPlays } from '../../listening/recently-played';
import { staleFields, type StaleFields } from '../../listening/stale';
import type { Freshness } from '../../platform/time';
import { parseWith, wholeNumber, type Params } from '../../platform/validation';
import { RECENT_PAGE } from '../../spotify/player';
import { playedShape, type PlayedShape } from './shapes';

const schema = z.object({ limit: wholeNumber('limit', RECENT_PAGE, 10) });

export function parseRecentlyPlayedQuery(params: Params): { limit: number } {
  return parseWith(schema, params ?? {});
}

export interface RecentlyPlayedJson extends StaleFields {
  tracks: PlayedShape[];
  limit: number;
  fetchedAt: string;
}

export async function getRecentlyPlayed(query: { limit: number }): Promise<{ json: RecentlyPlayedJson; freshness: Freshness }> {
  const { value: plays, freshness, staleBecause } = await recentPlays();
  const tracks = plays.slice(0, query.limit).map(({ track, playedAt }) => playedShape(track, playedAt));
  return {
    json: {
      tracks,
      limit: query.limit,
      fetchedAt: new Date(freshness.fetchedAt).toISOString(),
      ...staleFields(staleBecause),
    },
    freshness,
  };
}
