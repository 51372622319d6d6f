/**
 * The builder (features/home) declares the cards' options itself: features never import each
 * other. This test holds the two together: every option the builder writes is one the card reads
 * (a value out of its range is refused, so the name is read, not ignored), its ranges are the
 * card's, its themes are the card's, and every URL it writes is one the card accepts.
 */
import { describe, expect, it } from 'vitest';
import { THEMES } from '../../../../lib/features/card/draw';
import { parseCardQuery, parseNowPlayingCardQuery } from '../../../../lib/features/card/query';
import {
  CARD_THEMES,
  CARD_TYPES,
  cardPath,
  COLOUR_FIELDS,
  LIST_PARAMS,
  NOW_PLAYING_PARAMS,
  NUMBER_FIELDS,
  readBuilder,
  SWITCH_FIELDS,
  TIME_RANGES,
  TITLE_MAX,
} from '../../../../lib/features/home/card-builder';

type Parse = (params: Record<string, string>) => unknown;
const accepts = (parse: Parse, params: Record<string, string>) => expect(() => parse(params), JSON.stringify(params)).not.toThrow();
const refuses = (parse: Parse, params: Record<string, string>) => expect(() => parse(params), JSON.stringify(params)).toThrow();

/** A value the card must take, and one it must refuse, for each option the builder writes. */
const VALUES: Record<string, { good: string[]; bad: string[] }> = {
  type: { good: [...CARD_TYPES], bad: ['albums'] },
  time_range: { good: [...TIME_RANGES], bad: ['forever'] },
  limit: { good: [String(NUMBER_FIELDS.limit.min), String(NUMBER_FIELDS.limit.max)], bad: [String(NUMBER_FIELDS.limit.min - 1), String(NUMBER_FIELDS.limit.max + 1)] },
  theme: { good: [...CARD_THEMES], bad: ['neon'] },
  ...Object.fromEntries(COLOUR_FIELDS.map((name) => [name, { good: ['1db954', '#1DB954', 'fff', '#abc'], bad: ['12345', 'red'] }])),
  width: { good: [String(NUMBER_FIELDS.width.min), String(NUMBER_FIELDS.width.max)], bad: [String(NUMBER_FIELDS.width.min - 1), String(NUMBER_FIELDS.width.max + 1)] },
  radius: { good: [String(NUMBER_FIELDS.radius.min), String(NUMBER_FIELDS.radius.max)], bad: [String(NUMBER_FIELDS.radius.max + 1)] },
  ...Object.fromEntries(SWITCH_FIELDS.map((name) => [name, { good: ['0', '1'], bad: ['2'] }])),
  title: { good: ['On repeat', 'x'.repeat(TITLE_MAX)], bad: ['x'.repeat(TITLE_MAX + 1)] },
};

const cards: [string, Parse, readonly string[]][] = [
  ['card.svg', parseCardQuery, LIST_PARAMS],
  ['now-playing.svg', parseNowPlayingCardQuery, NOW_PLAYING_PARAMS],
];

describe('the builder and the cards agree', () => {
  it('on the themes', () => {
    expect([...CARD_THEMES]).toEqual([...THEMES]);
  });

  it.each(cards)('%s reads every option the builder writes for it, in the builder\'s ranges', (_, parse, names) => {
    for (const name of names) {
      const values = VALUES[name];
      expect(values, `values for ${name}`).toBeDefined();
      for (const good of values?.good ?? []) accepts(parse, { [name]: good });
      for (const bad of values?.bad ?? []) refuses(parse, { [name]: bad });
    }
  });

  it('on what card.svg takes beyond the now-playing card: a list, its time range and rows', () => {
    expect(LIST_PARAMS.filter((name) => !(NOW_PLAYING_PARAMS as readonly string[]).includes(name))).toEqual(['type', 'time_range', 'limit']);
  });

  it('every URL the builder writes is one its card accepts', () => {
    const choices: Record<string, string>[] = [
      {},
      { type: 'recent', time_range: 'long_term', limit: '10', theme: 'contrast', width: '800', radius: '0', images: '0', border: '0' },
      { type: 'tracks', time_range: 'medium_term', bg: '#000', text: 'FFFFFF', accent: '1db954', title: 'Rock & roll (live)! 100% 🎵' },
      { card: 'now-playing', type: 'tracks', time_range: 'long_term', limit: '3', theme: 'midnight', width: '300', radius: '24', title: 'Now' },
      { width: '5000', limit: '0', bg: 'nope', title: 'y'.repeat(200) },
    ];
    for (const params of choices) {
      const path = cardPath(readBuilder(params).choice);
      const url = new URL(`https://example.org/${path}`);
      const parse = url.pathname === '/card.svg' ? parseCardQuery : parseNowPlayingCardQuery;
      expect(['/card.svg', '/now-playing.svg']).toContain(url.pathname);
      accepts(parse, Object.fromEntries(url.searchParams));
    }
  });
});
