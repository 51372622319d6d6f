/**
 * One Spotify read made as the owner: with a usable access token (refreshed through the lease
 * when due), retried once after one refresh when Spotify says the token is no longer valid before
 * its time, and with every failure recorded on the owner's item (for /status, and a 429's
 * Retry-After for every container).
 */
import { SpotifyError } from '../platform/errors';
import { logger } from '../platform/logger';
import type { Deadline } from '../platform/time';
import { ownerWithToken } from './access-token';
import { authorizationWindow } from './authorization-window';
import { ownerKeyOf, type OwnerKey } from './owner-store';
import { recordSpotifyFailure } from './spotify-trouble';

/** What Spotify answered, and whose authorization it answered for (so it is kept as theirs alone). */
export interface AsOwner<T> {
  value: T;
  owner: OwnerKey;
}

export async function callAsOwner<T>(deadline: Deadline, read: (accessToken: string) => Promise<T>): Promise<AsOwner<T>> {
  let owner = await ownerWithToken(deadline);
  const window = authorizationWindow(owner.authorizedAt);
  if (window.warning) logger.warn(window.warning, { daysLeft: window.daysLeft });
  try {
    try {
      return { value: await read(owner.accessToken), owner: ownerKeyOf(owner) };
    } catch (error) {
      if (!(error instanceof SpotifyError && error.kind === 'unauthorized')) throw error;
      // Spotify says the token is no longer valid before its time: one refresh, one retry.
      owner = await ownerWithToken(deadline, owner.accessToken);
      return { value: await read(owner.accessToken), owner: ownerKeyOf(owner) };
    }
  } catch (error) {
    if (error instanceof SpotifyError) {
      logger.warn('Spotify call failed', { kind: error.kind, status: error.status });
      await recordSpotifyFailure(error);
    }
    throw error;
  }
}
