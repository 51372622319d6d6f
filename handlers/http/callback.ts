/** GET /callback: Spotify sends the owner back here; on success the tokens are stored. */
import { finishLogin } from '../../lib/features/connect/callback';
import { connectedPage, renderErrorPage } from '../../lib/features/connect/pages';
import { htmlResponse } from '../../lib/http/responses';
import { route } from '../../lib/http/route';

export const handler = route({ format: 'html', renderError: renderErrorPage, caller: 'owner' }, async (event) => {
  const request = { query: event.queryStringParameters, cookies: event.cookies, domainName: event.requestContext?.domainName ?? '' };
  const connected = await finishLogin(request);
  return htmlResponse(200, connectedPage(connected), [connected.clearCookie, connected.sessionCookie]);
});
