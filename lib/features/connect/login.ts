/**
 * GET /login: a new single-use state, and the way to Spotify's consent page asking for the
 * service's scopes, with the state bound to this browser by its cookie.
 */
import { createLoginState, STATE_LIFETIME_SECONDS } from '../../owner/login-state';
import { SCOPES } from '../../owner/scopes';
import { loadConfig, type Config } from '../../platform/config';
import { authorizeUrl } from '../../spotify/accounts';
import { stateCookie } from './state-cookie';

/** The redirect URI: configured, or (deployed without one) this API's own /callback. */
export function redirectUriFor(config: Config, domainName: string): string {
  return config.redirectUri || `https://${domainName}/callback`;
}

/** `domainName` is the host the request came to. */
export async function startLogin(domainName: string): Promise<{ location: string; cookie: string }> {
  const config = loadConfig();
  const redirectUri = redirectUriFor(config, domainName);
  const state = await createLoginState();
  return {
    location: authorizeUrl(config.clientId, redirectUri, state, SCOPES),
    cookie: stateCookie(redirectUri, state, STATE_LIFETIME_SECONDS),
  };
}
