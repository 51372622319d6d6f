/**
 * GET /card.svg: the first `limit` of the owner's top list (each row with how it moved since the
 * snapshot of `compare` days ago, when the history holds one), or of their last plays, drawn with
 * their pictures. While Spotify refuses the authorization a card never draws the last good
 * result: it is where the owner will notice, so it asks them to reconnect (see error-card.ts).
 */
import type { ListeningResult } from '../../listening/cached-source';
import { topListWithRanks } from '../../listening/ranks';
import { recentPlays } from '../../listening/recently-played';
import { ReauthorizationRequired } from '../../platform/errors';
import { withOwnerDefaults, type OwnerView } from '../../owner/standing';
import type { Freshness } from '../../platform/time';
import type { Params } from '../../platform/validation';
import { loadPictures, type CardPictures } from './images';
import { parseCardQuery, type CardQuery } from './query';
import { cardContent, recentContent, renderCard, ROW_PICTURE } from './render';

export interface Card {
  svg: string;
  freshness: Freshness;
}

/** The result a card draws: never the last good one of an authorization Spotify refused. */
export function drawable<R extends ListeningResult<unknown>>(result: R): R {
  if (result.staleBecause instanceof ReauthorizationRequired) throw result.staleBecause;
  return result;
}

/** A placeholder for a picture that failed is not worth keeping: caches revalidate next time. */
export function keptFor(freshness: Freshness, pictures: CardPictures): Freshness {
  return pictures.complete ? freshness : { ...freshness, freshUntil: Date.now() };
}

/** GET /card.svg's answer to its query parameters. */
export async function listCardFor(params: Params): Promise<Card> {
  const { query, view } = await withOwnerDefaults((defaults) => parseCardQuery(params, defaults));
  return listCard(query, view);
}

export async function listCard(query: CardQuery, view?: OwnerView): Promise<Card> {
  if (query.type === 'recent') {
    const { value: plays, freshness } = drawable(await recentPlays(view));
    const shown = plays.slice(0, query.limit);
    const pictures = await loadPictures(query.images ? shown.map((play) => play.track) : [], ROW_PICTURE);
    return { svg: renderCard(recentContent(shown, query, pictures.of, Date.now())), freshness: keptFor(freshness, pictures) };
  }
  const { value: list, freshness, previous } = drawable(await topListWithRanks(query.type, query.timeRange, query.compare, view));
  const shown = { ...list, items: list.items.slice(0, query.limit) } as typeof list;
  const pictures = await loadPictures(query.images ? shown.items : [], ROW_PICTURE);
  return { svg: renderCard(cardContent(shown, query, pictures.of, previous)), freshness: keptFor(freshness, pictures) };
}
