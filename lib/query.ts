/** Validation of /highlights and /card.svg query parameters; a bad value is a 400 that names the parameter. */
import * as z from 'zod/mini';
import type { Theme } from './card';
import { httpError } from './errors';
import { TIME_RANGES, TOP_TYPES } from './spotify-types';
import type { HighlightsQuery } from './highlights';

export type Params = Record<string, string | undefined> | undefined;

export interface CardQuery extends HighlightsQuery {
  theme: Theme;
}

/** The most items /highlights answers, and the most rows a card draws. */
export const MAX_LIMIT = 50;
export const MAX_CARD_LIMIT = 10;

// zod/mini: the same validation as zod, tree-shaken to what is used (a much smaller bundle).
const limit = (max: number) =>
  z._default(z.pipe(z.string().check(z.regex(/^\d{1,2}$/)), z.pipe(z.transform(Number), z.number().check(z.minimum(1), z.maximum(max)))), 5);
const timeRange = z._default(z.enum(TIME_RANGES), 'short_term');
const type = z._default(z.enum(TOP_TYPES), 'artists');

const highlightsSchema = z.object({ limit: limit(MAX_LIMIT), time_range: timeRange, type });
const cardSchema = z.object({ limit: limit(MAX_CARD_LIMIT), time_range: timeRange, type, theme: z._default(z.enum(['light', 'dark']), 'light') });

const messages = (maxLimit: number): Record<string, string> => ({
  limit: `limit must be a whole number from 1 to ${maxLimit}.`,
  time_range: 'time_range must be one of short_term, medium_term, long_term.',
  type: 'type must be artists or tracks.',
  theme: 'theme must be light or dark.',
});

function invalid(issues: readonly { path: readonly PropertyKey[] }[], maxLimit: number): never {
  const parameter = String(issues[0]?.path[0] ?? 'query');
  throw httpError(400, 'invalid_parameter', messages(maxLimit)[parameter] ?? `${parameter} is not valid.`);
}

export function parseHighlightsQuery(params: Params): HighlightsQuery {
  const result = highlightsSchema.safeParse(params ?? {});
  if (!result.success) invalid(result.error.issues, MAX_LIMIT);
  return { type: result.data.type, limit: result.data.limit, timeRange: result.data.time_range };
}

export function parseCardQuery(params: Params): CardQuery {
  const result = cardSchema.safeParse(params ?? {});
  if (!result.success) invalid(result.error.issues, MAX_CARD_LIMIT);
  return { type: result.data.type, limit: result.data.limit, timeRange: result.data.time_range, theme: result.data.theme };
}
