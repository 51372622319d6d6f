/**
 * How a card is drawn, as its query asks (LookOptions: a theme, colours over it, a width, the
 * frame's corners and stroke, pictures or not, a title) and as the drawing uses it (Look: the
 * palette worked out). The options change only the drawing: every look of a card draws the same
 * cached listening.
 */
import { paletteOf } from './colour';
import type { Palette, Theme } from './themes';

/** A card's width in px: its range and default. */
export const WIDTH = { min: 300, max: 800, fallback: 400 } as const;
/** The frame's corner radius in px. */
export const RADIUS = { min: 0, max: 24, fallback: 12 } as const;
/** The most characters a title of the author's may have. */
export const MAX_TITLE = 60;

export interface LookOptions {
  theme: Theme;
  /** `#rrggbb`, over the theme's. */
  bg?: string;
  text?: string;
  accent?: string;
  width: number;
  radius: number;
  /** false: no pictures and no placeholders, the text moves left. */
  images: boolean;
  /** false: the frame has no stroke. */
  border: boolean;
  /** Instead of the card's own title. */
  title?: string;
}

export const DEFAULT_LOOK: LookOptions = { theme: 'light', width: WIDTH.fallback, radius: RADIUS.fallback, images: true, border: true };

export interface Look {
  colours: Palette;
  width: number;
  /** Where text ends on the right: the frame keeps 16 px clear. */
  right: number;
  radius: number;
  images: boolean;
  border: boolean;
  title?: string;
}

/** The look `options` ask for; anything they leave out as by default. */
export function lookOf(options: Partial<LookOptions> = {}): Look {
  const width = options.width ?? DEFAULT_LOOK.width;
  return {
    colours: paletteOf(options.theme ?? DEFAULT_LOOK.theme, { bg: options.bg, text: options.text, accent: options.accent }),
    width,
    right: width - 16,
    radius: options.radius ?? DEFAULT_LOOK.radius,
    images: options.images ?? DEFAULT_LOOK.images,
    border: options.border ?? DEFAULT_LOOK.border,
    title: options.title,
  };
}
