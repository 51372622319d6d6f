/**
 * The queries of the cards. /card.svg: a top list (type artists or tracks, with a time range) or
 * the last plays (type recent), at most MAX_CARD_LIMIT rows. /history.svg: a period, as /history
 * takes it. Every card takes the look's options (look.ts): theme, bg, text, accent, width, radius,
 * images, border, title. A parameter the query leaves out takes the `defaults` given (the owner's
 * settings), else the service's own.
 *
 * time_range and compare (the snapshot the ranks' movement compares with, as for /highlights)
 * with type=recent are refused, not ignored: the last plays have no time range and no ranks, and a
 * parameter that silently does nothing would make a card's author believe it does something.
 */
import * as z from 'zod/mini';
import { DEFAULT_COMPARE, MAX_COMPARE } from '../../listening/ranks';
import { parseHistoryPeriod, type HistoryPeriod } from '../../listening/history';
import { InvalidRequest } from '../../platform/errors';
import { oneOf, parseWith, wholeNumber, type Params } from '../../platform/validation';
import { TIME_RANGES, TOP_TYPES, type TimeRange, type TopType } from '../../spotify/types';
import { hexColour } from './colour';
import { THEMES, type Theme } from './draw';
import { DEFAULT_LOOK, MAX_TITLE, RADIUS, WIDTH, type LookOptions } from './look';

export type CardQuery = { limit: number } & LookOptions & ({ type: TopType; timeRange: TimeRange; compare: number } | { type: 'recent' });
export type NowPlayingCardQuery = LookOptions;
export type HistoryCardQuery = { period: HistoryPeriod } & LookOptions;

/** What a query that leaves a parameter out gets instead of the service's default. */
export interface CardDefaults {
  timeRange?: TimeRange;
  limit?: number;
  theme?: Theme;
}

/** The most rows a card draws. */
export const MAX_CARD_LIMIT = 10;

const CARD_TYPES = [...TOP_TYPES, 'recent'] as const;

/** `field`: a whole number from `min` to `max`, in digits only; `fallback` when absent. */
function numberFrom(field: string, { min, max, fallback }: { min: number; max: number; fallback: number }) {
  const error = `${field} must be a whole number from ${min} to ${max}.`;
  const digits = z.string({ error }).check(z.regex(/^\d{1,4}$/, { error }));
  return z._default(z.pipe(digits, z.pipe(z.transform(Number), z.number().check(z.minimum(min, { error }), z.maximum(max, { error })))), fallback);
}

/** `field`: 0 (off) or 1 (on); on when absent. */
function onOff(field: string) {
  const error = `${field} must be 0 or 1.`;
  return z._default(z.pipe(z.enum(['0', '1'], { error }), z.transform((value: '0' | '1') => value === '1')), true);
}

/** `field`: a colour in hex, 3 or 6 digits, with or without "#"; as `#rrggbb`. */
function colour(field: string) {
  const error = `${field} must be a hex colour of 3 or 6 digits, with or without # (such as 1db954 or %231db954).`;
  const hex = z.string({ error }).check(z.refine((value) => hexColour(value) !== undefined, { error }));
  return z.optional(z.pipe(hex, z.transform((value: string) => hexColour(value)!)));
}

const titleError = `title must be 1 to ${MAX_TITLE} characters.`;
const title = z.optional(z.string({ error: titleError }).check(z.refine((value) => value.trim() !== '' && [...value].length <= MAX_TITLE, { error: titleError })));

function lookShape(theme: Theme) {
  return {
    theme: oneOf('theme', THEMES, theme),
    bg: colour('bg'),
    text: colour('text'),
    accent: colour('accent'),
    width: numberFrom('width', WIDTH),
    radius: numberFrom('radius', RADIUS),
    images: onOff('images'),
    border: onOff('border'),
    title,
  };
}

export function parseCardQuery(params: Params, defaults: CardDefaults = {}): CardQuery {
  const schema = z.object({
    limit: wholeNumber('limit', MAX_CARD_LIMIT, defaults.limit ?? 5),
    time_range: oneOf('time_range', TIME_RANGES, defaults.timeRange ?? 'short_term'),
    type: oneOf('type', CARD_TYPES, 'artists'),
    compare: wholeNumber('compare', MAX_COMPARE, DEFAULT_COMPARE),
    ...lookShape(defaults.theme ?? DEFAULT_LOOK.theme),
  });
  const { limit, time_range: timeRange, type, compare, ...look } = parseWith(schema, params ?? {});
  if (type === 'recent') {
    if (params?.time_range !== undefined) throw new InvalidRequest('invalid_parameter', 'time_range does not apply to type=recent: the last plays have no time range.');
    if (params?.compare !== undefined) throw new InvalidRequest('invalid_parameter', 'compare does not apply to type=recent: the last plays have no ranks.');
    return { type, limit, ...look };
  }
  return { type, limit, timeRange, compare, ...look };
}

export function parseNowPlayingCardQuery(params: Params, defaults: Pick<CardDefaults, 'theme'> = {}): NowPlayingCardQuery {
  return parseWith(z.object(lookShape(defaults.theme ?? DEFAULT_LOOK.theme)), params ?? {});
}

/** The history card's period when the query gives none: the last HISTORY_CARD_DAYS days. */
export const HISTORY_CARD_DAYS = 30;
/** /history.svg's query: the period (`today` is today in the history's time zone) and the look. */
export function parseHistoryCardQuery(params: Params, today: string, defaults: Pick<CardDefaults, 'theme'> = {}): HistoryCardQuery {
  const period = parseHistoryPeriod(params, today, HISTORY_CARD_DAYS);
  return { period, ...parseWith(z.object(lookShape(defaults.theme ?? DEFAULT_LOOK.theme)), params ?? {}) };
}

/**
 * The look a failed request's card takes: every option the query sets well, the rest as by
 * default (the failure may be one of them). Never the title: a message card's title is its message.
 */
export function lookOfFailedQuery(params: Params): Partial<LookOptions> {
  const look: Record<string, unknown> = {};
  for (const [field, schema] of Object.entries(lookShape(DEFAULT_LOOK.theme))) {
    const parsed = schema.safeParse(params?.[field]);
    if (field !== 'title' && parsed.success && parsed.data !== undefined) look[field] = parsed.data;
  }
  return look as Partial<LookOptions>;
}
