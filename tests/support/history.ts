/**
 * The listening history's tests: the real collect handler and GET /history, and each test starting
 * from the history's defaults (UTC, plays kept forever, answers read every time, no memory kept).
 */
import { afterEach, beforeEach, vi } from 'vitest';
import { handler as historyHandler } from '../../handlers/http/history';
import { handler as collectHandler } from '../../handlers/scheduled/collect';
import type { CollectReport } from '../../lib/features/history/collect';
import { forgetContainerMemory } from '../../lib/platform/memory';
import { httpEvent, lambdaContext } from './events';
import type { Result } from './service';

type Handler = (event: unknown, context: unknown) => Promise<unknown>;

/** One run of the collector (of `handler`: another container's, freshly loaded, when given). */
export const collect = async (handler: unknown = collectHandler) => (await (handler as Handler)({}, lambdaContext('collect'))) as CollectReport;

export const history = async (query: Record<string, string> = {}) => (await (historyHandler as Handler)(httpEvent('/history', { query }), lambdaContext('history'))) as Result;

/** Registers the hooks that give every test of the file the history's defaults. */
export function useHistoryDefaults(): void {
  beforeEach(() => {
    forgetContainerMemory();
    delete process.env.HISTORY_TIME_ZONE;
    delete process.env.HISTORY_RETENTION_DAYS;
    process.env.HISTORY_CACHE_SECONDS = '0';
  });
  afterEach(() => vi.useRealTimers());
}
