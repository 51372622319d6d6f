/** GET /now-playing: what the owner is playing now (or paused), else what they played last, as JSON. */
import { getNowPlaying } from '../../lib/features/player/now-playing';
import { cachedResponse } from '../../lib/http/caching';
import { jsonResponse } from '../../lib/http/responses';
import { route } from '../../lib/http/route';

export const handler = route({ format: 'json' }, async (event) => {
  const { json, freshness } = await getNowPlaying();
  return cachedResponse(event, jsonResponse(200, json), freshness);
});
