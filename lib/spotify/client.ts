/**
 * How the adapter calls Spotify: every call is counted on the day's budget first (budget.ts: it
 * may be refused there, and is never made then), goes through spotify-web-api-node, has a timeout
 * within the request's deadline (platform/request-context.ts), and fails with a SpotifyError whose
 * kind says what the caller can do. Reads are retried once, with jitter, when Spotify failed in a passing way; token requests
 * never are (a lost answer may have rotated the refresh token already).
 */
import type SpotifyWebApi from 'spotify-web-api-node';
import { SpotifyError, type SpotifyErrorKind } from '../platform/errors';
import { requestContext, requestDeadline } from '../platform/request-context';
import { recordQuotaLockout, spend, type Tally } from './budget';

/** The longest one Spotify call may take; the caller's deadline may cut it shorter. */
export const CALL_TIMEOUT_MS = 3000;
/** No call is started with less time than this left before the deadline. */
const MIN_CALL_MS = 250;

/**
 * A client for one call. The library (with superagent and its MIME tables, ~95 ms to load) is
 * loaded on first use, so a cold container that answers from a cache never pays for it.
 */
export async function client(credentials: ConstructorParameters<typeof SpotifyWebApi>[0]): Promise<SpotifyWebApi> {
  const { default: Client } = await import('spotify-web-api-node');
  return new Client(credentials);
}

const SCOPE_REFUSALS: readonly [number, string][] = [
  [403, 'Insufficient client scope'],
  [401, 'Permissions missing'],
];

/** The message of a Web API error body, {"error":{"status","message"}}. */
function apiMessage(body: { error?: unknown } | undefined): string | undefined {
  const error = body?.error as { message?: unknown } | undefined;
  return typeof error?.message === 'string' ? error.message : undefined;
}

function classify(error: unknown): SpotifyError {
  if (error instanceof SpotifyError) return error;
  const { statusCode, body, headers } = (error ?? {}) as {
    statusCode?: number;
    body?: { error?: unknown };
    headers?: Record<string, string | undefined>;
  };
  if (typeof statusCode !== 'number') return new SpotifyError('unavailable');
  const oauthError = typeof body?.error === 'string' ? body.error : undefined;
  if (oauthError === 'invalid_grant') return new SpotifyError('invalid_grant', statusCode);
  if (oauthError === 'invalid_client') return new SpotifyError('invalid_client', statusCode);
  // A token without the scope an endpoint needs: Spotify has answered both of these.
  if (SCOPE_REFUSALS.some(([status, message]) => statusCode === status && apiMessage(body) === message)) return new SpotifyError('scope_missing', statusCode);
  if (statusCode === 401) return new SpotifyError('unauthorized', statusCode);
  if (statusCode === 403) return new SpotifyError('forbidden', statusCode);
  if (statusCode === 429) {
    const retryAfter = Number(headers?.['retry-after']);
    const seconds = Number.isFinite(retryAfter) && retryAfter >= 0 ? retryAfter : undefined;
    // The daily quota, not the 30-second window: hours, and the same for every container.
    if (quotaReason(body)) return new SpotifyError('quota_exceeded', statusCode, seconds ?? QUOTA_RETRY_SECONDS);
    return new SpotifyError('rate_limited', statusCode, seconds);
  }
  if (statusCode >= 500) return new SpotifyError('unavailable', statusCode);
  return new SpotifyError('bad_response', statusCode);
}

/** Spotify's answer past the daily quota: {"error":{"status":429,"message":"Too many requests","reason":"QUOTA_EXCEEDED"}}. */
function quotaReason(body: { error?: unknown } | undefined): boolean {
  const error = body?.error as { reason?: unknown } | undefined;
  return error?.reason === 'QUOTA_EXCEEDED';
}

/** A QUOTA_EXCEEDED without a Retry-After: the shortest lockout seen (13.6 h) rounded down. */
const QUOTA_RETRY_SECONDS = 12 * 3600;

/** What a call is counted as: the reserve of whom the request works for, or the public source it fetches. */
function tallyOfRequest(): Tally {
  const { caller, source } = requestContext();
  return caller === 'public' ? (source ?? 'public') : caller;
}

/**
 * One call, counted on the day's budget as `tally` (by default what the request context says),
 * cut off at CALL_TIMEOUT_MS or the request's deadline; its body, or a classified SpotifyError.
 */
export async function call<T>(work: () => Promise<{ body: T }>, tally: Tally = tallyOfRequest()): Promise<T> {
  if (Math.min(CALL_TIMEOUT_MS, requestDeadline() - Date.now()) < MIN_CALL_MS) throw new SpotifyError('timeout');
  await spend(tally);
  const timeoutMs = Math.min(CALL_TIMEOUT_MS, requestDeadline() - Date.now());
  if (timeoutMs < MIN_CALL_MS) throw new SpotifyError('timeout');
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new SpotifyError('timeout')), timeoutMs);
  });
  try {
    const response = await Promise.race([work(), timeout]);
    return response.body;
  } catch (error) {
    const failure = classify(error);
    if (failure.kind === 'quota_exceeded') await recordQuotaLockout(failure.retryAfterSeconds ?? QUOTA_RETRY_SECONDS).catch(() => undefined);
    throw failure;
  } finally {
    clearTimeout(timer);
  }
}

const PASSING: ReadonlySet<SpotifyErrorKind> = new Set(['unavailable', 'timeout', 'bad_response']);

/** A read, retried once after 50–250 ms when the failure was a passing one. */
export async function read<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (!(error instanceof SpotifyError) || !PASSING.has(error.kind)) throw error;
    const pause = 50 + Math.random() * 200;
    if (requestDeadline() - Date.now() - pause < MIN_CALL_MS) throw error;
    await new Promise((done) => setTimeout(done, pause));
    return work();
  }
}

/** A non-empty string from Spotify's answer, or the answer is malformed. */
export function text(value: unknown): string {
  if (typeof value !== 'string' || value === '') throw new SpotifyError('bad_response');
  return value;
}
