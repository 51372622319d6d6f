/** GET /login: sends the owner's browser to Spotify's consent page. */
import { renderErrorPage } from '../../lib/features/connect/pages';
import { startLogin } from '../../lib/features/connect/login';
import { redirectResponse } from '../../lib/http/responses';
import { route } from '../../lib/http/route';

export const handler = route({ format: 'html', renderError: renderErrorPage }, async (event) => {
  const { location, cookie } = await startLogin(event.requestContext?.domainName ?? '');
  return redirectResponse(location, [cookie]);
});
