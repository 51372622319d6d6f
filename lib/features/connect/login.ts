/**
 * GET /login: a new single-use state, and the way to Spotify's consent page asking for the
 * service's scopes, with the state bound to this browser by its cookie.
 */
import { createLoginState, STATE_LIFETIME_SECONDS } from '../../owner/login-state';
import { getOwner } from '../../owner/owner-store';
import { SCOPES } from '../../owner/scopes';
import { loadConfig, redirectUriFor } from '../../platform/config';
import { logger } from '../../platform/logger';
import { authorizeUrl } from '../../spotify/accounts';
import { stateCookie } from './state-cookie';

/** What /login reads of the request. */
export interface LoginRequest {
  /** The host the request came to, which names this API when no redirect URI is configured. */
  domainName: string;
  /** The Host header: the host the browser thinks it is on, and keeps its cookies for. */
  host: string | undefined;
  /** Set on the request /login moved here itself (see MOVED). */
  moved: boolean;
}

/**
 * Marks the request /login moved to the redirect URI's host. If that one arrives with another Host
 * still, a proxy in front rewrites the header (the browser is where it should be): moving it
 * again would loop, so the login goes ahead.
 */
export const MOVED = 'moved';

/** Where to send the browser: Spotify's consent page with the state's cookie, or (no cookie) first to the right host. */
export interface LoginStart {
  location: string;
  cookie?: string;
}

/**
 * The state's cookie lands on the host the browser is on, and Spotify returns to the redirect
 * URI's: on another host (localhost for 127.0.0.1, the API's own domain for a custom one) the
 * browser would come back without it. Only the configured redirect URI's host is ever a target.
 */
function wrongHost(redirectUri: string, request: LoginRequest): string | undefined {
  if (request.moved || !request.host || request.host.toLowerCase() === new URL(redirectUri).host) return undefined;
  // This route beside the redirect URI's /callback: nothing of the request goes into it.
  const login = new URL('login', new URL('.', redirectUri));
  login.searchParams.set(MOVED, '1');
  return login.toString();
}

export async function startLogin(request: LoginRequest): Promise<LoginStart> {
  const config = loadConfig();
  // Derived from the request's own domain, the redirect URI is on the right host already.
  const moveTo = config.redirectUri ? wrongHost(config.redirectUri, request) : undefined;
  if (moveTo) {
    // Says why a browser bounced, should a proxy in front rewrite the Host header.
    logger.info('Login moved to the redirect URI\'s host', { requestHost: request.host?.slice(0, 100), redirectHost: new URL(moveTo).host });
    return { location: moveTo };
  }
  const redirectUri = redirectUriFor(config, request.domainName);
  const state = await createLoginState();
  // With nobody connected (a new site, or the owner disconnected) Spotify always asks: otherwise
  // it would skip its page for an account that allowed this app before, and a visit to /owner
  // after a disconnect would silently connect the owner again.
  const showDialog = !(await getOwner());
  return {
    location: authorizeUrl(config.clientId, redirectUri, state, SCOPES, showDialog),
    cookie: stateCookie(redirectUri, state, STATE_LIFETIME_SECONDS),
  };
}
