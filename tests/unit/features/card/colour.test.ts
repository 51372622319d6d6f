/** A card's colours: hex parsing, WCAG luminance and contrast, the text chosen for a background, and the palette over a theme. */
import { describe, expect, it } from 'vitest';
import { contrast, hexColour, luminance, mix, paletteOf, readableTextOn } from '../../../../lib/features/card/colour';
import { PALETTES, THEMES } from '../../../../lib/features/card/draw';

/** Every colour of 3 hex digits, as #rrggbb: 4,096 backgrounds from black to white. */
const EVERY_SHORT_HEX = Array.from({ length: 4096 }, (_, n) => hexColour(n.toString(16).padStart(3, '0'))!);

describe('hexColour', () => {
  it('reads 3 or 6 digits, with or without #, in either case', () => {
    expect(hexColour('1db954')).toBe('#1db954');
    expect(hexColour('#1DB954')).toBe('#1db954');
    expect(hexColour('f0a')).toBe('#ff00aa');
    expect(hexColour('#FFF')).toBe('#ffffff');
    for (const bad of ['', '#', '1db95', '1db9544', '##fff', 'fff ', 'ggg', 'red']) expect(hexColour(bad)).toBeUndefined();
  });
});

describe('luminance and contrast', () => {
  it('are WCAG 2\'s', () => {
    expect(luminance('#000000')).toBe(0);
    expect(luminance('#ffffff')).toBe(1);
    expect(contrast('#000000', '#ffffff')).toBe(21);
    expect(contrast('#ffffff', '#000000')).toBe(21);
    // Published values: #777777 on white is 4.48, #767676 just passes at 4.54.
    expect(contrast('#777777', '#ffffff')).toBeCloseTo(4.48, 2);
    expect(contrast('#767676', '#ffffff')).toBeCloseTo(4.54, 2);
    expect(mix('#ffffff', '#000000', 0.5)).toBe('#808080');
  });
});

describe('readableTextOn', () => {
  it('is near-black on light backgrounds and near-white on dark ones', () => {
    expect(readableTextOn('#ffffff')).toBe('#191414');
    expect(readableTextOn('#1db954')).toBe('#191414');
    expect(readableTextOn('#000000')).toBe('#f7f7f7');
    expect(readableTextOn('#3b0764')).toBe('#f7f7f7');
  });

  it('reaches a contrast of 4.5 on every background, black or white when near ones cannot', () => {
    for (const bg of EVERY_SHORT_HEX) expect(contrast(readableTextOn(bg), bg), bg).toBeGreaterThanOrEqual(4.5);
    // Mid-grey defeats both near ones.
    expect(['#000000', '#ffffff']).toContain(readableTextOn('#777777'));
  });
});

describe('paletteOf', () => {
  it('is the theme\'s own without overrides', () => {
    for (const theme of THEMES) expect(paletteOf(theme)).toEqual(PALETTES[theme]);
    expect(paletteOf('dark', { accent: '#ff0000' })).toEqual({ ...PALETTES.dark, accent: '#ff0000' });
  });

  it('with a background only, picks readable text and mixes the muted text, lines and placeholders from the two', () => {
    for (const bg of EVERY_SHORT_HEX) {
      const palette = paletteOf('light', { bg });
      expect(palette.bg).toBe(bg);
      expect(palette.text).toBe(readableTextOn(bg));
      expect(contrast(palette.muted, bg), bg).toBeGreaterThanOrEqual(4.5);
    }
    const green = paletteOf('light', { bg: '#1db954' });
    expect(green.line).toBe(mix(green.text, '#1db954', 0.16));
    expect(green.empty).toBe(mix(green.text, '#1db954', 0.1));
    // The muted text is between the two, not the theme's grey.
    expect(contrast(green.muted, '#1db954')).toBeLessThan(contrast(green.text, '#1db954'));
    expect(green.muted).not.toBe(PALETTES.light.muted);
  });

  it('keeps the theme\'s accent where it shows, else marks with the text colour', () => {
    expect(paletteOf('light', { bg: '#000000' }).accent).toBe(PALETTES.light.accent);
    // Spotify's green on a green background would vanish.
    const green = paletteOf('light', { bg: '#1db954' });
    expect(green.accent).toBe(green.text);
    expect(paletteOf('light', { bg: '#1db954', accent: '#1db954' }).accent).toBe('#1db954');
  });

  it('respects the text colour asked for, even an unreadable one, and mixes the rest from it', () => {
    expect(paletteOf('dark', { bg: '#ffffff', text: '#eeeeee' }).text).toBe('#eeeeee');
    const text = paletteOf('dark', { text: '#ffcc00' });
    expect(text).toMatchObject({ bg: PALETTES.dark.bg, text: '#ffcc00' });
    expect(contrast(text.muted, PALETTES.dark.bg)).toBeGreaterThanOrEqual(4.5);
  });
});

describe('the themes', () => {
  it('are these six, each with text and muted text at a contrast of 4.5 or more', () => {
    expect(THEMES).toEqual(['light', 'dark', 'spotify', 'midnight', 'paper', 'contrast']);
    for (const theme of THEMES) {
      const { bg, text, muted } = PALETTES[theme];
      expect(contrast(text, bg), theme).toBeGreaterThanOrEqual(4.5);
      expect(contrast(muted, bg), theme).toBeGreaterThanOrEqual(4.5);
    }
  });

  it('spotify is Spotify\'s own look; contrast is the most contrasted', () => {
    expect(PALETTES.spotify).toMatchObject({ bg: '#191414', text: '#ffffff', accent: '#1db954' });
    expect(['#191414', '#121212']).toContain(PALETTES.spotify.bg);
    for (const theme of THEMES) expect(contrast(PALETTES.contrast.muted, PALETTES.contrast.bg)).toBeGreaterThanOrEqual(contrast(PALETTES[theme].muted, PALETTES[theme].bg));
    expect(contrast(PALETTES.contrast.text, PALETTES.contrast.bg)).toBe(21);
  });
});
