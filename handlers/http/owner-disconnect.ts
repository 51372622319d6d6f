/** POST /owner/disconnect: forgets the owner's account (history unless kept, tokens, settings, results, logins, sessions), for the owner's session only. */
import { disconnect } from '../../lib/features/console/console';
import { disconnectedPage, HISTORY_LEFT_HEADERS, historyLeftPage, renderConsoleError } from '../../lib/features/console/pages';
import { bodyField } from '../../lib/http/body';
import { htmlResponse } from '../../lib/http/responses';
import { route } from '../../lib/http/route';

export const handler = route({ format: 'html', renderError: renderConsoleError, methods: ['POST'], body: 'form', caller: 'owner' }, async (event) => {
  const keepHistory = bodyField(event, 'keepHistory') === 'yes';
  const done = await disconnect({ cookies: event.cookies, domainName: event.requestContext?.domainName ?? '' }, { keepHistory });
  if (done.outcome === 'history_left') return htmlResponse(200, historyLeftPage(done.deleted), [], HISTORY_LEFT_HEADERS);
  return htmlResponse(200, disconnectedPage(done.keptHistory), [done.clearCookie]);
});
