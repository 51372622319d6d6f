/**
 * A valid access token for the owner, refreshed at most once at a time across every container.
 *
 * The owner's item is read before every call to Spotify (which the result caches make rare), so a
 * Retry-After or a refused refresh token recorded by any container is honoured by all. When the
 * token must be refreshed, one invocation takes a lease in DynamoDB (a conditional write that
 * lapses if its holder dies) and calls Spotify's token endpoint; the others wait briefly and use
 * what it stored. Within one container, concurrent requests share the same refresh.
 */
import { clientSecret } from './client-secret';
import { loadConfig } from './config';
import { notAuthorized, reauthorizationRequired } from './errors';
import { logger } from './logger';
import { refreshAccessToken } from './spotify';
import { SpotifyError, type Deadline } from './spotify-types';
import {
  acquireRefreshLease,
  getOwner,
  markReauthRequired,
  recordSpotifyTrouble,
  releaseRefreshLease,
  saveRefreshedTokens,
  type OwnerRecord,
  type RefreshedTokens,
} from './token-store';
import { StorageError } from './store';

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

/** Throws while Spotify's Retry-After, recorded by any container, has not passed. */
export function checkNotRateLimited(owner: OwnerRecord): void {
  const waitMs = (owner.notBefore ?? 0) - Date.now();
  if (waitMs > 0) throw new SpotifyError('rate_limited', 429, Math.ceil(waitMs / 1000));
}

export async function currentOwner(): Promise<OwnerRecord> {
  const owner = await getOwner();
  if (!owner) throw notAuthorized();
  return owner;
}

/**
 * The owner with a usable access token. `rejectedToken` is one Spotify just answered 401 for:
 * it is replaced even if its expiry time says it is still good.
 */
export async function ownerWithToken(deadline: Deadline, rejectedToken?: string): Promise<OwnerRecord> {
  const owner = await saveUnsaved(await currentOwner());
  if (owner.reauthRequired) throw reauthorizationRequired();
  checkNotRateLimited(owner);
  if (usable(owner, rejectedToken)) return owner;
  inflight ??= refreshOnce(owner, deadline, rejectedToken).finally(() => {
    inflight = undefined;
  });
  return inflight;
}

async function refreshOnce(seen: OwnerRecord, deadline: Deadline, rejectedToken?: string): Promise<OwnerRecord> {
  while (Date.now() < deadline) {
    if (await acquireRefreshLease(LEASE_MS)) {
      try {
        // Someone may have refreshed between our read and the lease.
        const owner = (await getOwner()) ?? seen;
        if (owner.reauthRequired) throw reauthorizationRequired();
        if (usable(owner, rejectedToken ?? seen.accessToken)) return owner;
        return await refresh(owner, deadline);
      } finally {
        await releaseRefreshLease().catch(() => undefined);
      }
    }
    await new Promise((done) => setTimeout(done, POLL_MS + Math.random() * POLL_MS));
    const owner = await getOwner();
    if (!owner) throw notAuthorized();
    if (owner.reauthRequired) throw reauthorizationRequired();
    if (usable(owner, rejectedToken ?? seen.accessToken)) return owner;
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
    const at = new Date().toISOString();
    if (error.kind === 'invalid_grant') {
      logger.warn('Spotify refused the refresh token: the owner must log in again');
      await markReauthRequired(owner.version);
      throw reauthorizationRequired();
    }
    logger.warn('Refreshing the access token failed', { kind: error.kind, status: error.status });
    await recordSpotifyTrouble(
      { kind: error.kind, status: error.status ?? null, at },
      { refreshFailed: true, ...(error.kind === 'rate_limited' ? { notBefore: Date.now() + (error.retryAfterSeconds ?? 30) * 1000 } : {}) },
    ).catch(() => undefined);
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
  if (saved) return saved;
  // The owner logged in again while we refreshed: their new tokens win.
  const newer = await getOwner();
  if (!newer) throw notAuthorized();
  return newer;
}
