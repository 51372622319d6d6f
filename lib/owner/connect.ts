/**
 * Connecting the owner: binds the account that just authorized, or refuses it. With
 * OWNER_SPOTIFY_ID set only that account may connect, and it may take over from an account bound
 * before (how a site changes hands); without it the first account to connect is the owner.
 */
import { loadConfig } from '../platform/config';
import { NotOwner } from '../platform/errors';
import { logger } from '../platform/logger';
import type { SpotifyProfile, TokenGrant } from '../spotify/types';
import { bindOwner, type OwnerKey } from './owner-store';

function notOwner(): NotOwner {
  logger.warn('Refused to bind a Spotify account that is not the owner');
  return new NotOwner();
}

/**
 * Stores the new grant as the owner's: `owner` names the account and its new authorization,
 * `replaced` the owner it took over from, when the site just changed hands.
 */
export async function connectOwner(profile: SpotifyProfile, grant: TokenGrant): Promise<{ owner: OwnerKey; replaced?: OwnerKey }> {
  const { ownerSpotifyId } = loadConfig();
  if (ownerSpotifyId && profile.id !== ownerSpotifyId) throw notOwner();
  const now = Date.now();
  const bound = await bindOwner(
    {
      spotifyUserId: profile.id,
      displayName: profile.displayName,
      refreshToken: grant.refreshToken as string,
      accessToken: grant.accessToken,
      accessTokenExpiresAt: now + grant.expiresInSeconds * 1000,
      scopes: grant.scopes,
      authorizedAt: new Date(now).toISOString(),
    },
    Boolean(ownerSpotifyId),
  );
  if (bound.outcome === 'other_owner') throw notOwner();
  return bound.outcome === 'replaced' ? { owner: bound.owner, replaced: bound.previous } : { owner: bound.owner };
}
