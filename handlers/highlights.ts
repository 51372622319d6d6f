/** GET /highlights: the owner's top artists as JSON, for anyone. */
import { getHighlights } from '../lib/highlights';
import { apiRoute, deadlineOf, jsonResponse } from '../lib/http';
import { cachedResponse } from '../lib/http-cache';
import { parseHighlightsQuery } from '../lib/query';

export const handler = apiRoute(async (event, context) => {
  const { highlights, freshness } = await getHighlights(parseHighlightsQuery(event.queryStringParameters), deadlineOf(context));
  return cachedResponse(event, jsonResponse(200, highlights), freshness);
});
