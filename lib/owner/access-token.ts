/**
 * A valid access token for the owner, refreshed at most once at a time across every container.
 *
 * The owner's item is read before every call to Spotify (which the result caches make rare), so a
 * Retry-After or a refused refresh token recorded by any container is honoured by all. When the
 * token must be refreshed, one invocation takes a lease in DynamoDB (a conditional write that
 * lapses if its holder dies) and calls Spotify's token endpoint; the others wait briefly and use
 * what it stored. Within one container, concurrent requests share the same refresh.
 */
import { clientSecret } from '../platform/client-secret';
import { loadConfig } from '../platform/config';
import { NotAuthorized, ReauthorizationRequired, SpotifyError, StorageError } from '../platform/errors';
import { logger } from '../platform/logger';
import type { Deadline } from '../platform/time';
import { refreshAccessToken } from '../spotify/accounts';
import { getOwner, markReauthRequired, recordSpotifyTrouble, saveRefreshedTokens, type OwnerRecord, type RefreshedTokens } from './owner-store';
import { acquireRefreshLease, releaseRefreshLease } from './refresh-lease';

/** A token this close to expiry is refreshed first, so it cannot expire mid-request. */
export const EXPIRY_MARGIN_MS = 60_000;
/** Longer than one token call may take; a dead holder blocks refreshes no longer than this. */
export const LEASE_MS = 5_000;
const POLL_MS = 100;

let inflight: Promise<OwnerRecord> | undefined;

/**
 * Tokens Spotify gave us that DynamoDB would not take. A rotated refresh token may be the only
 * one that still works, so it is kept here and stored with the next request.
 */
let unsaved: { version: number; tokens: RefreshedTokens } | undefined;

async function saveUnsaved(owner: OwnerRecord): Promise<OwnerRecord> {
  if (!unsaved) return owner;
  const pending = unsaved;
  if (pending.version !== owner.version) {
    unsaved = undefined;
    return owner;
  }
  const saved = await saveRefreshedTokens(pending.version, pending.tokens);
  unsaved = undefined;
  logger.info('Stored tokens that an earlier write could not', { stored: Boolean(saved) });
  return saved ?? (await currentOwner());
}

function usable(owner: OwnerRecord, rejectedToken?: string): boolean {
  return owner.accessToken !== rejectedToken && owner.accessTokenExpiresAt - EXPIRY_MARGIN_MS > Date.now();
}

/**
 * Records a failed Spotify call for /status and, for a 429, its Retry-After as the time before
 * which no container may call Spotify. Best effort: the caller answers the failure anyway.
 */
export async function recordSpotifyFailure(error: SpotifyError, refreshFailed = false): Promise<void> {
  const notBefore = error.kind === 'rate_limited' ? Date.now() + (error.retryAfterSeconds ?? 30) * 1000 : undefined;
  await recordSpotifyTrouble(
    { kind: error.kind, status: error.status ?? null, at: new Date().toISOString() },
    { refreshFailed, ...(notBefore === undefined ? {} : { notBefore }) },
  ).catch(() => undefined);
}

/** Throws while Spotify's Retry-After, recorded by any container, has not passed. */
function checkNotRateLimited(owner: OwnerRecord): void {
  const waitMs = (owner.notBefore ?? 0) - Date.now();
  if (waitMs > 0) throw new SpotifyError('rate_limited', 429, Math.ceil(waitMs / 1000));
}

async function currentOwner(): Promise<OwnerRecord> {
  const owner = await getOwner();
  if (!owner) throw new NotAuthorized();
  return owner;
}

/**
 * The owner with a usable access token. `rejectedToken` is one Spotify just answered 401 for:
 * it is replaced even if its expiry time says it is still good.
 */
export async function ownerWithToken(deadline: Deadline, rejectedToken?: string): Promise<OwnerRecord> {
  const owner = await saveUnsaved(await currentOwner());
  if (owner.reauthRequired) throw new ReauthorizationRequired();
  checkNotRateLimited(owner);
  if (usable(owner, rejectedToken)) return owner;
  inflight ??= refreshOnce(owner, deadline, rejectedToken).finally(() => {
    inflight = undefined;
  });
  return inflight;
}

/** The owner, if its token is good now (someone else refreshed); throws if Spotify refused it. */
function settled(owner: OwnerRecord, rejectedToken: string): OwnerRecord | undefined {
  if (owner.reauthRequired) throw new ReauthorizationRequired();
  return usable(owner, rejectedToken) ? owner : undefined;
}

async function refreshOnce(seen: OwnerRecord, deadline: Deadline, rejectedToken = seen.accessToken): Promise<OwnerRecord> {
  while (Date.now() < deadline) {
    if (await acquireRefreshLease(LEASE_MS)) {
      try {
        // Someone may have refreshed between our read and the lease.
        const owner = await currentOwner();
        return settled(owner, rejectedToken) ?? (await refresh(owner, deadline));
      } finally {
        await releaseRefreshLease().catch(() => undefined);
      }
    }
    await new Promise((done) => setTimeout(done, POLL_MS + Math.random() * POLL_MS));
    const owner = settled(await currentOwner(), rejectedToken);
    if (owner) return owner;
  }
  throw new SpotifyError('timeout');
}

async function refresh(owner: OwnerRecord, deadline: Deadline): Promise<OwnerRecord> {
  checkNotRateLimited(owner);
  const config = loadConfig();
  const credentials = { clientId: config.clientId, clientSecret: await clientSecret(), redirectUri: config.redirectUri };
  let grant;
  try {
    grant = await refreshAccessToken(credentials, owner.refreshToken, deadline);
  } catch (error) {
    if (!(error instanceof SpotifyError)) throw error;
    if (error.kind === 'invalid_grant') {
      logger.warn('Spotify refused the refresh token: the owner must log in again');
      await markReauthRequired(owner.version);
      throw new ReauthorizationRequired();
    }
    logger.warn('Refreshing the access token failed', { kind: error.kind, status: error.status });
    await recordSpotifyFailure(error, true);
    throw error;
  }
  const tokens: RefreshedTokens = {
    accessToken: grant.accessToken,
    accessTokenExpiresAt: Date.now() + grant.expiresInSeconds * 1000,
    ...(grant.refreshToken ? { refreshToken: grant.refreshToken } : {}),
  };
  let saved: OwnerRecord | undefined;
  try {
    saved = await saveRefreshedTokens(owner.version, tokens);
  } catch (error) {
    // Not used before it is stored: keep it for the next request to store.
    if (error instanceof StorageError) unsaved = { version: owner.version, tokens };
    throw error;
  }
  logger.info('Access token refreshed', { rotated: Boolean(grant.refreshToken), stored: Boolean(saved) });
  // Without `saved`, the owner logged in again while we refreshed: their new tokens win.
  return saved ?? (await currentOwner());
}
