import { describe, expect, it } from 'vitest';
import { parseCardQuery, parseHighlightsQuery } from '../../lib/query';

function refusal(params: Record<string, string>, parse: (params: Record<string, string>) => unknown = parseHighlightsQuery) {
  try {
    parse(params);
  } catch (error) {
    return error as { status: number; code: string; message: string };
  }
  throw new Error('expected a refusal');
}

describe('parseHighlightsQuery', () => {
  it('defaults to the top 5 of the last four weeks', () => {
    expect(parseHighlightsQuery(undefined)).toEqual({ type: 'artists', limit: 5, timeRange: 'short_term' });
  });

  it.each([
    [{ limit: '1' }, { type: 'artists', limit: 1, timeRange: 'short_term' }],
    [{ limit: '50', time_range: 'long_term' }, { type: 'artists', limit: 50, timeRange: 'long_term' }],
    [{ time_range: 'medium_term', unrelated: 'x' }, { type: 'artists', limit: 5, timeRange: 'medium_term' }],
    [{ type: 'tracks' }, { type: 'tracks', limit: 5, timeRange: 'short_term' }],
  ])('accepts %j', (params, expected) => {
    expect(parseHighlightsQuery(params)).toEqual(expected);
  });

  it.each(['0', '51', '-1', '1.5', 'ten', '5,6', '', '007', '1e1'])('refuses limit=%j with a 400 naming limit', (limit) => {
    const error = refusal({ limit });
    expect(error.status).toBe(400);
    expect(error.code).toBe('invalid_parameter');
    expect(error.message).toMatch(/^limit /);
  });

  it.each(['SHORT_TERM', 'forever', '', 'short_term,long_term'])('refuses time_range=%j with a 400 naming time_range', (timeRange) => {
    const error = refusal({ time_range: timeRange });
    expect(error.status).toBe(400);
    expect(error.message).toMatch(/^time_range /);
  });

  it.each(['albums', 'Tracks', '', 'artists,tracks'])('refuses type=%j with a 400 naming type', (type) => {
    const error = refusal({ type });
    expect(error.status).toBe(400);
    expect(error.message).toMatch(/^type /);
  });
});

describe('parseCardQuery', () => {
  it('defaults to the top 5 artists of the last four weeks, light', () => {
    expect(parseCardQuery(undefined)).toEqual({ type: 'artists', limit: 5, timeRange: 'short_term', theme: 'light' });
  });

  it('accepts up to ten rows, tracks, a time range and the dark theme', () => {
    expect(parseCardQuery({ limit: '10', type: 'tracks', time_range: 'long_term', theme: 'dark' })).toEqual({ type: 'tracks', limit: 10, timeRange: 'long_term', theme: 'dark' });
  });

  it.each([
    [{ limit: '11' }, 'limit must be a whole number from 1 to 10.'],
    [{ limit: '0' }, 'limit must be a whole number from 1 to 10.'],
    [{ theme: 'Dark' }, 'theme must be light or dark.'],
    [{ theme: '' }, 'theme must be light or dark.'],
    [{ type: 'albums' }, 'type must be artists or tracks.'],
  ])('refuses %j with a 400 that says why', (params, message) => {
    const error = refusal(params, parseCardQuery);
    expect(error.status).toBe(400);
    expect(error.code).toBe('invalid_parameter');
    expect(error.message).toBe(message);
  });
});
