/**
 * GET /card.svg: the first `limit` of the owner's top list, drawn with its pictures. While Spotify
 * refuses the authorization the card never draws the last good list: it is where the owner will
 * notice, so it asks them to reconnect (see error-card.ts).
 */
import { topList } from '../../listening/top-lists';
import { ReauthorizationRequired } from '../../platform/errors';
import type { Deadline, Freshness } from '../../platform/time';
import { imageDataUris } from './images';
import type { CardQuery } from './query';
import { cardContent, renderCard } from './render';

export interface Card {
  svg: string;
  freshness: Freshness;
}

export async function topListCard(query: CardQuery, deadline: Deadline): Promise<Card> {
  const { value: list, freshness, staleBecause } = await topList(query.type, query.timeRange, deadline);
  if (staleBecause instanceof ReauthorizationRequired) throw staleBecause;
  const shown = { ...list, items: list.items.slice(0, query.limit) } as typeof list;
  const images = await imageDataUris(shown.items.map((item) => item.image), deadline);
  const svg = renderCard(cardContent(shown, query.theme, images));
  // A placeholder for an image that failed is not worth keeping: caches revalidate next time.
  const complete = [...images.values()].every(Boolean);
  return { svg, freshness: complete ? freshness : { ...freshness, freshUntil: Date.now() } };
}
