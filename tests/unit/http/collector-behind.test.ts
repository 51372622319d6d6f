/** The history's collector falling behind, as an error: its code, its message, and its answer. */
import { describe, expect, it } from 'vitest';
import { errorAnswer } from '../../../lib/http/errors';
import { CollectorBehind } from '../../../lib/platform/errors';

describe('CollectorBehind', () => {
  it('says since when the collector has not run, and is answered 503 collector_behind', () => {
    const error = new CollectorBehind(Date.parse('2026-03-01T09:30:12Z'));
    expect(error.code).toBe('collector_behind');
    expect(error.message).toBe("The listening history's collector has not run since 2026-03-01 09:30 UTC, so newer plays may be missing. Try again later.");
    expect(errorAnswer(error)).toEqual({ status: 503, code: 'collector_behind', message: error.message, headers: {} });
  });
});
