/**
 * How wide a text is drawn, estimated, and a text cut with an ellipsis to fit a width. A card
 * shown through <img> runs no script, so it cannot measure its own text: the card measures it here.
 *
 * The card's font is whichever of system-ui, Segoe UI, Roboto, Helvetica and Arial the viewer has:
 * on many Linux desktops system-ui is DejaVu Sans, the widest of them (the system Chromium's font
 * on the test machine; the npm-shipped test browser has only Open Sans). The table gives each
 * class of character an average width, in em, on the wide side of all of those (measured in
 * Chromium for DejaVu Sans, Open Sans and Liberation Sans, which has Arial's metrics), so a fitted
 * text fits in any of them (checked on the sample names: at most the estimate in DejaVu Sans,
 * about 80 % of it in Arial, 85 % in Open Sans), at the cost of cutting a little early there.
 * Emoji and CJK are full width or more. Text is cut between graphemes only: never inside an
 * emoji, a flag, an accented letter or a surrogate pair.
 */

/** A text's size in px and its weight, as the card's CSS draws it. */
export interface TextStyle {
  size: number;
  weight: number;
}

const ELLIPSIS = '…';

const EMOJI = /[\p{Extended_Pictographic}\p{Regional_Indicator}\u20e3]/u;
// Checked in order, on a grapheme's first character once its accents are folded away.
const WIDTHS: [RegExp, number][] = [
  [/[\u1100-\u115f\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff\ua960-\ua97f\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6\u{20000}-\u{3fffd}\u2026]/u, 1],
  [/[\s.,:;'`ijlI\u2018\u2019\u00b7]/u, 0.34],
  [/[frt!|()[\]{}"*\-/\u201c\u201d]/u, 0.45],
  [/[mw]/u, 0.94],
  [/[MW@%]/u, 0.98],
  [/[\p{Lu}&]/u, 0.76],
  [/[0-9]/u, 0.64],
  [/\p{Ll}/u, 0.65],
];
const EMOJI_EM = 1.25;
const OTHER_EM = 0.66;
/** Semibold and bold glyphs are wider: DejaVu Sans's by about a tenth, Open Sans's and Arial's by less. */
const BOLD = 1.1;

const graphemes = new Intl.Segmenter('en', { granularity: 'grapheme' });

function splitGraphemes(text: string): string[] {
  return Array.from(graphemes.segment(text), (part) => part.segment);
}

function emOf(grapheme: string): number {
  // An emoji is one picture, however many characters make it (a flag, a keycap, a family).
  if (EMOJI.test(grapheme)) return EMOJI_EM;
  const base = grapheme.normalize('NFD').replace(/\p{M}/gu, '')[0] ?? '';
  if (!base) return 0;
  return WIDTHS.find(([pattern]) => pattern.test(base))?.[1] ?? OTHER_EM;
}

/** SVG draws runs of white space as one space, and none at the ends. */
function asDrawn(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** px per em: the size, wider for semibold and bold. */
function pxPerEm(style: TextStyle): number {
  return style.size * (style.weight >= 600 ? BOLD : 1);
}

/** The estimated width of `text` in px, drawn in `style`. */
export function textWidth(text: string, style: TextStyle): number {
  return splitGraphemes(asDrawn(text)).reduce((sum, part) => sum + emOf(part), 0) * pxPerEm(style);
}

/** `text` as it is drawn, cut to fit `width` px with an ellipsis when it is too wide. */
export function fitText(text: string, width: number, style: TextStyle): string {
  const drawn = asDrawn(text);
  if (textWidth(drawn, style) <= width) return drawn;
  const parts = splitGraphemes(drawn);
  // Summed in the order textWidth sums the cut text, so the two never disagree by a rounding.
  const fits = (em: number) => (em + emOf(ELLIPSIS)) * pxPerEm(style) <= width;
  let em = 0;
  let kept = 0;
  while (kept < parts.length && fits(em + emOf(parts[kept]!))) em += emOf(parts[kept++]!);
  return `${parts.slice(0, kept).join('').trimEnd()}${ELLIPSIS}`;
}

/** `text` in lines of at most `width` px, broken between words (a word too long for a line is cut). */
export function wrapText(text: string, width: number, style: TextStyle): string[] {
  const lines: string[] = [];
  for (const word of asDrawn(text).split(' ')) {
    const last = lines.at(-1);
    if (last !== undefined && textWidth(`${last} ${word}`, style) <= width) lines[lines.length - 1] = `${last} ${word}`;
    else lines.push(fitText(word, width, style));
  }
  return lines;
}
