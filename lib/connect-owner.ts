/**
 * The end of the owner's authorization, behind /callback: check the state, exchange the code,
 * read the profile, and bind the owner (or refuse another account).
 */
import { clientSecret } from './client-secret';
import { loadConfig } from './config';
import { httpError } from './errors';
import type { HttpEvent } from './http';
import { clearHighlightsCache } from './highlights';
import { logger } from './logger';
import { checkState, redirectUriFor, single, stateCookie } from './oauth';
import { currentProfile, exchangeCode } from './spotify';
import { SpotifyError, type Deadline } from './spotify-types';
import { deleteAllResults } from './result-store';
import { bindOwner } from './token-store';

export interface Connected {
  highlightsUrl: string;
  displayName: string | null;
  clearCookie: string;
}

export async function finishLogin(event: HttpEvent, deadline: Deadline): Promise<Connected> {
  const config = loadConfig();
  const redirectUri = redirectUriFor(config, event);
  const spotifyError = single(event, 'error', 200);
  await checkState(event);
  if (spotifyError === 'access_denied') {
    throw httpError(400, 'access_denied', 'You chose not to connect Spotify, so nothing was stored. You can connect any time.');
  }
  if (spotifyError) {
    throw httpError(400, 'authorization_failed', `Spotify answered "${spotifyError}". Nothing was stored.`);
  }
  const code = single(event, 'code', 2048);
  if (!code) throw httpError(400, 'invalid_request', 'Spotify did not send an authorization code. Start again from /login.');

  const credentials = { clientId: config.clientId, clientSecret: await clientSecret(), redirectUri };
  let grant;
  try {
    grant = await exchangeCode(credentials, code, deadline);
  } catch (error) {
    if (error instanceof SpotifyError && error.kind === 'invalid_grant') {
      throw httpError(400, 'authorization_failed', 'Spotify did not accept this sign-in (the code was already used or expired). Nothing was stored.');
    }
    throw error;
  }
  const profile = await currentProfile(grant.accessToken, deadline);
  if (config.ownerSpotifyId && profile.id !== config.ownerSpotifyId) throw notOwner();

  const now = Date.now();
  const outcome = await bindOwner(
    {
      spotifyUserId: profile.id,
      displayName: profile.displayName,
      refreshToken: grant.refreshToken as string,
      accessToken: grant.accessToken,
      accessTokenExpiresAt: now + grant.expiresInSeconds * 1000,
      scopes: grant.scopes,
      authorizedAt: new Date(now).toISOString(),
    },
    Boolean(config.ownerSpotifyId),
  );
  if (outcome === 'other_owner') throw notOwner();
  if (outcome === 'replaced') {
    // The site changed hands: the previous owner's listening must not be served as the new one's.
    await deleteAllResults();
    clearHighlightsCache();
  }
  logger.info('Owner authorized', { spotifyUserId: profile.id, scopes: grant.scopes, replacedAnotherOwner: outcome === 'replaced' });

  return {
    highlightsUrl: new URL('highlights', new URL('.', redirectUri)).toString(),
    displayName: profile.displayName,
    clearCookie: stateCookie(redirectUri, '', 0),
  };
}

function notOwner() {
  logger.warn('Refused to bind a Spotify account that is not the owner');
  return httpError(403, 'not_owner', 'This site is connected to its owner\'s Spotify account, and only that account can connect. Nothing was changed.');
}
