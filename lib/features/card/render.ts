/**
 * The list card of /card.svg: a top list (ranked rows, each with how it moved since the snapshot
 * compared with, when there is one), or the last plays (rows with when each was played), one row
 * per item with its picture (or none, with images off), as one self-contained SVG (see draw.ts),
 * as wide as its look asks.
 */
import type { Ranks } from '../../listening/ranks';
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
  /** A ranked row's move since the snapshot: places up (negative: down), or new to the list; absent when unchanged or with no snapshot. */
  movement?: number | 'new';
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

/** How the item now at `rank` moved since `previous` (the snapshot's ranks), if it did. */
export function movementOf(previous: Ranks | undefined, id: string, rank: number): CardItem['movement'] {
  if (!previous) return undefined;
  const before = previous.get(id);
  if (before === undefined) return 'new';
  return before === rank ? undefined : before - rank;
}

/**
 * What the card shows for a top list (every item given: the caller takes the rows it wants), drawn
 * as `options` ask; with `previous` (the ranks of the snapshot compared with) each row's movement.
 */
export function cardContent(list: TopList, options: Partial<LookOptions>, pictureOf: PictureOf, previous?: Ranks): CardContent {
  const look = lookOf(options);
  const picture = (item: Pictured) => (look.images ? pictureOf(item) : null);
  const moved = (id: string, index: number) => {
    const movement = movementOf(previous, id, index + 1);
    return movement === undefined ? {} : { movement };
  };
  const subtitle = `On Spotify, ${PERIODS[list.timeRange]}`;
  const empty = 'Nothing here yet: Spotify has no listening history for this period.';
  if (list.type === 'artists') {
    const items = list.items.map((artist, index) => ({ name: artist.name, detail: artist.genres.slice(0, 3).join(', '), image: picture(artist), ...moved(artist.id, index) }));
    return { title: look.title ?? 'Top artists', subtitle, items, shape: 'round', ranked: true, empty, look };
  }
  const items = list.items.map((track, index) => ({ name: track.name, detail: track.artists.join(', '), image: picture(track), ...moved(track.id, index) }));
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

/** The mark beside a rank: ▲n in the accent colour, ▼n muted, NEW in the accent colour. */
function mark(movement: NonNullable<CardItem['movement']>): { text: string; words: string; accent: boolean } {
  if (movement === 'new') return { text: 'NEW', words: 'new', accent: true };
  return movement > 0 ? { text: `▲${movement}`, words: `up ${movement}`, accent: true } : { text: `▼${-movement}`, words: `down ${-movement}`, accent: false };
}

/** The rank column's centre when rows carry marks (the picture starts at 44). */
const MARKED_RANK_X = 24;
const MARK_WIDTH = 40;

/**
 * The row's rank. Without marks in the card, right-aligned and centred in the row; with them,
 * every rank centred in its column, and a row that moved has its mark under the rank.
 */
function rankOf(item: CardItem, index: number, top: number, marked: boolean): string {
  const rank = String(index + 1);
  if (!marked) return textAt('rank', 28, top + ROW / 2 + 4, rank, { anchor: 'end' });
  if (item.movement === undefined) return textAt('rank', MARKED_RANK_X, top + ROW / 2 + 4, rank, { anchor: 'middle' });
  const { text, accent } = mark(item.movement);
  return (
    textAt('rank', MARKED_RANK_X, top + 25, rank, { anchor: 'middle' }) +
    textAt('detail', MARKED_RANK_X, top + 43, text, { anchor: 'middle', width: MARK_WIDTH, ...(accent ? { extraClass: 'accent' } : {}) })
  );
}

function row(item: CardItem, index: number, content: CardContent, pictures: ReturnType<typeof pictureSheet>, marked: boolean): string {
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
    (content.ranked ? rankOf(item, index, top, marked) : '') +
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
  const marked = content.ranked && content.items.some((item) => item.movement !== undefined);
  const rows = content.items.length
    ? content.items.map((item, index) => row(item, index, content, pictures, marked)).join('')
    : wrapText(content.empty, look.right - 44, styleOf('detail'))
        .slice(0, 2)
        .map((line, index) => textAt('detail', 44, HEADER + 24 + index * 18, line))
        .join('');
  const height = HEADER + Math.max(content.items.length, 1) * ROW + FOOTER;
  const footer = textAt('foot', look.right, height - 14, 'Data from Spotify', { anchor: 'end' });
  const noteOf = (item: CardItem) => item.aside ?? (content.ranked && item.movement !== undefined ? mark(item.movement).words : undefined);
  const shown =
    content.items
      .map((item) => {
        const note = noteOf(item);
        return note ? `${item.name} (${note})` : item.name;
      })
      .join(', ') || 'none yet';
  const label = `${content.title}, ${content.subtitle.replace(/^On/, 'on')}: ${shown}`;
  return frame({ look, height, label, body: header(look, content.title, content.subtitle).svg + rows + footer, defs: pictures.defs() });
}
