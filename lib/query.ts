/** Validation of /highlights query parameters; a bad value is a 400 that names the parameter. */
import { z } from 'zod';
import { httpError } from './errors';
import type { HighlightsQuery } from './highlights';

const schema = z.object({
  limit: z
    .string()
    .regex(/^\d{1,2}$/)
    .transform(Number)
    .pipe(z.number().int().min(1).max(50))
    .default(5),
  time_range: z.enum(['short_term', 'medium_term', 'long_term']).default('short_term'),
  type: z.enum(['artists', 'tracks']).default('artists'),
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
