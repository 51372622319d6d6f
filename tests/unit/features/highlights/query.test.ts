import { describe, expect, it } from 'vitest';
import { parseHighlightsQuery } from '../../../../lib/features/highlights/query';
import { errorAnswer } from '../../../../lib/http/errors';

function refusal(params: Record<string, string>) {
  try {
    parseHighlightsQuery(params);
  } catch (error) {
    return errorAnswer(error);
  }
  throw new Error('expected a refusal');
}

describe('parseHighlightsQuery', () => {
  it('defaults to the top 5 of the last four weeks, compared with a week ago', () => {
    expect(parseHighlightsQuery(undefined)).toEqual({ type: 'artists', limit: 5, timeRange: 'short_term', compare: 7 });
  });

  it.each([
    [{ limit: '1' }, { type: 'artists', limit: 1, timeRange: 'short_term', compare: 7 }],
    [{ limit: '50', time_range: 'long_term' }, { type: 'artists', limit: 50, timeRange: 'long_term', compare: 7 }],
    [{ time_range: 'medium_term', unrelated: 'x' }, { type: 'artists', limit: 5, timeRange: 'medium_term', compare: 7 }],
    [{ type: 'tracks' }, { type: 'tracks', limit: 5, timeRange: 'short_term', compare: 7 }],
    [{ compare: '1' }, { type: 'artists', limit: 5, timeRange: 'short_term', compare: 1 }],
    [{ compare: '365', type: 'tracks' }, { type: 'tracks', limit: 5, timeRange: 'short_term', compare: 365 }],
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

  it.each(['0', '366', '-1', '2.5', 'week', '', '7,14', '1e2', '1000'])('refuses compare=%j with a 400 naming compare', (compare) => {
    const error = refusal({ compare });
    expect(error.status).toBe(400);
    expect(error.code).toBe('invalid_parameter');
    expect(error.message).toBe('compare must be a whole number from 1 to 365.');
  });

  it('keeps compare when the owner\'s defaults fill the rest', () => {
    expect(parseHighlightsQuery({ compare: '30' }, { timeRange: 'long_term', limit: 8 })).toEqual({ type: 'artists', limit: 8, timeRange: 'long_term', compare: 30 });
  });

  it.each(['albums', 'Tracks', '', 'artists,tracks'])('refuses type=%j with a 400 naming type', (type) => {
    const error = refusal({ type });
    expect(error.status).toBe(400);
    expect(error.message).toMatch(/^type /);
  });
});
