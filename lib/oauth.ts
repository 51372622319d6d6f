/**
 * The authorization request: /login creates an unguessable, single-use state bound to this
 * browser by an HttpOnly cookie; /callback checks it here before anything else happens.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { parse as parseCookie, serialize as serializeCookie } from 'cookie';
import { loadConfig, type Config } from './config';
import { httpError } from './errors';
import type { HttpEvent } from './http';
import { consumeLoginState, putLoginState } from './token-store';

export const SCOPES = ['user-top-read'];
export const AUTHORIZE_URL = 'https://accounts.spotify.com/authorize';

/** The authorize URL, built with proper encoding (the library's builder does not encode values). */
export function authorizeUrl(clientId: string, redirectUri: string, state: string): string {
  const query = new URLSearchParams({
    response_type: 'code',
    client_id: clientId,
    redirect_uri: redirectUri,
    scope: SCOPES.join(' '),
    state,
  });
  return `${AUTHORIZE_URL}?${query.toString()}`;
}

export const STATE_COOKIE = 'spotify_highlights_state';
export const STATE_LIFETIME_SECONDS = 600;

/** The redirect URI: configured, or (deployed without one) this API's own /callback. */
export function redirectUriFor(config: Config, event: HttpEvent): string {
  return config.redirectUri || `https://${event.requestContext.domainName}/callback`;
}

function hashState(state: string): string {
  return createHash('sha256').update(state).digest('hex');
}

export function stateCookie(redirectUri: string, value: string, maxAge: number): string {
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

export function single(event: HttpEvent, name: string, maxLength: number): string | undefined {
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
export async function checkState(event: HttpEvent): Promise<void> {
  const state = single(event, 'state', 256);
  const fromCookie = cookieState(event);
  if (!state || !fromCookie || !sameText(state, fromCookie)) throw invalidState();
  const expiresAt = await consumeLoginState(hashState(state));
  if (expiresAt === undefined || expiresAt < Date.now()) throw invalidState();
}
