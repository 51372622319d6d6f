/** config/throttling.cjs: API_RATE_LIMIT and API_BURST_LIMIT → the HTTP API stage's DefaultRouteSettings. */
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

type Throttling = (env: Record<string, string | undefined>) => { ThrottlingRateLimit: number; ThrottlingBurstLimit: number };
const { throttling } = createRequire(import.meta.url)('../../../config/throttling.cjs') as { throttling: Throttling };

describe('API_RATE_LIMIT and API_BURST_LIMIT', () => {
  it('default to 20 requests per second with bursts of 50', () => {
    expect(throttling({})).toEqual({ ThrottlingRateLimit: 20, ThrottlingBurstLimit: 50 });
    expect(throttling({ API_RATE_LIMIT: '', API_BURST_LIMIT: ' ' })).toEqual({ ThrottlingRateLimit: 20, ThrottlingBurstLimit: 50 });
  });

  it('are numbers in the template, as CloudFormation wants them', () => {
    expect(throttling({ API_RATE_LIMIT: '5', API_BURST_LIMIT: ' 10 ' })).toEqual({ ThrottlingRateLimit: 5, ThrottlingBurstLimit: 10 });
  });

  it.each(['0', '-1', '2.5', 'ten', '1e3', '99999999999999999999'])('refuse %s, naming the variable', (value) => {
    expect(() => throttling({ API_RATE_LIMIT: value })).toThrow(/^API_RATE_LIMIT must be a whole number of requests per second, at least 1 \(default 20\)/);
    expect(() => throttling({ API_BURST_LIMIT: value })).toThrow(/^API_BURST_LIMIT must be a whole number of requests, at least 1 \(default 50\)/);
  });

  it('errors carry the message alone: the Framework prints a stack, and it would help nobody', () => {
    try {
      throttling({ API_RATE_LIMIT: 'x' });
      expect.unreachable();
    } catch (error) {
      expect((error as Error).stack).toBe((error as Error).message);
    }
  });
});
