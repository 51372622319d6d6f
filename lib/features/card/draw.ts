/**
 * What every card shares: the themes, the frame, the kinds of text, pictures and their
 * placeholders, and the message card. Everything a card shows is inside the file (images as data:
 * URIs, no fonts or links to load), because image proxies such as GitHub's and an SVG shown
 * through <img> load nothing external. Every text is escaped and fitted to its space here
 * (textAt) and nowhere else. Every position comes from the card's look (look.ts): its width,
 * whether it draws pictures, its colours.
 */
import type { Look } from './look';
import type { Colour, Palette } from './themes';
import { fitText, wrapText, type TextStyle } from './text-width';

export { PALETTES, THEMES, themeOr, type Theme } from './themes';

export const HEADER = 64;
const TITLE_LINE = 21;
/** Where a header's title starts, right of the accent dot. */
const TITLE_X = 44;

const FONT = "system-ui,-apple-system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif";

/** Every kind of text the cards draw: the CSS and the width estimate both come from here. */
const TEXTS = {
  title: { size: 17, weight: 700, colour: 'text' },
  headline: { size: 16, weight: 700, colour: 'text' },
  name: { size: 14, weight: 600, colour: 'text' },
  status: { size: 12, weight: 600, colour: 'muted' },
  sub: { size: 12, weight: 400, colour: 'muted' },
  detail: { size: 12, weight: 400, colour: 'muted' },
  rank: { size: 12, weight: 600, colour: 'muted' },
  foot: { size: 12, weight: 400, colour: 'muted' },
  mark: { size: 18, weight: 400, colour: 'muted' },
  bigmark: { size: 40, weight: 400, colour: 'muted' },
} satisfies Record<string, TextStyle & { colour: Colour }>;

export type TextKind = keyof typeof TEXTS;

export function styleOf(kind: TextKind): TextStyle {
  return TEXTS[kind];
}

// Characters XML 1.0 forbids (most C0 controls, lone surrogates, U+FFFE/U+FFFF) would make the whole SVG unreadable.
const NOT_XML = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g; // eslint-disable-line no-control-regex

/** Text made safe for XML content and attribute values. */
export function xmlEscape(text: string): string {
  return text.replace(NOT_XML, '').replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** One line of text, cut with an ellipsis to `width` px when given, escaped. */
export function textAt(kind: TextKind, x: number, y: number, text: string, options: { width?: number; anchor?: 'end' | 'middle'; extraClass?: string } = {}): string {
  const shown = options.width === undefined ? text : fitText(text, options.width, TEXTS[kind]);
  const anchor = options.anchor ? ` text-anchor="${options.anchor}"` : '';
  const classes = options.extraClass ? `${kind} ${options.extraClass}` : kind;
  return `<text x="${x}" y="${y}"${anchor} class="${classes}">${xmlEscape(shown)}</text>`;
}

export type Shape = 'round' | 'square';

/**
 * The pictures of one card: each is one <image> in <defs>, drawn with <use>, so a cover shown on
 * several rows (an album played track after track) is in the file once.
 */
export function pictureSheet(colours: Palette) {
  const ids = new Map<string, string>();
  const defs: string[] = [];
  return {
    /** The picture (a data: URI) at x, y, `size` px square, cropped to `shape`; null draws the placeholder. */
    place(dataUri: string | null, x: number, y: number, size: number, shape: Shape): string {
      if (!dataUri) return placeholder(colours.empty, x, y, size, shape);
      const key = `${size} ${dataUri}`;
      let id = ids.get(key);
      if (!id) {
        id = `p${ids.size}`;
        ids.set(key, id);
        defs.push(`<image id="${id}" href="${xmlEscape(dataUri)}" width="${size}" height="${size}" preserveAspectRatio="xMidYMid slice"/>`);
      }
      return `<use href="#${id}" x="${x}" y="${y}" clip-path="url(#${shape})"/>`;
    },
    defs: () => defs.join(''),
  };
}

function placeholder(fill: string, x: number, y: number, size: number, shape: Shape): string {
  const disc = shape === 'round' ? `<circle cx="${x + size / 2}" cy="${y + size / 2}" r="${size / 2}" fill="${fill}"/>` : `<rect x="${x}" y="${y}" width="${size}" height="${size}" rx="${size * 0.09}" fill="${fill}"/>`;
  const kind = size > 60 ? 'bigmark' : 'mark';
  return `${disc}${textAt(kind, x + size / 2, y + size / 2 + TEXTS[kind].size / 3, '♪', { anchor: 'middle' })}`;
}

export interface FrameParts {
  look: Look;
  height: number;
  /** What the card shows, for screen readers. */
  label: string;
  body: string;
  /** The card's own CSS, after the shared text styles. */
  css?: string;
  /** Its pictures (pictureSheet().defs()). */
  defs?: string;
}

/** The frame: `look.width` wide, its corners `look.radius`, stroked unless `look.border` is off. */
export function frame({ look, height, label, body, css = '', defs = '' }: FrameParts): string {
  const { colours, width } = look;
  const texts = Object.entries(TEXTS)
    .map(([kind, text]) => `.${kind}{font-size:${text.size}px;font-weight:${text.weight};fill:${colours[text.colour]}}`)
    .join('');
  // A stroke is centred on the edge: half a pixel in keeps all of it inside.
  const edge = look.border
    ? `<rect x=".5" y=".5" width="${width - 1}" height="${height - 1}" rx="${look.radius}" fill="${colours.bg}" stroke="${colours.line}"/>`
    : `<rect width="${width}" height="${height}" rx="${look.radius}" fill="${colours.bg}"/>`;
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="${xmlEscape(label)}">` +
    `<title>${xmlEscape(label)}</title><style>text{font-family:${FONT}}${texts}.accent{fill:${colours.accent}}${css}</style>` +
    `<defs><clipPath id="round" clipPathUnits="objectBoundingBox"><circle cx=".5" cy=".5" r=".5"/></clipPath>` +
    `<clipPath id="square" clipPathUnits="objectBoundingBox"><rect width="1" height="1" rx=".08"/></clipPath>${defs}</defs>` +
    edge +
    body +
    `</svg>`
  );
}

/** A card's header: the accent dot, its title (on up to `titleLines` lines) and subtitle; `shift` is how much lower than one line it ends. */
export function header(look: Look, title: string, subtitle: string, titleLines = 1): { svg: string; shift: number } {
  const width = look.right - TITLE_X;
  const titles = titleLines > 1 ? wrapText(title, width, TEXTS.title).slice(0, titleLines) : [title];
  const shift = (titles.length - 1) * TITLE_LINE;
  const svg =
    `<circle cx="28" cy="32" r="8" class="accent"/>` +
    titles.map((line, index) => textAt('title', TITLE_X, 30 + index * TITLE_LINE, line, { width })).join('') +
    textAt('sub', TITLE_X, 48 + shift, subtitle, { width });
  return { svg, shift };
}

/**
 * A card carrying a message instead of listening: to reconnect, or why there is no card. Its
 * title may take two lines; it takes the look's colours, width and frame, never its title (the
 * message's own is the point).
 */
export function messageCard(title: string, message: string, look: Look): string {
  const top = header(look, title, 'spotify-highlights', 2);
  const lines = wrapText(message, look.right - TITLE_X, TEXTS.detail).slice(0, 4);
  const body = lines.map((line, index) => textAt('detail', TITLE_X, HEADER + top.shift + 10 + index * 18, line)).join('');
  const height = HEADER + top.shift + lines.length * 18 + 20;
  return frame({ look, height, label: `${title}. ${message}`, body: top.svg + body });
}
