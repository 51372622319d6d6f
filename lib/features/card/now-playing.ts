/**
 * GET /now-playing.svg: what the owner plays now (or paused), else the last track played, as a
 * card drawn at the moment of the request. A card whose bar moves is kept by caches no longer
 * than the now-playing result is fresh, nor past the item's end, when the card would be wrong.
 */
import { nowPlaying } from '../../listening/now-playing';
import { withOwnerDefaults, type OwnerView } from '../../owner/standing';
import type { Params } from '../../platform/validation';
import { drawable, keptFor, type Card } from './card';
import { loadPictures } from './images';
import { COVER, nowPlayingContent, renderNowPlaying } from './now-playing-render';
import { parseNowPlayingCardQuery, type NowPlayingCardQuery } from './query';

/** GET /now-playing.svg's answer to its query parameters (the owner's default theme for an omitted one). */
export async function nowPlayingCardFor(params: Params): Promise<Card> {
  const { query, view } = await withOwnerDefaults((defaults) => parseNowPlayingCardQuery(params, defaults));
  return nowPlayingCard(query, view);
}

export async function nowPlayingCard(query: NowPlayingCardQuery, view?: OwnerView): Promise<Card> {
  const { value, freshness } = drawable(await nowPlaying(view));
  const pictures = await loadPictures(value.item && query.images ? [value.item] : [], COVER);
  const at = Date.now();
  const content = nowPlayingContent(value, freshness, at, query, pictures.of);
  const movingUntil = content.progress?.movingMs ? at + content.progress.movingMs : Infinity;
  const kept = keptFor(freshness, pictures);
  return { svg: renderNowPlaying(content), freshness: { ...kept, freshUntil: Math.min(kept.freshUntil, movingUntil) } };
}
