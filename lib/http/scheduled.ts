/**
 * The middy stack of a scheduled function (an EventBridge schedule, not an HTTP request): the
 * logger's context, and the run's context (platform/request-context.ts): a deadline for every AWS
 * and Spotify call inside the run, well within the function's timeout, and whom the run works
 * for. An error is logged by its name and rethrown, so the run counts as failed and shows in the
 * function's metrics.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { logger } from '../platform/logger';
import { withRequest, type Caller } from '../platform/request-context';

/** How long before the function's timeout a run's AWS calls are cut off. */
const MARGIN_MS = 3_000;

/** A scheduled function: `run` in the context of a run for `caller` (request-context.ts), with its deadline. */
export function scheduled<T>(caller: Caller, run: () => Promise<T>) {
  return middy<unknown, T>()
    .use(injectLambdaContext(logger, { resetKeys: true, logEvent: false }))
    .use({
      onError: async (request) => {
        logger.error('The scheduled run failed', { error: (request.error as Error)?.name ?? 'unknown' });
      },
    })
    .handler((_event: unknown, context: Context) => {
      const remaining = typeof context.getRemainingTimeInMillis === 'function' ? context.getRemainingTimeInMillis() : 30_000;
      return withRequest({ deadline: Date.now() + Math.max(1_000, remaining - MARGIN_MS), caller }, run);
    });
}
