/** The width table and the cut by width: an <img> SVG cannot measure its text, so the card does. */
import { describe, expect, it } from 'vitest';
import { fitText, textWidth, wrapText } from '../../../../lib/features/card/text-width';

const NAME = { size: 14, weight: 600 };
const DETAIL = { size: 12, weight: 400 };

/** The text before the ellipsis, as whole graphemes. */
const graphemes = (text: string) => Array.from(new Intl.Segmenter('en', { granularity: 'grapheme' }).segment(text), (part) => part.segment);

describe('textWidth', () => {
  it('tells narrow, wide and full-width characters apart, and grows with the size and the weight', () => {
    expect(textWidth('iiii', DETAIL)).toBeLessThan(textWidth('nnnn', DETAIL));
    expect(textWidth('nnnn', DETAIL)).toBeLessThan(textWidth('mmmm', DETAIL));
    expect(textWidth('aaaa', DETAIL)).toBeLessThan(textWidth('AAAA', DETAIL));
    expect(textWidth('AAAA', DETAIL)).toBeLessThan(textWidth('WWWW', DETAIL));
    expect(textWidth('東京事変', DETAIL)).toBe(4 * 12);
    expect(textWidth('🎸', DETAIL)).toBeGreaterThanOrEqual(12);
    expect(textWidth('abc', { size: 24, weight: 400 })).toBe(2 * textWidth('abc', DETAIL));
    expect(textWidth('abc', { size: 12, weight: 700 })).toBeGreaterThan(textWidth('abc', DETAIL));
  });

  it('counts an accented letter as its letter, an emoji sequence as one picture, and white space as drawn', () => {
    expect(textWidth('é', DETAIL)).toBe(textWidth('e', DETAIL));
    expect(textWidth('e\u0301', DETAIL)).toBe(textWidth('e', DETAIL));
    expect(textWidth('👨‍👩‍👧', DETAIL)).toBe(textWidth('🎸', DETAIL));
    expect(textWidth('🇫🇷', DETAIL)).toBe(textWidth('🎸', DETAIL));
    expect(textWidth('  a   b  ', DETAIL)).toBe(textWidth('a b', DETAIL));
  });
});

describe('fitText', () => {
  it('leaves a text that fits as it is (white space as SVG draws it)', () => {
    expect(fitText('Radiohead', 200, NAME)).toBe('Radiohead');
    expect(fitText('  Mumford  &  Sons ', 200, NAME)).toBe('Mumford & Sons');
  });

  it('cuts a row of "W"s earlier than a row of "i"s, each with an ellipsis that fits', () => {
    const wide = fitText('W'.repeat(80), 200, NAME);
    const narrow = fitText('i'.repeat(80), 200, NAME);
    expect(wide.endsWith('…')).toBe(true);
    expect(narrow.endsWith('…')).toBe(true);
    expect(wide.length).toBeLessThan(narrow.length / 2);
    for (const [cut, letter] of [[wide, 'W'], [narrow, 'i']] as const) {
      expect(textWidth(cut, NAME)).toBeLessThanOrEqual(200);
      // As long as fits: one letter more would not.
      expect(textWidth(`${cut.slice(0, -1)}${letter}…`, NAME)).toBeGreaterThan(200);
    }
  });

  it('fits at the size it is drawn: the bigger the text, the earlier the cut', () => {
    const text = 'The Long and Winding Road (Remastered 2009)';
    const small = fitText(text, 150, DETAIL);
    const big = fitText(text, 150, { size: 20, weight: 700 });
    expect(big.length).toBeLessThan(small.length);
    expect(textWidth(big, { size: 20, weight: 700 })).toBeLessThanOrEqual(150);
  });

  it('never cuts inside an emoji, a flag, a family or an accented letter', () => {
    const texts = [`${'a'.repeat(20)}🎸🎸🎸🎸🎸🎸`, `${'a'.repeat(20)}🇫🇷🇯🇵🇧🇷🇫🇷🇯🇵`, `${'a'.repeat(20)}👨‍👩‍👧👨‍👩‍👧👨‍👩‍👧👨‍👩‍👧`, `${'a'.repeat(20)}${'e\u0301'.repeat(30)}`];
    for (const text of texts) {
      for (let width = 120; width < 260; width += 3) {
        const cut = fitText(text, width, DETAIL);
        const kept = cut.endsWith('…') ? cut.slice(0, -1) : cut;
        expect(text.startsWith(kept)).toBe(true);
        // Whole graphemes only: the kept part splits into the same graphemes as the text's start.
        expect(graphemes(text).slice(0, graphemes(kept).length).join('')).toBe(kept);
        expect(textWidth(cut, DETAIL)).toBeLessThanOrEqual(width);
      }
    }
  });

  it('drops a space before the ellipsis, and is only the ellipsis when nothing fits', () => {
    const cut = fitText('Paper Lanterns Northern Lights', textWidth('Paper Lanterns …', DETAIL), DETAIL);
    expect(cut).toBe('Paper Lanterns…');
    expect(fitText('Radiohead', 5, DETAIL)).toBe('…');
  });
});

describe('wrapText', () => {
  it('breaks between words into lines that each fit', () => {
    const lines = wrapText('The site owner should open /login in a browser to connect Spotify again.', 150, DETAIL);
    expect(lines.length).toBeGreaterThan(1);
    expect(lines.join(' ')).toBe('The site owner should open /login in a browser to connect Spotify again.');
    for (const line of lines) expect(textWidth(line, DETAIL)).toBeLessThanOrEqual(150);
  });
});
