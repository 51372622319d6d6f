/** GET and PUT /owner/settings: the owner's settings as JSON, for the owner's session only. */
import { changeSettings, readSettings } from '../../lib/features/console/console';
import { jsonResponse } from '../../lib/http/responses';
import { route } from '../../lib/http/route';

export const handler = route({ format: 'json', methods: ['GET', 'PUT'], body: 'json', caller: 'owner' }, async (event) => {
  const request = { cookies: event.cookies, domainName: event.requestContext?.domainName ?? '' };
  const settings = event.requestContext?.http?.method === 'PUT' ? await changeSettings(request, event.body) : await readSettings(request);
  return jsonResponse(200, settings, { 'Cache-Control': 'no-store' });
});
