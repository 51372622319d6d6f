/** Spotify's accounts service: the authorize URL, the code exchange and the token refresh. */
import { SpotifyError } from '../platform/errors';
import { call, client, text } from './client';
import type { Credentials, TokenGrant } from './types';

export const AUTHORIZE_URL = 'https://accounts.spotify.com/authorize';

/** The authorize URL, built with proper encoding (the library's builder does not encode values). */
/** Spotify's consent page; `showDialog` makes Spotify show it even to an account that allowed these scopes before. */
export function authorizeUrl(clientId: string, redirectUri: string, state: string, scopes: readonly string[], showDialog = false): string {
  const query = new URLSearchParams({
    response_type: 'code',
    client_id: clientId,
    redirect_uri: redirectUri,
    scope: scopes.join(' '),
    state,
    ...(showDialog ? { show_dialog: 'true' } : {}),
  });
  return `${AUTHORIZE_URL}?${query.toString()}`;
}

function grantFrom(body: Record<string, unknown>): TokenGrant {
  const expiresIn = Number(body.expires_in);
  const refreshToken = typeof body.refresh_token === 'string' && body.refresh_token !== '' ? body.refresh_token : undefined;
  return {
    accessToken: text(body.access_token),
    expiresInSeconds: Number.isFinite(expiresIn) && expiresIn > 0 ? expiresIn : 3600,
    ...(refreshToken ? { refreshToken } : {}),
    scopes: typeof body.scope === 'string' ? body.scope.split(' ').filter(Boolean) : [],
  };
}

export async function exchangeCode(credentials: Credentials, code: string): Promise<TokenGrant> {
  const api = await client(credentials);
  const body = await call(() => api.authorizationCodeGrant(code));
  const grant = grantFrom(body as unknown as Record<string, unknown>);
  if (!grant.refreshToken) throw new SpotifyError('bad_response');
  return grant;
}

export async function refreshAccessToken(credentials: Credentials, refreshToken: string): Promise<TokenGrant> {
  const api = await client({ ...credentials, refreshToken });
  // Refreshes draw on their own reserve, whoever's request needed the token.
  const body = await call(() => api.refreshAccessToken(), 'refresh');
  return grantFrom(body as unknown as Record<string, unknown>);
}
