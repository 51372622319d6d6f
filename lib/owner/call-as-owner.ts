/**
 * One Spotify read made as the owner, for what `scope` allows: with a usable access token
 * (refreshed through the lease when due), retried once after one refresh when Spotify says the
 * token is no longer valid before its time or lacks the scope, and with every failure recorded on
 * the owner's item (for /status, a 429's Retry-After for every container, and a scope Spotify
 * still refuses, which is not asked for again until the owner reconnects).
 */
import { ScopeMissing, SpotifyError } from '../platform/errors';
import { logger } from '../platform/logger';
import { ownerWithToken } from './access-token';
import { authorizationWindow } from './authorization-window';
import { ownerKeyOf, type OwnerKey, type OwnerRecord } from './owner-store';
import { recordRefusedScope } from './owner-updates';
import { recordSpotifyFailure } from './spotify-trouble';

/** What Spotify answered, and whose authorization it answered for (so it is kept as theirs alone). */
export interface AsOwner<T> {
  value: T;
  owner: OwnerKey;
}

const refusedToken = (error: unknown) => error instanceof SpotifyError && (error.kind === 'unauthorized' || error.kind === 'scope_missing');

/** Spotify refused the scope after a refresh too: recorded (best effort), and answered as such. */
async function refusedScope(owner: OwnerRecord, scope: string): Promise<never> {
  logger.warn('Spotify refuses the owner\'s token for a scope: the owner must connect again to allow it', { scope });
  await recordRefusedScope(owner, scope).catch(() => undefined);
  throw new ScopeMissing(scope);
}

export async function callAsOwner<T>(scope: string, read: (accessToken: string) => Promise<T>): Promise<AsOwner<T>> {
  let owner = await ownerWithToken();
  const window = authorizationWindow(owner.authorizedAt);
  if (window.warning) logger.warn(window.warning, { daysLeft: window.daysLeft });
  try {
    try {
      return { value: await read(owner.accessToken), owner: ownerKeyOf(owner) };
    } catch (error) {
      if (!refusedToken(error)) throw error;
      // Spotify says the token is no longer valid, or lacks the scope: one refresh, one retry.
      owner = await ownerWithToken(owner.accessToken);
      return { value: await read(owner.accessToken), owner: ownerKeyOf(owner) };
    }
  } catch (error) {
    if (error instanceof SpotifyError && error.kind === 'scope_missing') return refusedScope(owner, scope);
    // A call the day's budget refused was never made: nothing to record of Spotify.
    if (error instanceof SpotifyError && error.kind !== 'budget') {
      logger.warn('Spotify call failed', { kind: error.kind, status: error.status });
      await recordSpotifyFailure(error);
    }
    throw error;
  }
}
