/**
 * The owner's authorization: /login creates an unguessable, single-use state bound to this
 * browser by an HttpOnly cookie; /callback checks it, exchanges the code and binds the owner.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { parse as parseCookie, serialize as serializeCookie } from 'cookie';
import { clientSecret, loadConfig, type Config } from './config';
import { httpError } from './errors';
import type { HttpEvent } from './http';
import { logger } from './logger';
import { authorizeUrl, currentProfile, exchangeCode, SpotifyError, type Deadline } from './spotify';
import { bindOwner, consumeLoginState, putLoginState } from './token-store';

export const STATE_COOKIE = 'spotify_highlights_state';
export const STATE_LIFETIME_SECONDS = 600;

/** The redirect URI: configured, or (deployed without one) this API's own /callback. */
export function redirectUriFor(config: Config, event: HttpEvent): string {
  return config.redirectUri || `https://${event.requestContext.domainName}/callback`;
}

function hashState(state: string): string {
  return createHash('sha256').update(state).digest('hex');
}

function stateCookie(redirectUri: string, value: string, maxAge: number): string {
  const url = new URL(redirectUri);
  return serializeCookie(STATE_COOKIE, value, {
    httpOnly: true,
    sameSite: 'lax',
    secure: url.protocol === 'https:',
    path: url.pathname,
    maxAge,
  });
}

export async function startLogin(event: HttpEvent): Promise<{ location: string; cookie: string }> {
  const config = loadConfig();
  const redirectUri = redirectUriFor(config, event);
  const state = randomBytes(32).toString('base64url');
  await putLoginState(hashState(state), Date.now() + STATE_LIFETIME_SECONDS * 1000);
  return {
    location: authorizeUrl(config.clientId, redirectUri, state),
    cookie: stateCookie(redirectUri, state, STATE_LIFETIME_SECONDS),
  };
}

const invalidState = () =>
  httpError(400, 'invalid_state', 'This sign-in link has expired, was already used, or was opened in another browser. Nothing was changed. Start again from /login.');

function single(event: HttpEvent, name: string, maxLength: number): string | undefined {
  const value = event.queryStringParameters?.[name];
  if (value === undefined || value === '') return undefined;
  // API Gateway joins repeated parameters with commas; a real Spotify value never repeats.
  if (value.length > maxLength) throw httpError(400, 'invalid_request', `The ${name} parameter is too long.`);
  return value;
}

function cookieState(event: HttpEvent): string | undefined {
  for (const cookie of event.cookies ?? []) {
    const value = parseCookie(cookie)[STATE_COOKIE];
    if (value) return value;
  }
  return undefined;
}

function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/** The state must match this browser's cookie, exist, be unused (consumed now) and unexpired. */
async function checkState(event: HttpEvent): Promise<void> {
  const state = single(event, 'state', 256);
  const fromCookie = cookieState(event);
  if (!state || !fromCookie || !sameText(state, fromCookie)) throw invalidState();
  const expiresAt = await consumeLoginState(hashState(state));
  if (expiresAt === undefined || expiresAt < Date.now()) throw invalidState();
}

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
  logger.info('Owner authorized', { spotifyUserId: profile.id, scopes: grant.scopes });

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
