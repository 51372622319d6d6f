/** GET /highlights: the owner's top artists as JSON, for anyone. */
import { getHighlights } from '../lib/highlights';
import { apiRoute, jsonResponse } from '../lib/http';
import { parseHighlightsQuery } from '../lib/query';

export const handler = apiRoute(async (event) => {
  const highlights = await getHighlights(parseHighlightsQuery(event.queryStringParameters));
  return jsonResponse(200, highlights, { 'Cache-Control': 'no-store' });
});
