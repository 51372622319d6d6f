/** GET /now-playing.svg: what the owner plays now, or played last, as an embeddable SVG card, for anyone. */
import { renderCardError } from '../../lib/features/card/error-card';
import { nowPlayingCardFor } from '../../lib/features/card/now-playing';
import { cachedResponse } from '../../lib/http/caching';
import { svgResponse } from '../../lib/http/responses';
import { route } from '../../lib/http/route';

export const handler = route({ format: 'svg', renderError: renderCardError }, async (event) => {
  const { svg, freshness } = await nowPlayingCardFor(event.queryStringParameters);
  return cachedResponse(event, svgResponse(200, svg), freshness);
});
