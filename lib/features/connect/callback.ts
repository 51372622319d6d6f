/**
 * GET /callback, the end of the owner's authorization: check the state, exchange the code, read
 * the profile, connect the owner (or refuse another account), and, when the site has just changed
 * hands, forget the previous owner's listening.
 */
import { forgetListening } from '../../listening/forget';
import { checkLoginState } from '../../owner/login-state';
import { connectOwner } from '../../owner/connect';
import { startSession } from '../../owner/session';
import { clientSecret } from '../../platform/client-secret';
import { loadConfig, redirectUriFor } from '../../platform/config';
import { AccountNotAllowed, InvalidRequest, SpotifyError } from '../../platform/errors';
import { logger } from '../../platform/logger';
import type { Params } from '../../platform/validation';
import { exchangeCode } from '../../spotify/accounts';
import { currentProfile } from '../../spotify/profile';
import { stateCookie, stateFromCookies } from './state-cookie';

/** What /callback reads of the request. */
export interface CallbackRequest {
  query: Params;
  cookies: readonly string[] | undefined;
  /** The host the request came to. */
  domainName: string;
}

export interface Connected {
  highlightsUrl: string;
  displayName: string | null;
  /** The owner's Spotify user id, which OWNER_SPOTIFY_ID takes. */
  spotifyUserId: string;
  /** Clears the used state from the browser. */
  clearCookie: string;
  /** Starts the owner's session (lib/owner/session.ts) in this browser. */
  sessionCookie: string;
}

/** One query parameter; API Gateway joins repeated ones with commas, and no real Spotify value is this long. */
function single(query: Params, name: string, maxLength: number): string | undefined {
  const value = query?.[name];
  if (value === undefined || value === '') return undefined;
  if (value.length > maxLength) throw new InvalidRequest('invalid_request', `The ${name} parameter is too long.`);
  return value;
}

export async function finishLogin(request: CallbackRequest): Promise<Connected> {
  const config = loadConfig();
  const redirectUri = redirectUriFor(config, request.domainName);
  const spotifyError = single(request.query, 'error', 200);
  await checkLoginState(single(request.query, 'state', 256), stateFromCookies(request.cookies));
  if (spotifyError === 'access_denied') {
    throw new InvalidRequest('access_denied', 'You chose not to connect Spotify, so nothing was stored. You can connect any time.');
  }
  if (spotifyError) throw new InvalidRequest('authorization_failed', `Spotify answered "${spotifyError}". Nothing was stored.`);
  const code = single(request.query, 'code', 2048);
  if (!code) throw new InvalidRequest('invalid_request', 'Spotify did not send an authorization code. Start again from /login.');

  const credentials = { clientId: config.clientId, clientSecret: await clientSecret(), redirectUri };
  let grant;
  try {
    grant = await exchangeCode(credentials, code);
  } catch (error) {
    if (error instanceof SpotifyError && error.kind === 'invalid_grant') {
      throw new InvalidRequest('authorization_failed', 'Spotify did not accept this sign-in (the code was already used or expired). Nothing was stored.');
    }
    throw error;
  }
  const profile = await currentProfile(grant.accessToken).catch((error: unknown) => {
    // /me needs no scope: refused right after Spotify granted a token, the account is not on the app's list.
    throw error instanceof SpotifyError && error.kind === 'forbidden' ? new AccountNotAllowed() : error;
  });
  const { owner, replaced } = await connectOwner(profile, grant);
  if (replaced) await forgetListening(replaced);
  const sessionCookie = await startSession(owner, new URL(redirectUri).protocol === 'https:');
  logger.info('Owner authorized', { spotifyUserId: profile.id, scopes: grant.scopes, replacedAnotherOwner: Boolean(replaced) });

  return {
    highlightsUrl: new URL('highlights', new URL('.', redirectUri)).toString(),
    displayName: profile.displayName,
    spotifyUserId: profile.id,
    clearCookie: stateCookie(redirectUri, '', 0),
    sessionCookie,
  };
}
