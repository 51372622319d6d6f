/** The /highlights query: which list, which period, how many, against which day; a bad value is refused by name. */
import * as z from 'zod/mini';
import { DEFAULT_COMPARE, MAX_COMPARE } from '../../listening/ranks';
import { oneOf, parseWith, wholeNumber, type Params } from '../../platform/validation';
import { TIME_RANGES, TOP_TYPES, type TimeRange, type TopType } from '../../spotify/types';

export interface HighlightsQuery {
  type: TopType;
  timeRange: TimeRange;
  limit: number;
  /** How many days back the snapshot to compare ranks with is (previousRank). */
  compare: number;
}

/** The most items /highlights answers. */
export const MAX_LIMIT = 50;

const schema = z.object({
  limit: wholeNumber('limit', MAX_LIMIT, 5),
  time_range: oneOf('time_range', TIME_RANGES, 'short_term'),
  type: oneOf('type', TOP_TYPES, 'artists'),
  compare: wholeNumber('compare', MAX_COMPARE, DEFAULT_COMPARE),
});

/** The query; `defaults` (the owner's settings) fill what it omits, else 5 items of the last four weeks. */
export function parseHighlightsQuery(params: Params, defaults?: { timeRange?: TimeRange; limit?: number }): HighlightsQuery {
  const query = parseWith(schema, params ?? {});
  return {
    type: query.type,
    limit: params?.limit === undefined && defaults?.limit !== undefined ? defaults.limit : query.limit,
    timeRange: params?.time_range === undefined && defaults?.timeRange !== undefined ? defaults.timeRange : query.time_range,
    compare: query.compare,
  };
}
