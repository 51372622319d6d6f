/**
 * What bounds every AWS call (DynamoDB in table.ts, SSM in ssm.ts, SNS in sns.ts): each
 * attempt's timeouts and the number of attempts, set on the clients, and the deadline of the
 * request being handled (request-context.ts), which cancels a call and its retries. Every client
 * those modules create is also shown to the tests' recorder, if one listens (`shownToTests`).
 */
import { currentRequest } from './request-context';

/**
 * DynamoDB and SSM answer in milliseconds: an attempt that has not connected in half a second, or
 * answered in one, is stalled. Two attempts (one retry, for a dropped connection or a throttle)
 * make a stalled call fail in about 2 s, a quarter of a request's budget (route.ts).
 */
export function awsClientLimits() {
  return {
    requestHandler: { connectionTimeout: 500, requestTimeout: 1_000, throwOnRequestTimeout: true },
    maxAttempts: 2,
  };
}

/**
 * How long past the deadline an AWS call may still run. Work cut off at the deadline (a Spotify
 * call) is followed by a few DynamoDB calls that matter: releasing the refresh lease, recording
 * what went wrong, reading the last good result. route.ts keeps 1.5 s between the deadline and
 * the function's timeout, so the answer still leaves in time.
 */
export const AFTER_DEADLINE_MS = 1_000;

/**
 * The options of one AWS call (`client.send(command, options)`): inside a request, a signal that
 * cancels it, retries included, AFTER_DEADLINE_MS after the request's deadline. Outside one, the
 * client limits alone bound it.
 */
export function awsCallOptions(): { abortSignal?: AbortSignal } {
  const deadline = currentRequest()?.deadline;
  if (deadline === undefined) return {};
  return { abortSignal: AbortSignal.timeout(Math.max(0, deadline + AFTER_DEADLINE_MS - Date.now())) };
}

/** Where tests/support/aws-recorder.ts listens: a global, as the tests load the service's modules more than once. */
const RECORDER = Symbol.for('spotify-highlights.aws-client-recorder');

/**
 * `client`, shown to the tests' recorder, which adds a middleware recording each command and the
 * function that sent it (tests/integration/iam.test.ts holds those against the function's role:
 * dynalite has no IAM). Nothing listens in production: the client is returned as it is.
 */
export function shownToTests<T extends object>(client: T): T {
  (globalThis as { [RECORDER]?: (client: object) => void })[RECORDER]?.(client);
  return client;
}
