/** GET /status: whether the owner is connected, until when, and how dealings with Spotify went. */
import { getStatus } from '../../lib/features/status/status';
import { jsonResponse } from '../../lib/http/responses';
import { route } from '../../lib/http/route';

export const handler = route({ format: 'json' }, async () => jsonResponse(200, await getStatus(), { 'Cache-Control': 'no-store' }));
