/** GET /highlights: the owner's top artists or tracks as JSON, for anyone. */
import { highlightsFor } from '../../lib/features/highlights/highlights';
import { cachedResponse } from '../../lib/http/caching';
import { jsonResponse } from '../../lib/http/responses';
import { route } from '../../lib/http/route';

export const handler = route({ format: 'json' }, async (event) => {
  const { highlights, freshness } = await highlightsFor(event.queryStringParameters);
  return cachedResponse(event, jsonResponse(200, highlights), freshness);
});
