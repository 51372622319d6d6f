/** GET /history: what the owner played over a period, from the collected history, as JSON, for anyone. */
import { historyFor } from '../../lib/features/history/history';
import { cachedResponse } from '../../lib/http/caching';
import { jsonResponse } from '../../lib/http/responses';
import { route } from '../../lib/http/route';

export const handler = route({ format: 'json' }, async (event) => {
  const { history, freshness } = await historyFor(event.queryStringParameters);
  return cachedResponse(event, jsonResponse(200, history), freshness);
});
