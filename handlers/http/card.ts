/** GET /card.svg: the owner's top artists or tracks, or last plays, as an embeddable SVG card, for anyone. */
import { listCardFor } from '../../lib/features/card/card';
import { renderCardError } from '../../lib/features/card/error-card';
import { cachedResponse } from '../../lib/http/caching';
import { svgResponse } from '../../lib/http/responses';
import { route } from '../../lib/http/route';

export const handler = route({ format: 'svg', renderError: renderCardError }, async (event) => {
  const { svg, freshness } = await listCardFor(event.queryStringParameters);
  return cachedResponse(event, svgResponse(200, svg), freshness);
});
