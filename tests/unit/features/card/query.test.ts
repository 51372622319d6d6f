/** The cards' queries: the list's options, at most ten rows, the look's options, and defaults; a bad value is a 400 that names it. */
import { describe, expect, it } from 'vitest';
import { lookOfFailedQuery, parseCardQuery, parseNowPlayingCardQuery } from '../../../../lib/features/card/query';
import { errorAnswer } from '../../../../lib/http/errors';

function refusal(params: Record<string, string>, parse: (params: Record<string, string>) => unknown = parseCardQuery) {
  try {
    parse(params);
  } catch (error) {
    return errorAnswer(error);
  }
  throw new Error(`expected a refusal of ${JSON.stringify(params)}`);
}

const LOOK = { theme: 'light', width: 400, radius: 12, images: true, border: true };
const THEME_ERROR = 'theme must be one of light, dark, spotify, midnight, paper, contrast.';

describe('parseCardQuery', () => {
  it('defaults to the top 5 artists of the last four weeks compared with a week ago, light, 400 px, corners of 12, pictures and a frame', () => {
    expect(parseCardQuery(undefined)).toEqual({ type: 'artists', limit: 5, timeRange: 'short_term', compare: 7, ...LOOK });
  });

  it('accepts up to ten rows, tracks, a time range and the dark theme', () => {
    expect(parseCardQuery({ limit: '10', type: 'tracks', time_range: 'long_term', theme: 'dark' })).toEqual({ type: 'tracks', limit: 10, timeRange: 'long_term', compare: 7, ...LOOK, theme: 'dark' });
  });

  it('compares a top list with the snapshot 1 to 365 days back', () => {
    expect(parseCardQuery({ compare: '1' })).toMatchObject({ type: 'artists', compare: 1 });
    expect(parseCardQuery({ type: 'tracks', compare: '365' })).toMatchObject({ type: 'tracks', compare: 365 });
  });

  it('takes the last plays (type=recent): rows and the look, no time range', () => {
    expect(parseCardQuery({ type: 'recent' })).toEqual({ type: 'recent', limit: 5, ...LOOK });
    expect(parseCardQuery({ type: 'recent', limit: '10', theme: 'dark', width: '300' })).toEqual({ type: 'recent', limit: 10, ...LOOK, theme: 'dark', width: 300 });
  });

  it('takes every theme', () => {
    for (const theme of ['light', 'dark', 'spotify', 'midnight', 'paper', 'contrast']) expect(parseCardQuery({ theme }).theme).toBe(theme);
  });

  it('takes colours of 3 or 6 hex digits, with or without #, in either case, as #rrggbb', () => {
    expect(parseCardQuery({ bg: '1db954', text: '#FFF', accent: '#A1b2C3' })).toMatchObject({ bg: '#1db954', text: '#ffffff', accent: '#a1b2c3' });
    expect(parseCardQuery({ bg: 'abc' }).bg).toBe('#aabbcc');
    const plain = parseCardQuery({});
    expect([plain.bg, plain.text, plain.accent, plain.title]).toEqual([undefined, undefined, undefined, undefined]);
  });

  it('takes a width from 300 to 800, a radius from 0 to 24, images and border 0 or 1, a title', () => {
    expect(parseCardQuery({ width: '300', radius: '0', images: '0', border: '0', title: 'My <music> & more' })).toMatchObject({
      width: 300,
      radius: 0,
      images: false,
      border: false,
      title: 'My <music> & more',
    });
    expect(parseCardQuery({ width: '800', radius: '24', images: '1', border: '1' })).toMatchObject({ width: 800, radius: 24, images: true, border: true });
    expect(parseCardQuery({ title: 'é'.repeat(60) }).title).toHaveLength(60);
    // Sixty characters, even when each is two UTF-16 units.
    expect(parseCardQuery({ title: '🎵'.repeat(60) }).title).toBe('🎵'.repeat(60));
  });

  it('uses the defaults given for what the query leaves out, and the query over them', () => {
    const defaults = { timeRange: 'long_term', limit: 8, theme: 'paper' } as const;
    expect(parseCardQuery({}, defaults)).toEqual({ type: 'artists', limit: 8, timeRange: 'long_term', compare: 7, ...LOOK, theme: 'paper' });
    expect(parseCardQuery({ limit: '3', time_range: 'medium_term', theme: 'dark' }, defaults)).toMatchObject({ limit: 3, timeRange: 'medium_term', theme: 'dark' });
    // The owner's time range is no reason to refuse the last plays.
    expect(parseCardQuery({ type: 'recent' }, defaults)).toEqual({ type: 'recent', limit: 8, ...LOOK, theme: 'paper' });
    expect(parseCardQuery({}, { theme: 'midnight' })).toMatchObject({ limit: 5, timeRange: 'short_term', theme: 'midnight' });
  });

  it.each([
    [{ limit: '11' }, 'limit must be a whole number from 1 to 10.'],
    [{ limit: '0' }, 'limit must be a whole number from 1 to 10.'],
    [{ theme: 'Dark' }, THEME_ERROR],
    [{ theme: '' }, THEME_ERROR],
    [{ theme: 'neon' }, THEME_ERROR],
    [{ type: 'albums' }, 'type must be one of artists, tracks, recent.'],
    [{ type: 'recent', time_range: 'long_term' }, 'time_range does not apply to type=recent: the last plays have no time range.'],
    [{ type: 'recent', limit: '11' }, 'limit must be a whole number from 1 to 10.'],
    [{ type: 'recent', compare: '7' }, 'compare does not apply to type=recent: the last plays have no ranks.'],
    ...['0', '366', '-1', '2.5', '', 'week', '1e2', '7,14'].map((value): [Record<string, string>, string] => [{ compare: value }, 'compare must be a whole number from 1 to 365.']),
    [{ type: 'recent', compare: '0' }, 'compare must be a whole number from 1 to 365.'],
    ...['bg', 'text', 'accent'].flatMap((field) =>
      ['', '#', '12', '1234', '12345', '1234567', 'ggg', '#1db95', '##1db954', 'red', ' 1db954', '1db954 ', 'rgb(0,0,0)'].map(
        (value): [Record<string, string>, string] => [{ [field]: value }, `${field} must be a hex colour of 3 or 6 digits, with or without # (such as 1db954 or %231db954).`],
      ),
    ),
    ...['299', '801', '0', '', '400.5', '4e2', '+400', '-400', ' 400', '0x190', 'wide', '400px', '00000400'].map((value): [Record<string, string>, string] => [{ width: value }, 'width must be a whole number from 300 to 800.']),
    ...['-1', '25', '', '1.5', 'round', '100000'].map((value): [Record<string, string>, string] => [{ radius: value }, 'radius must be a whole number from 0 to 24.']),
    ...['images', 'border'].flatMap((field) => ['', '2', 'true', 'false', 'yes', '00', '-0', ' 1'].map((value): [Record<string, string>, string] => [{ [field]: value }, `${field} must be 0 or 1.`])),
    [{ title: '' }, 'title must be 1 to 60 characters.'],
    [{ title: '   ' }, 'title must be 1 to 60 characters.'],
    [{ title: 'x'.repeat(61) }, 'title must be 1 to 60 characters.'],
    [{ title: '🎵'.repeat(61) }, 'title must be 1 to 60 characters.'],
  ])('refuses %j with a 400 that names the parameter', (params, message) => {
    const error = refusal(params);
    expect(error.status).toBe(400);
    expect(error.code).toBe('invalid_parameter');
    expect(error.message).toBe(message);
    expect(error.message.startsWith(Object.keys(params).at(-1)!)).toBe(true);
  });
});

describe('parseNowPlayingCardQuery', () => {
  it('takes the look, light by default, the owner\'s theme when given, and refuses a bad value by name', () => {
    expect(parseNowPlayingCardQuery(undefined)).toEqual(LOOK);
    expect(parseNowPlayingCardQuery({ theme: 'dark' })).toEqual({ ...LOOK, theme: 'dark' });
    expect(parseNowPlayingCardQuery({}, { theme: 'spotify' })).toEqual({ ...LOOK, theme: 'spotify' });
    expect(parseNowPlayingCardQuery({ bg: '#fff', width: '640', images: '0', border: '0', radius: '4', title: 'On my stereo' })).toEqual({
      ...LOOK,
      bg: '#ffffff',
      width: 640,
      images: false,
      border: false,
      radius: 4,
      title: 'On my stereo',
    });
    for (const [params, message] of [
      [{ theme: 'neon' }, THEME_ERROR],
      [{ width: '900' }, 'width must be a whole number from 300 to 800.'],
      [{ accent: 'green' }, 'accent must be a hex colour of 3 or 6 digits, with or without # (such as 1db954 or %231db954).'],
      [{ images: 'no' }, 'images must be 0 or 1.'],
      [{ title: 'x'.repeat(61) }, 'title must be 1 to 60 characters.'],
    ] as const) {
      const error = refusal(params, parseNowPlayingCardQuery);
      expect([error.status, error.message]).toEqual([400, message]);
    }
  });
});

describe('lookOfFailedQuery', () => {
  it('keeps the options a failed query set well and drops the bad ones and the title', () => {
    expect(lookOfFailedQuery({ theme: 'dark', width: '9999', bg: 'nope', text: 'fff', border: '0', title: 'Mine', limit: '99' })).toEqual({
      theme: 'dark',
      text: '#ffffff',
      radius: 12,
      images: true,
      border: false,
    });
    expect(lookOfFailedQuery(undefined)).toEqual(LOOK);
  });
});
