/** GET /owner: the owner's console (their standing in words and the settings); without the owner's session, to /login. */
import { openConsole, signInUrl } from '../../lib/features/console/console';
import { CONSOLE_HEADERS, consolePage, renderConsoleError } from '../../lib/features/console/pages';
import { htmlResponse, redirectResponse } from '../../lib/http/responses';
import { route } from '../../lib/http/route';

export const handler = route({ format: 'html', renderError: renderConsoleError, caller: 'owner' }, async (event) => {
  const request = { cookies: event.cookies, domainName: event.requestContext?.domainName ?? '' };
  const view = await openConsole(request);
  return view ? htmlResponse(200, consolePage(view), [], CONSOLE_HEADERS) : redirectResponse(signInUrl(request));
});
