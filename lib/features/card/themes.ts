/**
 * The cards' named themes: each a palette of six colours. Every theme keeps its text and its muted
 * text at a WCAG contrast of at least 4.5 with its background (the unit tests check it).
 */

export const THEMES = ['light', 'dark', 'spotify', 'midnight', 'paper', 'contrast'] as const;
export type Theme = (typeof THEMES)[number];

/** bg: the card; line: the frame and the bar's track; muted: secondary text; empty: a placeholder picture. */
export type Colour = 'bg' | 'line' | 'text' | 'muted' | 'accent' | 'empty';
export type Palette = Record<Colour, string>;

export const PALETTES: Record<Theme, Palette> = {
  light: { bg: '#ffffff', line: '#e4e4e0', text: '#191414', muted: '#5e5e5e', accent: '#1db954', empty: '#e8e8e6' },
  dark: { bg: '#121212', line: '#2e2e2e', text: '#f2f2f2', muted: '#a9a9a9', accent: '#1ed760', empty: '#2e2e2e' },
  // Spotify's own: its near-black, its green, white text, its grey.
  spotify: { bg: '#191414', line: '#282828', text: '#ffffff', muted: '#b3b3b3', accent: '#1db954', empty: '#121212' },
  midnight: { bg: '#0f172a', line: '#26334d', text: '#e2e8f0', muted: '#94a3b8', accent: '#818cf8', empty: '#1e293b' },
  paper: { bg: '#f6f1e7', line: '#ddd3c0', text: '#2b2620', muted: '#6a5f50', accent: '#b5542d', empty: '#e9e1d1' },
  // For readers who need it: black and white, a white frame, a yellow accent.
  contrast: { bg: '#000000', line: '#ffffff', text: '#ffffff', muted: '#e6e6e6', accent: '#ffd60a', empty: '#262626' },
};

/** The theme asked for, or light: a card about a bad query still follows the page's theme when it can. */
export function themeOr(value: string | undefined): Theme {
  return (THEMES as readonly string[]).includes(value ?? '') ? (value as Theme) : 'light';
}
