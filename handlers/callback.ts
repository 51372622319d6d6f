/** GET /callback: Spotify sends the owner back here; on success the tokens are stored. */
import { htmlResponse, pageRoute } from '../lib/http';
import { finishLogin } from '../lib/oauth';
import { connectedPage } from '../lib/pages';

export const handler = pageRoute(async (event) => {
  const connected = await finishLogin(event);
  return htmlResponse(200, connectedPage(connected.highlightsUrl, connected.displayName), [connected.clearCookie]);
});
