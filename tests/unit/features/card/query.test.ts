/** The cards' queries: the list's options, at most ten rows, and a theme; a bad value is a 400 that says why. */
import { describe, expect, it } from 'vitest';
import { parseCardQuery, parseNowPlayingCardQuery } from '../../../../lib/features/card/query';
import { errorAnswer } from '../../../../lib/http/errors';

function refusal(params: Record<string, string>, parse: (params: Record<string, string>) => unknown = parseCardQuery) {
  try {
    parse(params);
  } catch (error) {
    return errorAnswer(error);
  }
  throw new Error('expected a refusal');
}

describe('parseCardQuery', () => {
  it('defaults to the top 5 artists of the last four weeks, light', () => {
    expect(parseCardQuery(undefined)).toEqual({ type: 'artists', limit: 5, timeRange: 'short_term', theme: 'light' });
  });

  it('accepts up to ten rows, tracks, a time range and the dark theme', () => {
    expect(parseCardQuery({ limit: '10', type: 'tracks', time_range: 'long_term', theme: 'dark' })).toEqual({ type: 'tracks', limit: 10, timeRange: 'long_term', theme: 'dark' });
  });

  it('takes the last plays (type=recent): rows and a theme, no time range', () => {
    expect(parseCardQuery({ type: 'recent' })).toEqual({ type: 'recent', limit: 5, theme: 'light' });
    expect(parseCardQuery({ type: 'recent', limit: '10', theme: 'dark' })).toEqual({ type: 'recent', limit: 10, theme: 'dark' });
  });

  it.each([
    [{ limit: '11' }, 'limit must be a whole number from 1 to 10.'],
    [{ limit: '0' }, 'limit must be a whole number from 1 to 10.'],
    [{ theme: 'Dark' }, 'theme must be light or dark.'],
    [{ theme: '' }, 'theme must be light or dark.'],
    [{ type: 'albums' }, 'type must be one of artists, tracks, recent.'],
    [{ type: 'recent', time_range: 'long_term' }, 'time_range does not apply to type=recent: the last plays have no time range.'],
    [{ type: 'recent', limit: '11' }, 'limit must be a whole number from 1 to 10.'],
  ])('refuses %j with a 400 that says why', (params, message) => {
    const error = refusal(params);
    expect(error.status).toBe(400);
    expect(error.code).toBe('invalid_parameter');
    expect(error.message).toBe(message);
  });
});

describe('parseNowPlayingCardQuery', () => {
  it('takes a theme, light by default, and refuses another', () => {
    expect(parseNowPlayingCardQuery(undefined)).toEqual({ theme: 'light' });
    expect(parseNowPlayingCardQuery({ theme: 'dark' })).toEqual({ theme: 'dark' });
    const error = refusal({ theme: 'neon' }, parseNowPlayingCardQuery);
    expect([error.status, error.message]).toEqual([400, 'theme must be light or dark.']);
  });
});
