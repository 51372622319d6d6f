/** Validation of /highlights query parameters; a bad value is a 400 that names the parameter. */
import * as z from 'zod/mini';
import { httpError } from './errors';
import type { HighlightsQuery } from './highlights';

// zod/mini: the same validation as zod, tree-shaken to what is used (a much smaller bundle).
const schema = z.object({
  limit: z._default(z.pipe(z.string().check(z.regex(/^\d{1,2}$/)), z.pipe(z.transform(Number), z.number().check(z.minimum(1), z.maximum(50)))), 5),
  time_range: z._default(z.enum(['short_term', 'medium_term', 'long_term']), 'short_term'),
  type: z._default(z.enum(['artists', 'tracks']), 'artists'),
});

const messages: Record<string, string> = {
  limit: 'limit must be a whole number from 1 to 50.',
  time_range: 'time_range must be one of short_term, medium_term, long_term.',
  type: 'type must be artists or tracks.',
};

export function parseHighlightsQuery(params: Record<string, string | undefined> | undefined): HighlightsQuery {
  const result = schema.safeParse(params ?? {});
  if (!result.success) {
    const parameter = String(result.error.issues[0]?.path[0] ?? 'query');
    throw httpError(400, 'invalid_parameter', messages[parameter] ?? `${parameter} is not valid.`);
  }
  return { type: result.data.type, limit: result.data.limit, timeRange: result.data.time_range };
}
