/**
 * A card's colours when its author sets some (bg, text, accent) over a theme. WCAG 2's relative
 * luminance and contrast ratio decide what stays readable: with a background of their own and no
 * text colour, the text is near-black or near-white, whichever contrasts more (pure black or
 * white when neither near one reaches 4.5, which one of them always does). The secondary
 * colours (muted text, lines, placeholders) are mixed from the text and background, so a card
 * never keeps a theme's grey on a background it was not made for.
 */
import { PALETTES, type Palette, type Theme } from './themes';

/** Colours set over the theme's, as `#rrggbb`. */
export interface ColourOverrides {
  bg?: string;
  text?: string;
  accent?: string;
}

/** WCAG's minimum for normal text, and for a graphic (the accent dot, the bars). */
const TEXT_CONTRAST = 4.5;
const GRAPHIC_CONTRAST = 3;
const NEAR = ['#191414', '#f7f7f7'] as const;
const PURE = ['#000000', '#ffffff'] as const;

/** `1db954`, `#1DB954` or `#1d5` as `#1db954`; undefined for anything else. */
export function hexColour(value: string): string | undefined {
  const digits = /^#?([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(value)?.[1]?.toLowerCase();
  if (!digits) return undefined;
  return `#${digits.length === 3 ? [...digits].map((digit) => digit + digit).join('') : digits}`;
}

function channels(hex: string): [number, number, number] {
  const value = Number.parseInt(hex.slice(1), 16);
  return [(value >> 16) & 255, (value >> 8) & 255, value & 255];
}

/** WCAG 2's relative luminance of a `#rrggbb` colour, 0 (black) to 1 (white). */
export function luminance(hex: string): number {
  const [r, g, b] = channels(hex).map((channel) => {
    const c = channel / 255;
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  }) as [number, number, number];
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** WCAG 2's contrast ratio of two colours, 1 to 21. */
export function contrast(a: string, b: string): number {
  const [light, dark] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (light + 0.05) / (dark + 0.05);
}

/** `share` of `a` mixed with the rest of `b`, as `#rrggbb`. */
export function mix(a: string, b: string, share: number): string {
  const [from, to] = [channels(a), channels(b)];
  return `#${from.map((channel, index) => Math.round(channel * share + to[index]! * (1 - share)).toString(16).padStart(2, '0')).join('')}`;
}

/** The near-black or near-white text that reads best on `bg`; pure black or white when that is not 4.5 (one always is). */
export function readableTextOn(bg: string): string {
  const best = (pair: readonly [string, string]) => (contrast(pair[0], bg) >= contrast(pair[1], bg) ? pair[0] : pair[1]);
  const near = best(NEAR);
  return contrast(near, bg) >= TEXT_CONTRAST ? near : best(PURE);
}

/** The least share of `text` over `bg` that still reads as text (all of it when none does). */
function mutedOn(bg: string, text: string): string {
  for (let share = 0.62; share < 1; share += 0.02) {
    const muted = mix(text, bg, share);
    if (contrast(muted, bg) >= TEXT_CONTRAST) return muted;
  }
  return text;
}

/** The theme's palette with the author's colours over it, and what must follow from them. */
export function paletteOf(theme: Theme, overrides: ColourOverrides = {}): Palette {
  const base = PALETTES[theme];
  if (!overrides.bg && !overrides.text) return overrides.accent ? { ...base, accent: overrides.accent } : base;
  const bg = overrides.bg ?? base.bg;
  const text = overrides.text ?? (overrides.bg ? readableTextOn(bg) : base.text);
  // The theme's accent may vanish on a background of the author's: then the text's colour marks it.
  const accent = overrides.accent ?? (contrast(base.accent, bg) >= GRAPHIC_CONTRAST ? base.accent : text);
  return { bg, text, accent, muted: mutedOn(bg, text), line: mix(text, bg, 0.16), empty: mix(text, bg, 0.1) };
}
