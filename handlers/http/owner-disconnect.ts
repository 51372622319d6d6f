/** POST /owner/disconnect: forgets the owner's account (tokens, settings, results, logins, sessions), for the owner's session only. */
import { disconnect } from '../../lib/features/console/console';
import { disconnectedPage, renderConsoleError } from '../../lib/features/console/pages';
import { htmlResponse } from '../../lib/http/responses';
import { route } from '../../lib/http/route';

export const handler = route({ format: 'html', renderError: renderConsoleError, methods: ['POST'], body: 'form', caller: 'owner' }, async (event) => {
  const { clearCookie } = await disconnect({ cookies: event.cookies, domainName: event.requestContext?.domainName ?? '' });
  return htmlResponse(200, disconnectedPage(), [clearCookie]);
});
