/**
 * The list card of /card.svg: a top list (ranked rows), or the last plays (rows with when each
 * was played), one row per item with its picture, as one self-contained SVG (see draw.ts).
 */
import type { TopList } from '../../listening/top-lists';
import type { Play, TimeRange } from '../../spotify/types';
import { frame, header, HEADER, pictureSheet, RIGHT, styleOf, textAt, type Shape, type Theme } from './draw';
import type { Pictured } from './images';
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
  /** A data: URI, or null for the placeholder. */
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
  theme: Theme;
}

/** An item's picture as a data: URI (null: the placeholder), as loadPictures answers it. */
export type PictureOf = (item: Pictured) => string | null;

const PERIODS: Record<TimeRange, string> = {
  short_term: 'the last 4 weeks',
  medium_term: 'the last 6 months',
  long_term: 'the last year',
};

/** What the card shows for a top list (every item given: the caller takes the rows it wants). */
export function cardContent(list: TopList, theme: Theme, pictureOf: PictureOf): CardContent {
  const subtitle = `On Spotify, ${PERIODS[list.timeRange]}`;
  const empty = 'Nothing here yet: Spotify has no listening history for this period.';
  if (list.type === 'artists') {
    const items = list.items.map((artist) => ({ name: artist.name, detail: artist.genres.slice(0, 3).join(', '), image: pictureOf(artist) }));
    return { title: 'Top artists', subtitle, items, shape: 'round', ranked: true, empty, theme };
  }
  const items = list.items.map((track) => ({ name: track.name, detail: track.artists.join(', '), image: pictureOf(track) }));
  return { title: 'Top tracks', subtitle, items, shape: 'square', ranked: true, empty, theme };
}

/** What the card shows for the last plays, newest first, each with how long ago it was played at `now`. */
export function recentContent(plays: Play[], theme: Theme, pictureOf: PictureOf, now: number): CardContent {
  const items = plays.map(({ track, playedAt }) => ({
    name: track.name,
    detail: track.artists.join(', '),
    image: pictureOf(track),
    aside: relativeTime(Date.parse(playedAt), now),
  }));
  return { title: 'Recently played', subtitle: 'On Spotify, newest first', items, shape: 'square', ranked: false, empty: 'Nothing here yet: Spotify has no plays to show.', theme };
}

function row(item: CardItem, index: number, content: CardContent, pictures: ReturnType<typeof pictureSheet>): string {
  const top = HEADER + index * ROW;
  const pictureX = content.ranked ? 44 : 16;
  const textX = pictureX + ROW_PICTURE + 12;
  const aside = item.aside ? textAt('detail', RIGHT, top + 25, item.aside, { anchor: 'end' }) : '';
  const nameRight = item.aside ? RIGHT - textWidth(item.aside, styleOf('detail')) - 8 : RIGHT;
  const nameY = item.detail ? top + 25 : top + ROW / 2 + 5;
  return (
    `<g class="item">` +
    (content.ranked ? textAt('rank', 28, top + ROW / 2 + 4, String(index + 1), { anchor: 'end' }) : '') +
    pictures.place(item.image, pictureX, top + (ROW - ROW_PICTURE) / 2, ROW_PICTURE, content.shape) +
    textAt('name', textX, nameY, item.name, { width: nameRight - textX }) +
    aside +
    (item.detail ? textAt('detail', textX, top + 43, item.detail, { width: RIGHT - textX }) : '') +
    `</g>`
  );
}

/** The card with one row per item (the caller caps the count), or a line saying there is nothing yet. */
export function renderCard(content: CardContent): string {
  const pictures = pictureSheet(content.theme);
  const rows = content.items.length
    ? content.items.map((item, index) => row(item, index, content, pictures)).join('')
    : wrapText(content.empty, RIGHT - 44, styleOf('detail'))
        .slice(0, 2)
        .map((line, index) => textAt('detail', 44, HEADER + 24 + index * 18, line))
        .join('');
  const height = HEADER + Math.max(content.items.length, 1) * ROW + FOOTER;
  const footer = textAt('foot', RIGHT, height - 14, 'Data from Spotify', { anchor: 'end' });
  const shown = content.items.map((item) => (item.aside ? `${item.name} (${item.aside})` : item.name)).join(', ') || 'none yet';
  const label = `${content.title}, ${content.subtitle.replace(/^On/, 'on')}: ${shown}`;
  return frame({ theme: content.theme, height, label, body: header(content.title, content.subtitle).svg + rows + footer, defs: pictures.defs() });
}
