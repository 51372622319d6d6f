/**
 * One Spotify read made as the owner: with a usable access token (refreshed through the lease
 * when due), retried once after one refresh when Spotify says the token is no longer valid before
 * its time, and with every failure recorded on the owner's item (for /status, and a 429's
 * Retry-After for every container).
 */
import { SpotifyError } from '../platform/errors';
import { logger } from '../platform/logger';
import type { Deadline } from '../platform/time';
import { ownerWithToken, recordSpotifyFailure } from './access-token';
import { authorizationWindow } from './authorization-window';

export async function callAsOwner<T>(deadline: Deadline, read: (accessToken: string) => Promise<T>): Promise<T> {
  let owner = await ownerWithToken(deadline);
  const window = authorizationWindow(owner.authorizedAt);
  if (window.warning) logger.warn(window.warning, { daysLeft: window.daysLeft });
  try {
    try {
      return await read(owner.accessToken);
    } catch (error) {
      if (!(error instanceof SpotifyError && error.kind === 'unauthorized')) throw error;
      // Spotify says the token is no longer valid before its time: one refresh, one retry.
      owner = await ownerWithToken(deadline, owner.accessToken);
      return await read(owner.accessToken);
    }
  } catch (error) {
    if (error instanceof SpotifyError) {
      logger.warn('Spotify call failed', { kind: error.kind, status: error.status });
      await recordSpotifyFailure(error);
    }
    throw error;
  }
}
