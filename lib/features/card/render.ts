/**
 * Drawing the embeddable card: a top list, or a message, as one self-contained SVG. Everything it
 * shows is inside the file (images as data: URIs, no fonts or links to load), because image
 * proxies such as GitHub's and an SVG shown through <img> load nothing external. Every text is
 * XML-escaped here and nowhere else.
 */
import type { TopList } from '../../listening/top-lists';
import type { TimeRange } from '../../spotify/types';

export const THEMES = ['light', 'dark'] as const;
export type Theme = (typeof THEMES)[number];

/** The theme asked for, or light: a card about a bad query still follows the page's theme when it can. */
export function themeOr(value: string | undefined): Theme {
  return value === 'dark' ? 'dark' : 'light';
}

export interface CardItem {
  name: string;
  /** Genres for an artist, the artists for a track. */
  detail: string;
  /** A data: URI, or null for the placeholder. */
  image: string | null;
}

export interface CardContent {
  title: string;
  subtitle: string;
  items: CardItem[];
  /** Artists are drawn round, album covers square, as Spotify does. */
  shape: 'round' | 'square';
  theme: Theme;
}

const CARD_WIDTH = 400;
const HEADER = 64;
const ROW = 56;
const FOOTER = 32;
const IMAGE = 44;
const NAME_CHARS = 34;
const DETAIL_CHARS = 44;

const PALETTES: Record<Theme, Record<'bg' | 'line' | 'text' | 'muted' | 'accent' | 'empty', string>> = {
  light: { bg: '#ffffff', line: '#e4e4e0', text: '#191414', muted: '#5e5e5e', accent: '#1db954', empty: '#e8e8e6' },
  dark: { bg: '#121212', line: '#2e2e2e', text: '#f2f2f2', muted: '#a9a9a9', accent: '#1ed760', empty: '#2e2e2e' },
};

const FONT = "system-ui,-apple-system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif";

// Characters XML 1.0 forbids (most C0 controls, lone surrogates, U+FFFE/U+FFFF) would make the whole SVG unreadable.
const NOT_XML = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g; // eslint-disable-line no-control-regex

/** Text made safe for XML content and attribute values. */
export function xmlEscape(text: string): string {
  return text.replace(NOT_XML, '').replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** At most `max` characters (code points, so an emoji is never cut in half), with an ellipsis when cut. */
export function truncate(text: string, max: number): string {
  const chars = Array.from(text.trim());
  return chars.length <= max ? chars.join('') : `${chars.slice(0, max - 1).join('').trimEnd()}…`;
}

const PERIODS: Record<TimeRange, string> = {
  short_term: 'the last 4 weeks',
  medium_term: 'the last 6 months',
  long_term: 'the last year',
};

/**
 * What the card shows for a top list (every item given: the caller takes the rows it wants);
 * `images` maps an item's image URL to its data: URI.
 */
export function cardContent(list: TopList, theme: Theme, images: ReadonlyMap<string, string | null>): CardContent {
  const dataUri = (url: string | null) => (url ? (images.get(url) ?? null) : null);
  const subtitle = `On Spotify, ${PERIODS[list.timeRange]}`;
  if (list.type === 'artists') {
    const items = list.items.map((artist) => ({ name: artist.name, detail: artist.genres.slice(0, 3).join(', '), image: dataUri(artist.image) }));
    return { title: 'Top artists', subtitle, items, shape: 'round', theme };
  }
  const items = list.items.map((track) => ({ name: track.name, detail: track.artists.join(', '), image: dataUri(track.image) }));
  return { title: 'Top tracks', subtitle, items, shape: 'square', theme };
}

function frame(theme: Theme, height: number, label: string, body: string): string {
  const colours = PALETTES[theme];
  const style =
    `text{font-family:${FONT}}.title{font-size:17px;font-weight:700;fill:${colours.text}}` +
    `.sub,.detail,.rank,.foot{font-size:12px;fill:${colours.muted}}.name{font-size:14px;font-weight:600;fill:${colours.text}}` +
    `.rank{font-weight:600}.accent{fill:${colours.accent}}.mark{font-size:18px;fill:${colours.muted}}`;
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${CARD_WIDTH}" height="${height}" viewBox="0 0 ${CARD_WIDTH} ${height}" role="img" aria-label="${xmlEscape(label)}">` +
    `<title>${xmlEscape(label)}</title><style>${style}</style>` +
    `<defs><clipPath id="round" clipPathUnits="objectBoundingBox"><circle cx=".5" cy=".5" r=".5"/></clipPath>` +
    `<clipPath id="square" clipPathUnits="objectBoundingBox"><rect width="1" height="1" rx=".08"/></clipPath></defs>` +
    `<rect x=".5" y=".5" width="${CARD_WIDTH - 1}" height="${height - 1}" rx="12" fill="${colours.bg}" stroke="${colours.line}"/>` +
    body +
    `</svg>`
  );
}

function row(item: CardItem, index: number, content: CardContent): string {
  const colours = PALETTES[content.theme];
  const top = HEADER + index * ROW;
  const imageY = top + (ROW - IMAGE) / 2;
  const picture = item.image
    ? `<image href="${xmlEscape(item.image)}" x="44" y="${imageY}" width="${IMAGE}" height="${IMAGE}" preserveAspectRatio="xMidYMid slice" clip-path="url(#${content.shape})"/>`
    : content.shape === 'round'
      ? `<circle cx="${44 + IMAGE / 2}" cy="${imageY + IMAGE / 2}" r="${IMAGE / 2}" fill="${colours.empty}"/>`
      : `<rect x="44" y="${imageY}" width="${IMAGE}" height="${IMAGE}" rx="4" fill="${colours.empty}"/>`;
  const placeholderMark = item.image ? '' : `<text x="${44 + IMAGE / 2}" y="${imageY + IMAGE / 2 + 6}" text-anchor="middle" class="mark">♪</text>`;
  const nameY = item.detail ? top + 25 : top + ROW / 2 + 5;
  return (
    `<g class="item">` +
    `<text x="28" y="${top + ROW / 2 + 4}" text-anchor="end" class="rank">${index + 1}</text>` +
    picture +
    placeholderMark +
    `<text x="100" y="${nameY}" class="name">${xmlEscape(truncate(item.name, NAME_CHARS))}</text>` +
    (item.detail ? `<text x="100" y="${top + 43}" class="detail">${xmlEscape(truncate(item.detail, DETAIL_CHARS))}</text>` : '') +
    `</g>`
  );
}

function header(title: string, subtitle: string): string {
  return (
    `<circle cx="28" cy="32" r="8" class="accent"/>` +
    `<text x="44" y="30" class="title">${xmlEscape(title)}</text>` +
    `<text x="44" y="48" class="sub">${xmlEscape(subtitle)}</text>`
  );
}

/** The card with one row per item (the caller caps the count), or a line saying there is nothing yet. */
export function renderCard(content: CardContent): string {
  const rows = content.items.length
    ? content.items.map((item, index) => row(item, index, content)).join('')
    : `<text x="44" y="${HEADER + 24}" class="detail">Nothing here yet: Spotify has no listening history for this period.</text>`;
  const height = HEADER + Math.max(content.items.length, 1) * ROW + FOOTER;
  const footer = `<text x="${CARD_WIDTH - 16}" y="${height - 14}" text-anchor="end" class="foot">Data from Spotify</text>`;
  const label = `${content.title}, ${content.subtitle.replace(/^On/, 'on')}: ${content.items.map((item) => item.name).join(', ') || 'none yet'}`;
  return frame(content.theme, height, label, header(content.title, content.subtitle) + rows + footer);
}

/** A card carrying a message instead of highlights: to reconnect, or why there is no card. */
export function messageCard(title: string, message: string, theme: Theme): string {
  const words = message.split(/\s+/);
  const lines: string[] = [];
  for (const word of words) {
    const last = lines.at(-1);
    if (last !== undefined && Array.from(`${last} ${word}`).length <= 52) lines[lines.length - 1] = `${last} ${word}`;
    else lines.push(word);
  }
  const shown = lines.slice(0, 4);
  const height = HEADER + shown.length * 18 + 20;
  const body = shown.map((line, index) => `<text x="44" y="${HEADER + 10 + index * 18}" class="detail">${xmlEscape(line)}</text>`).join('');
  return frame(theme, height, `${title}. ${message}`, header(title, 'spotify-highlights') + body);
}
