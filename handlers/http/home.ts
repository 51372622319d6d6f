/** GET /: a short page that links /login, /status and the endpoints. */
import { homePage, renderHomeError } from '../../lib/features/home/home';
import { htmlResponse } from '../../lib/http/responses';
import { route } from '../../lib/http/route';

export const handler = route({ format: 'html', renderError: renderHomeError }, async () => htmlResponse(200, homePage()));
