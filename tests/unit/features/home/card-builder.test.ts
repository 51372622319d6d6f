/** The builder's reading of its form (lenient: clamped or left out, with a note), and the card's URL it writes. */
import { describe, expect, it } from 'vitest';
import { cardPath, DEFAULT_CHOICE, readBuilder, TITLE_MAX } from '../../../../lib/features/home/card-builder';

const pathOf = (params: Record<string, string>) => cardPath(readBuilder(params).choice);

describe('readBuilder', () => {
  it('starts at the card defaults, with nothing to say', () => {
    expect(readBuilder(undefined)).toEqual({ choice: DEFAULT_CHOICE, problems: {}, defaults: {} });
    expect(readBuilder({})).toEqual({ choice: DEFAULT_CHOICE, problems: {}, defaults: {} });
  });

  it('takes every option the form sends', () => {
    const { choice, problems } = readBuilder({
      card: 'list',
      type: 'tracks',
      time_range: 'long_term',
      limit: '8',
      theme: 'midnight',
      bg: '#102030',
      text: 'FFF',
      accent: '1DB954',
      width: '640',
      radius: '0',
      images: '0',
      border: '0',
      title: 'On repeat',
    });
    expect(problems).toEqual({});
    expect(choice).toEqual({
      card: 'list',
      type: 'tracks',
      timeRange: 'long_term',
      limit: 8,
      theme: 'midnight',
      colours: { bg: '102030', text: 'fff', accent: '1db954' },
      width: 640,
      radius: 0,
      images: false,
      border: false,
      title: 'On repeat',
    });
  });

  it('treats empty fields (the form sends every one) as not set', () => {
    expect(readBuilder({ bg: '', text: ' ', accent: '', title: '', width: '' })).toEqual({ choice: DEFAULT_CHOICE, problems: {}, defaults: {} });
  });

  it.each([
    ['width', '5000', 800, 'width goes from 300 to 800: showing 800.'],
    ['width', '12', 300, 'width goes from 300 to 800: showing 300.'],
    ['radius', '99', 24, 'radius goes from 0 to 24: showing 24.'],
    ['radius', '-3', 0, 'radius goes from 0 to 24: showing 0.'],
    ['limit', '0', 1, 'limit goes from 1 to 10: showing 1.'],
    ['limit', '11', 10, 'limit goes from 1 to 10: showing 10.'],
    ['width', 'wide', 400, 'width must be a whole number from 300 to 800: showing 400.'],
    ['limit', '4.5', 5, 'limit must be a whole number from 1 to 10: showing 5.'],
    ['radius', '9'.repeat(40), 12, 'radius must be a whole number from 0 to 24: showing 12.'],
  ] as const)('clamps %s=%s to %d, and says so', (name, value, used, message) => {
    const { choice, problems } = readBuilder({ [name]: value });
    expect(choice[name]).toBe(used);
    expect(problems).toEqual({ [name]: message });
  });

  it('shows the default for a choice it does not know, and says which it knows', () => {
    const { choice, problems } = readBuilder({ theme: 'neon', type: 'albums', time_range: 'forever', card: 'big', images: 'yes' });
    expect(choice).toEqual(DEFAULT_CHOICE);
    expect(problems).toEqual({
      theme: 'theme must be one of light, dark, spotify, midnight, paper, contrast: showing light.',
      type: 'type must be one of artists, tracks, recent: showing artists.',
      time_range: 'time_range must be one of short_term, medium_term, long_term: showing short_term.',
      card: 'card must be one of list, now-playing: showing list.',
      images: 'images must be 1 (on) or 0 (off): showing it on.',
    });
  });

  it('leaves out a colour that is not hex', () => {
    const { choice, problems } = readBuilder({ bg: 'red', text: '#12345', accent: '#abc' });
    expect(choice.colours).toEqual({ accent: 'abc' });
    expect(problems).toEqual({
      bg: 'bg must be a colour in hex, like #1db954 or 1db954: left out.',
      text: 'text must be a colour in hex, like #1db954 or 1db954: left out.',
    });
  });

  it('cuts a long title to fit, never inside a character', () => {
    const { choice, problems } = readBuilder({ title: 'x'.repeat(59) + '🎵🎵' });
    expect(choice.title).toBe('x'.repeat(59));
    expect(choice.title.length).toBeLessThanOrEqual(TITLE_MAX);
    expect(problems.title).toBe(`title may have at most ${TITLE_MAX} characters: cut to fit.`);
    expect(readBuilder({ title: 'y'.repeat(TITLE_MAX) })).toEqual({ choice: { ...DEFAULT_CHOICE, title: 'y'.repeat(TITLE_MAX) }, problems: {}, defaults: {} });
  });

  it('reads only its own fields, whatever else the query names', () => {
    const params = Object.fromEntries([['__proto__', 'x'], ['constructor', 'y'], ['toString', 'z']]) as Record<string, string>;
    expect(readBuilder(params)).toEqual({ choice: DEFAULT_CHOICE, problems: {}, defaults: {} });
  });
});

describe('cardPath', () => {
  it('is the bare card when every option is its default', () => {
    expect(cardPath(DEFAULT_CHOICE)).toBe('card.svg');
    expect(pathOf({ card: 'list', type: 'artists', time_range: 'short_term', limit: '5', theme: 'light', width: '400', radius: '12', images: '1', border: '1', bg: '', title: '' })).toBe('card.svg');
    expect(pathOf({ card: 'now-playing' })).toBe('now-playing.svg');
  });

  it('writes only what differs from the defaults, colours without "#"', () => {
    expect(pathOf({ type: 'tracks', limit: '3', theme: 'dark', bg: '#000', width: '500', border: '0' })).toBe('card.svg?type=tracks&limit=3&theme=dark&bg=000&width=500&border=0');
    expect(pathOf({ time_range: 'medium_term', radius: '0', images: '0', accent: '#FF00AA' })).toBe('card.svg?time_range=medium_term&accent=ff00aa&radius=0&images=0');
  });

  it('leaves out the time range for the last plays, which have none', () => {
    expect(pathOf({ type: 'recent', time_range: 'long_term', limit: '10' })).toBe('card.svg?type=recent&limit=10');
  });

  it('gives the now-playing card only the look: no type, time range or rows', () => {
    expect(pathOf({ card: 'now-playing', type: 'tracks', time_range: 'long_term', limit: '9', theme: 'spotify', width: '320' })).toBe('now-playing.svg?theme=spotify&width=320');
  });

  it('encodes the title, the characters that end a Markdown link too', () => {
    expect(pathOf({ title: 'Rock & roll (live)! 100%' })).toBe('card.svg?title=Rock%20%26%20roll%20%28live%29%21%20100%25');
    const url = new URL(`https://example.org/${pathOf({ title: 'a=b&c <d> "e"' })}`);
    expect(url.searchParams.get('title')).toBe('a=b&c <d> "e"');
  });

  it('writes clamped values, never what was asked', () => {
    expect(pathOf({ width: '5000', limit: '-1' })).toBe('card.svg?limit=1&width=800');
  });
});
