/**
 * The middy stack of a scheduled function (an EventBridge schedule, not an HTTP request): the
 * logger's context, and a deadline for every AWS call inside the run, well within the function's
 * timeout. An error is logged by its name and rethrown, so the run counts as failed and shows in
 * the function's metrics.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { currentDeadline, withDeadline } from '../platform/aws-calls';
import type { Deadline } from '../platform/time';
import { logger } from '../platform/logger';

/** How long before the function's timeout a run's AWS calls are cut off. */
const MARGIN_MS = 3_000;

export function scheduled<T>(run: () => Promise<T>) {
  return middy<unknown, T>()
    .use(injectLambdaContext(logger, { resetKeys: true, logEvent: false }))
    .use({
      onError: async (request) => {
        logger.error('The scheduled run failed', { error: (request.error as Error)?.name ?? 'unknown' });
      },
    })
    .handler((_event: unknown, context: Context) => {
      const remaining = typeof context.getRemainingTimeInMillis === 'function' ? context.getRemainingTimeInMillis() : 30_000;
      return withDeadline(Date.now() + Math.max(1_000, remaining - MARGIN_MS), run);
    });
}

/** The deadline of the scheduled run in progress (a minute from now outside one: a script, a test). */
export function currentRunDeadline(): Deadline {
  return currentDeadline() ?? Date.now() + 60_000;
}
