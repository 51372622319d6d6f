/**
 * The list card of /card.svg: a top list (ranked rows), or the last plays (rows with when each
 * was played), one row per item with its picture (or none, with images off), as one
 * self-contained SVG (see draw.ts), as wide as its look asks.
 */
import type { TopList } from '../../listening/top-lists';
import type { Play, TimeRange } from '../../spotify/types';
import { frame, header, HEADER, pictureSheet, styleOf, textAt, type Shape } from './draw';
import type { Pictured } from './images';
import { lookOf, type Look, type LookOptions } from './look';
import { relativeTime } from './relative-time';
import { textWidth, wrapText } from './text-width';

/** Rows draw their pictures this size (px, square). */
export const ROW_PICTURE = 44;
const ROW = 56;
const FOOTER = 32;

export interface CardItem {
  name: string;
  /** Genres for an artist, the artists for a track. */
  detail: string;
  /** A data: URI, or null for the placeholder (or nothing, with images off). */
  image: string | null;
  /** Drawn at the row's right, e.g. when it was played. */
  aside?: string;
}

export interface CardContent {
  title: string;
  subtitle: string;
  items: CardItem[];
  /** Artists are drawn round, album covers square, as Spotify does. */
  shape: Shape;
  /** Top lists number their rows; the last plays do not. */
  ranked: boolean;
  /** What the card says when there are no items. */
  empty: string;
  look: Look;
}

/** An item's picture as a data: URI (null: the placeholder), as loadPictures answers it. */
export type PictureOf = (item: Pictured) => string | null;

const PERIODS: Record<TimeRange, string> = {
  short_term: 'the last 4 weeks',
  medium_term: 'the last 6 months',
  long_term: 'the last year',
};

/** What the card shows for a top list (every item given: the caller takes the rows it wants), drawn as `options` ask. */
export function cardContent(list: TopList, options: Partial<LookOptions>, pictureOf: PictureOf): CardContent {
  const look = lookOf(options);
  const picture = (item: Pictured) => (look.images ? pictureOf(item) : null);
  const subtitle = `On Spotify, ${PERIODS[list.timeRange]}`;
  const empty = 'Nothing here yet: Spotify has no listening history for this period.';
  if (list.type === 'artists') {
    const items = list.items.map((artist) => ({ name: artist.name, detail: artist.genres.slice(0, 3).join(', '), image: picture(artist) }));
    return { title: look.title ?? 'Top artists', subtitle, items, shape: 'round', ranked: true, empty, look };
  }
  const items = list.items.map((track) => ({ name: track.name, detail: track.artists.join(', '), image: picture(track) }));
  return { title: look.title ?? 'Top tracks', subtitle, items, shape: 'square', ranked: true, empty, look };
}

/** What the card shows for the last plays, newest first, each with how long ago it was played at `now`. */
export function recentContent(plays: Play[], options: Partial<LookOptions>, pictureOf: PictureOf, now: number): CardContent {
  const look = lookOf(options);
  const items = plays.map(({ track, playedAt }) => ({
    name: track.name,
    detail: track.artists.join(', '),
    image: look.images ? pictureOf(track) : null,
    aside: relativeTime(Date.parse(playedAt), now),
  }));
  const empty = 'Nothing here yet: Spotify has no plays to show.';
  return { title: look.title ?? 'Recently played', subtitle: 'On Spotify, newest first', items, shape: 'square', ranked: false, empty, look };
}

function row(item: CardItem, index: number, content: CardContent, pictures: ReturnType<typeof pictureSheet>): string {
  const { right, images } = content.look;
  const top = HEADER + index * ROW;
  // Right of the rank when ranked; with images off the text takes the picture's place.
  const pictureX = content.ranked ? 44 : 16;
  const textX = images ? pictureX + ROW_PICTURE + 12 : pictureX;
  const aside = item.aside ? textAt('detail', right, top + 25, item.aside, { anchor: 'end' }) : '';
  const nameRight = item.aside ? right - textWidth(item.aside, styleOf('detail')) - 8 : right;
  const nameY = item.detail ? top + 25 : top + ROW / 2 + 5;
  return (
    `<g class="item">` +
    (content.ranked ? textAt('rank', 28, top + ROW / 2 + 4, String(index + 1), { anchor: 'end' }) : '') +
    (images ? pictures.place(item.image, pictureX, top + (ROW - ROW_PICTURE) / 2, ROW_PICTURE, content.shape) : '') +
    textAt('name', textX, nameY, item.name, { width: nameRight - textX }) +
    aside +
    (item.detail ? textAt('detail', textX, top + 43, item.detail, { width: right - textX }) : '') +
    `</g>`
  );
}

/** The card with one row per item (the caller caps the count), or a line saying there is nothing yet. */
export function renderCard(content: CardContent): string {
  const { look } = content;
  const pictures = pictureSheet(look.colours);
  const rows = content.items.length
    ? content.items.map((item, index) => row(item, index, content, pictures)).join('')
    : wrapText(content.empty, look.right - 44, styleOf('detail'))
        .slice(0, 2)
        .map((line, index) => textAt('detail', 44, HEADER + 24 + index * 18, line))
        .join('');
  const height = HEADER + Math.max(content.items.length, 1) * ROW + FOOTER;
  const footer = textAt('foot', look.right, height - 14, 'Data from Spotify', { anchor: 'end' });
  const shown = content.items.map((item) => (item.aside ? `${item.name} (${item.aside})` : item.name)).join(', ') || 'none yet';
  const label = `${content.title}, ${content.subtitle.replace(/^On/, 'on')}: ${shown}`;
  return frame({ look, height, label, body: header(look, content.title, content.subtitle).svg + rows + footer, defs: pictures.defs() });
}
