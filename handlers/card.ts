/** GET /card.svg: the owner's top artists or tracks as an embeddable SVG card, for anyone. */
import { highlightsCard } from '../lib/card';
import { getHighlights } from '../lib/highlights';
import { deadlineOf, imageRoute, svgResponse } from '../lib/http';
import { cachedResponse } from '../lib/http-cache';
import { parseCardQuery } from '../lib/query';

export const handler = imageRoute(async (event, context) => {
  const { theme, ...query } = parseCardQuery(event.queryStringParameters);
  const deadline = deadlineOf(context);
  const { highlights, freshness } = await getHighlights(query, deadline);
  const { svg, complete } = await highlightsCard(highlights, theme, deadline);
  // A placeholder for an image that failed is not worth keeping: caches revalidate next time.
  return cachedResponse(event, svgResponse(200, svg), complete ? freshness : { ...freshness, freshUntil: Date.now() });
});
