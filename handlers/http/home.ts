/** GET /: what the service is, whose listening it shows, the card builder (a GET form to this page), and every endpoint. */
import { homePage, renderHomeError, snippetBase } from '../../lib/features/home/home';
import { whoseListening } from '../../lib/features/home/whose';
import { pageHeaders } from '../../lib/http/html';
import { htmlResponse } from '../../lib/http/responses';
import { route } from '../../lib/http/route';

/** The builder's form sends to this page itself; the page runs no script. */
const HOME_HEADERS = pageHeaders({ formAction: 'self' });

export const handler = route({ format: 'html', renderError: renderHomeError }, async (event) => {
  const body = homePage({
    whose: await whoseListening(),
    params: event.queryStringParameters,
    base: snippetBase({ host: event.headers?.host, domainName: event.requestContext?.domainName }),
  });
  return htmlResponse(200, body, [], HOME_HEADERS);
});
