/** GET /login: sends the owner's browser to Spotify's consent page (first to the redirect URI's host, if it came by another). */
import { renderErrorPage } from '../../lib/features/connect/pages';
import { MOVED, startLogin } from '../../lib/features/connect/login';
import { redirectResponse } from '../../lib/http/responses';
import { route } from '../../lib/http/route';

export const handler = route({ format: 'html', renderError: renderErrorPage }, async (event) => {
  const { location, cookie } = await startLogin({
    domainName: event.requestContext?.domainName ?? '',
    host: event.headers?.host,
    moved: event.queryStringParameters?.[MOVED] !== undefined,
  });
  return redirectResponse(location, cookie ? [cookie] : []);
});
