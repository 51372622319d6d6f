/** GET /history.svg: what the owner played over a period, from the collected history, as an embeddable SVG card, for anyone. */
import { historyCardFor } from '../../lib/features/card/history-card';
import { renderCardError } from '../../lib/features/card/error-card';
import { cachedResponse } from '../../lib/http/caching';
import { svgResponse } from '../../lib/http/responses';
import { route } from '../../lib/http/route';

export const handler = route({ format: 'svg', renderError: renderCardError }, async (event) => {
  const { svg, freshness } = await historyCardFor(event.queryStringParameters);
  return cachedResponse(event, svgResponse(200, svg), freshness);
});
