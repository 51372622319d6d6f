/**
 * A valid access token for the owner, refreshed at most once at a time across every container.
 *
 * The owner's item is read before every call to Spotify (which the result caches make rare), so a
 * Retry-After, a failing token endpoint's back-off or a refused refresh token recorded by any
 * container is honoured by all. When the token must be refreshed, one invocation takes a lease in
 * DynamoDB (a conditional write that lapses if its holder dies) and calls Spotify's token
 * endpoint; the others wait briefly and use what it stored, or the failure it recorded. Within
 * one container, concurrent requests share the same refresh.
 */
import { clientSecret } from '../platform/client-secret';
import { loadConfig } from '../platform/config';
import { NotAuthorized, ReauthorizationRequired, SpotifyError, StorageError } from '../platform/errors';
import { logger } from '../platform/logger';
import { requestDeadline } from '../platform/request-context';
import { refreshAccessToken } from '../spotify/accounts';
import { getOwner, type OwnerRecord } from './owner-store';
import { markReauthRequired, saveRefreshedTokens, saveUnsavedTokens, type RefreshedTokens } from './owner-updates';
import { acquireRefreshLease, releaseRefreshLease } from './refresh-lease';
import { backOffRefreshes, checkNotRateLimited, checkRefreshBackoff, recordSpotifyFailure } from './spotify-trouble';
import { noteOwner } from './standing';
import { keepUnsaved, withUnsavedStored } from './unsaved-tokens';

/** A token this close to expiry is refreshed first, so it cannot expire mid-request. */
export const EXPIRY_MARGIN_MS = 60_000;
/** Longer than one token call may take; a dead holder blocks refreshes no longer than this. */
export const LEASE_MS = 5_000;
/** Waiters re-read the owner's item after this, then twice as long each time, up to POLL_MAX_MS. */
const POLL_MS = 100;
const POLL_MAX_MS = 800;

let inflight: Promise<OwnerRecord> | undefined;

async function currentOwner(): Promise<OwnerRecord> {
  const readAt = Date.now();
  const owner = await withUnsavedStored(await getOwner());
  noteOwner(owner, readAt);
  if (!owner) throw new NotAuthorized();
  return owner;
}

function usable(owner: OwnerRecord, rejectedToken?: string): boolean {
  return owner.accessToken !== rejectedToken && owner.accessTokenExpiresAt - EXPIRY_MARGIN_MS > Date.now();
}

/**
 * The owner with a usable access token. `rejectedToken` is one Spotify just answered 401 for:
 * it is replaced even if its expiry time says it is still good.
 */
export async function ownerWithToken(rejectedToken?: string): Promise<OwnerRecord> {
  const owner = await currentOwner();
  if (owner.reauthRequired) throw new ReauthorizationRequired();
  checkNotRateLimited(owner);
  if (usable(owner, rejectedToken)) return owner;
  checkRefreshBackoff(owner);
  inflight ??= refreshOnce(owner, rejectedToken).finally(() => {
    inflight = undefined;
  });
  return inflight;
}

/**
 * The owner, if its token is good now (someone else refreshed); throws if Spotify refused it or
 * the token endpoint is backing off after a failure; undefined while a refresh is still due.
 */
function settled(owner: OwnerRecord, rejectedToken: string): OwnerRecord | undefined {
  if (owner.reauthRequired) throw new ReauthorizationRequired();
  if (usable(owner, rejectedToken)) return owner;
  checkRefreshBackoff(owner);
  return undefined;
}

async function refreshOnce(seen: OwnerRecord, rejectedToken = seen.accessToken): Promise<OwnerRecord> {
  const deadline = requestDeadline();
  for (let poll = POLL_MS; Date.now() < deadline; poll = Math.min(POLL_MAX_MS, poll * 2)) {
    if (await acquireRefreshLease(LEASE_MS)) {
      try {
        // Someone may have refreshed (or failed) between our read and the lease.
        const owner = await currentOwner();
        const refreshed = settled(owner, rejectedToken) ?? (await refresh(owner));
        if (refreshed) return refreshed;
      } finally {
        await releaseRefreshLease().catch(() => undefined);
      }
    }
    await new Promise((done) => setTimeout(done, poll + Math.random() * POLL_MS));
    const owner = settled(await currentOwner(), rejectedToken);
    if (owner) return owner;
  }
  throw new SpotifyError('timeout');
}

/** Refreshes the token under the lease; undefined when the lease was lost before Spotify was called. */
async function refresh(owner: OwnerRecord): Promise<OwnerRecord | undefined> {
  checkNotRateLimited(owner);
  const config = loadConfig();
  const credentials = { clientId: config.clientId, clientSecret: await clientSecret(), redirectUri: config.redirectUri };
  // Reading the owner and the secret may have been slow: the lease is renewed right before the
  // call, which ends (CALL_TIMEOUT_MS) well within it, so no other container calls meanwhile.
  if (!(await acquireRefreshLease(LEASE_MS))) return undefined;
  let grant;
  try {
    grant = await refreshAccessToken(credentials, owner.refreshToken);
  } catch (error) {
    // Not made (the day's budget refused it): nothing about the token endpoint to record.
    if (!(error instanceof SpotifyError) || error.kind === 'budget') throw error;
    if (error.kind === 'invalid_grant') {
      logger.warn('Spotify refused the refresh token: the owner must log in again');
      // A storage blip must not hide the refusal from this answer; the next request meets it again.
      const markedAt = Date.now();
      const marked = await markReauthRequired(owner).catch(() => undefined);
      if (marked) noteOwner(marked, markedAt);
      throw new ReauthorizationRequired();
    }
    // A call that timed out may still have been served (and its refresh token rotated): it
    // counts as a failure, never as "nothing changed".
    logger.warn('Refreshing the access token failed', { kind: error.kind, status: error.status });
    // Spotify's limits are its own, kept by every container: no back-off of the token endpoint on top.
    if (error.kind === 'rate_limited' || error.kind === 'quota_exceeded') await recordSpotifyFailure(error, true);
    else await backOffRefreshes(owner, error);
    throw error;
  }
  const tokens: RefreshedTokens = {
    accessToken: grant.accessToken,
    accessTokenExpiresAt: Date.now() + grant.expiresInSeconds * 1000,
    ...(grant.refreshToken ? { refreshToken: grant.refreshToken } : {}),
  };
  let saved: OwnerRecord | undefined;
  const savedAt = Date.now();
  try {
    saved = await saveRefreshedTokens(owner, tokens);
    // The item moved on meanwhile (the owner logged in again, or a refusal of the token Spotify
    // just rotated away was marked): a rotated refresh token is still stored if the item holds
    // the one it came from.
    if (!saved && tokens.refreshToken) saved = await saveUnsavedTokens(owner.refreshToken, tokens);
  } catch (error) {
    // Not used before it is stored: keep it for the next request to store.
    if (error instanceof StorageError) keepUnsaved(owner.refreshToken, tokens);
    throw error;
  }
  logger.info('Access token refreshed', { rotated: Boolean(grant.refreshToken), stored: Boolean(saved) });
  if (saved) {
    noteOwner(saved, savedAt);
    return saved;
  }
  // The owner logged in again while we refreshed: their new tokens win, unless they were refused since.
  const current = await currentOwner();
  if (current.reauthRequired) throw new ReauthorizationRequired();
  return current;
}
