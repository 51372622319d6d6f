/** The /card.svg query: the list's options, at most MAX_CARD_LIMIT rows, and a theme. */
import * as z from 'zod/mini';
import { oneOf, parseWith, wholeNumber, type Params } from '../../platform/validation';
import { TIME_RANGES, TOP_TYPES, type TimeRange, type TopType } from '../../spotify/types';
import { THEMES, type Theme } from './render';

export interface CardQuery {
  type: TopType;
  timeRange: TimeRange;
  limit: number;
  theme: Theme;
}

/** The most rows a card draws. */
export const MAX_CARD_LIMIT = 10;

const schema = z.object({
  limit: wholeNumber('limit', MAX_CARD_LIMIT, 5),
  time_range: oneOf('time_range', TIME_RANGES, 'short_term'),
  type: oneOf('type', TOP_TYPES, 'artists'),
  theme: oneOf('theme', THEMES, 'light'),
});

export function parseCardQuery(params: Params): CardQuery {
  const query = parseWith(schema, params ?? {});
  return { type: query.type, limit: query.limit, timeRange: query.time_range, theme: query.theme };
}
