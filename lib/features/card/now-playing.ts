/**
 * GET /now-playing.svg: what the owner plays now (or paused), else the last track played, as a
 * card drawn at the moment of the request. A card whose bar moves is kept by caches no longer
 * than the now-playing result is fresh, nor past the item's end, when the card would be wrong.
 */
import { nowPlaying } from '../../listening/now-playing';
import type { Deadline } from '../../platform/time';
import { drawable, keptFor, type Card } from './card';
import { loadPictures } from './images';
import { COVER, nowPlayingContent, renderNowPlaying } from './now-playing-render';
import type { NowPlayingCardQuery } from './query';

export async function nowPlayingCard(query: NowPlayingCardQuery, deadline: Deadline): Promise<Card> {
  const { value, freshness } = drawable(await nowPlaying(deadline));
  const pictures = await loadPictures(value.item && query.images ? [value.item] : [], COVER, deadline);
  const at = Date.now();
  const content = nowPlayingContent(value, freshness, at, query, pictures.of);
  const movingUntil = content.progress?.movingMs ? at + content.progress.movingMs : Infinity;
  const kept = keptFor(freshness, pictures);
  return { svg: renderNowPlaying(content), freshness: { ...kept, freshUntil: Math.min(kept.freshUntil, movingUntil) } };
}
