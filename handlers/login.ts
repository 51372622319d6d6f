/** GET /login: sends the owner's browser to Spotify's consent page. */
import { pageRoute, redirectResponse } from '../lib/http';
import { startLogin } from '../lib/oauth';

export const handler = pageRoute(async (event) => {
  const { location, cookie } = await startLogin(event);
  return redirectResponse(location, [cookie]);
});
