/** GET /callback: Spotify sends the owner back here; on success the tokens are stored. */
import { deadlineOf, htmlResponse, pageRoute } from '../lib/http';
import { finishLogin } from '../lib/connect-owner';
import { connectedPage } from '../lib/pages';

export const handler = pageRoute(async (event, context) => {
  const connected = await finishLogin(event, deadlineOf(context));
  return htmlResponse(200, connectedPage(connected.highlightsUrl, connected.displayName), [connected.clearCookie]);
});
