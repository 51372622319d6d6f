/** GET /recently-played: the owner's last plays, newest first, as JSON. */
import { getRecentlyPlayed, parseRecentlyPlayedQuery } from '../../lib/features/player/recently-played';
import { cachedResponse } from '../../lib/http/caching';
import { jsonResponse } from '../../lib/http/responses';
import { route } from '../../lib/http/route';

export const handler = route({ format: 'json' }, async (event) => {
  const { json, freshness } = await getRecentlyPlayed(parseRecentlyPlayedQuery(event.queryStringParameters));
  return cachedResponse(event, jsonResponse(200, json), freshness);
});
