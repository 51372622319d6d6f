/**
 * The queries of the cards. /card.svg: a top list (type artists or tracks, with a time range) or
 * the last plays (type recent), at most MAX_CARD_LIMIT rows, and a theme. /now-playing.svg: a theme.
 *
 * time_range with type=recent is refused, not ignored: the last plays have no time range, and a
 * parameter that silently does nothing would make a card's author believe it does something.
 */
import * as z from 'zod/mini';
import { InvalidRequest } from '../../platform/errors';
import { oneOf, parseWith, wholeNumber, type Params } from '../../platform/validation';
import { TIME_RANGES, TOP_TYPES, type TimeRange, type TopType } from '../../spotify/types';
import { THEMES, type Theme } from './draw';

export type CardQuery = { limit: number; theme: Theme } & ({ type: TopType; timeRange: TimeRange } | { type: 'recent' });

/** The most rows a card draws. */
export const MAX_CARD_LIMIT = 10;

const CARD_TYPES = [...TOP_TYPES, 'recent'] as const;

const theme = oneOf('theme', THEMES, 'light');

const schema = z.object({
  limit: wholeNumber('limit', MAX_CARD_LIMIT, 5),
  time_range: oneOf('time_range', TIME_RANGES, 'short_term'),
  type: oneOf('type', CARD_TYPES, 'artists'),
  theme,
});

export function parseCardQuery(params: Params): CardQuery {
  const query = parseWith(schema, params ?? {});
  if (query.type === 'recent') {
    if (params?.time_range !== undefined) throw new InvalidRequest('invalid_parameter', 'time_range does not apply to type=recent: the last plays have no time range.');
    return { type: 'recent', limit: query.limit, theme: query.theme };
  }
  return { type: query.type, limit: query.limit, timeRange: query.time_range, theme: query.theme };
}

export function parseNowPlayingCardQuery(params: Params): { theme: Theme } {
  return parseWith(z.object({ theme }), params ?? {});
}
