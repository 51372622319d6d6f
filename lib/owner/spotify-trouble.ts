/**
 * Trouble with Spotify, recorded on the owner's item so that every container honours it: a 429's
 * Retry-After (no Spotify call before it passes), and a failing token endpoint's back-off (no
 * token call before it passes: one failure costs one call, not one per waiting request).
 */
import { SpotifyError, type SpotifyErrorKind } from '../platform/errors';
import type { OwnerRecord } from './owner-store';
import { recordRefreshFailure, recordSpotifyTrouble } from './owner-updates';

/** The token endpoint's back-off after its first failure in a row; it doubles with each repeat, up to the cap. */
export const FIRST_REFRESH_BACKOFF_MS = 5_000;
export const MAX_REFRESH_BACKOFF_MS = 60_000;

const trouble = (error: SpotifyError) => ({ kind: error.kind, status: error.status ?? null, at: new Date().toISOString() });

/**
 * Records a failed Spotify call for /status and, for a 429, its Retry-After as the time before
 * which no container may call Spotify. Best effort: the caller answers the failure anyway.
 */
export async function recordSpotifyFailure(error: SpotifyError, refreshFailed = false): Promise<void> {
  const notBefore = error.kind === 'rate_limited' ? Date.now() + (error.retryAfterSeconds ?? 30) * 1000 : undefined;
  await recordSpotifyTrouble(trouble(error), { refreshFailed, ...(notBefore === undefined ? {} : { notBefore }) }).catch(() => undefined);
}

export function refreshBackoffMs(failuresInARow: number): number {
  return Math.min(MAX_REFRESH_BACKOFF_MS, FIRST_REFRESH_BACKOFF_MS * 2 ** Math.max(0, failuresInARow - 1));
}

/** The token call made with `owner`'s refresh token failed in a passing way: back off, everywhere. Best effort. */
export async function backOffRefreshes(owner: OwnerRecord, error: SpotifyError): Promise<OwnerRecord | undefined> {
  const retryAt = Date.now() + refreshBackoffMs((owner.refreshFailures ?? 0) + 1);
  return recordRefreshFailure(owner, trouble(error), retryAt).catch(() => undefined);
}

/** Throws while Spotify's Retry-After, recorded by any container, has not passed. */
export function checkNotRateLimited(owner: OwnerRecord): void {
  const waitMs = (owner.notBefore ?? 0) - Date.now();
  if (waitMs > 0) throw new SpotifyError('rate_limited', 429, Math.ceil(waitMs / 1000));
}

const PASSING: readonly string[] = ['unavailable', 'timeout', 'bad_response'] satisfies SpotifyErrorKind[];

/** Throws the token endpoint's last failure again while its back-off, recorded by any container, has not passed. */
export function checkRefreshBackoff(owner: OwnerRecord): void {
  if ((owner.refreshRetryAt ?? 0) <= Date.now()) return;
  const kind = PASSING.includes(owner.lastRefreshOutcome ?? '') ? (owner.lastRefreshOutcome as SpotifyErrorKind) : 'unavailable';
  throw new SpotifyError(kind);
}
