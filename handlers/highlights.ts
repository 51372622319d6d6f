/** GET /highlights: the owner's top artists as JSON, for anyone. */
import { getHighlights } from '../lib/highlights';
import { apiRoute, deadlineOf, jsonResponse } from '../lib/http';
import { cachedResponse } from '../lib/http-cache';
import { loadConfig } from '../lib/config';
import { parseHighlightsQuery } from '../lib/query';

export const handler = apiRoute(async (event, context) => {
  const { highlights, freshUntil } = await getHighlights(parseHighlightsQuery(event.queryStringParameters), deadlineOf(context));
  const response = jsonResponse(200, highlights) as ReturnType<typeof jsonResponse> & { body: string };
  return cachedResponse(event, response, { freshUntil, staleWhileRevalidateSeconds: loadConfig().cacheSeconds });
});
