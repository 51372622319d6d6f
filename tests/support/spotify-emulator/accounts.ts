// accounts.spotify.com rules: /authorize validation (as enforced since Nov 2025) and client authentication.
import type { AppSpec, AuthorizeRequest, ModelResponse } from './types';
import { oauthError, toParams, withQuery } from './util';

export const KNOWN_SCOPES: ReadonlySet<string> = new Set([
  'ugc-image-upload', 'user-read-playback-state', 'user-modify-playback-state', 'user-read-currently-playing',
  'app-remote-control', 'streaming', 'playlist-read-private', 'playlist-read-collaborative',
  'playlist-modify-private', 'playlist-modify-public', 'user-follow-modify', 'user-follow-read',
  'user-read-playback-position', 'user-top-read', 'user-read-recently-played', 'user-library-modify',
  'user-library-read', 'user-read-email', 'user-read-private', 'user-personalized',
]);

/** Thrown by authorize(). Without `redirectTo` Spotify shows an error page with `message`. */
export class AuthorizeError extends Error {
  constructor(message: string, readonly redirectTo?: string) {
    super(message);
    this.name = 'AuthorizeError';
  }
}

function isInsecure(url: URL): boolean {
  if (url.hostname === 'localhost' || url.hostname.endsWith('.localhost')) return true;
  // Loopback must be an IP literal; custom schemes (mobile apps) are allowed.
  return url.protocol === 'http:' && url.hostname !== '127.0.0.1' && url.hostname !== '[::1]';
}

type FindApp = (clientId: string) => (AppSpec & { name: string }) | undefined;

export function validateAuthorize(input: URLSearchParams | Record<string, string | undefined>, findApp: FindApp): AuthorizeRequest {
  const p = toParams(input);
  const app = findApp(p.get('client_id') ?? '');
  if (!app) throw new AuthorizeError('INVALID_CLIENT: Invalid client');
  const redirectUri = p.get('redirect_uri') ?? '';
  let url: URL;
  try {
    url = new URL(redirectUri);
  } catch {
    throw new AuthorizeError('INVALID_CLIENT: Invalid redirect URI');
  }
  // Checked before the allow-list: legacy apps may still list a localhost URI.
  if (isInsecure(url)) throw new AuthorizeError('INVALID_CLIENT: Insecure redirect URI');
  if (!app.redirectUris.includes(redirectUri)) throw new AuthorizeError('INVALID_CLIENT: Invalid redirect URI');
  const state = p.get('state') ?? undefined;
  // Client and redirect URI are trusted now, so later errors go back to the app (RFC 6749 4.1.2.1).
  if (p.get('response_type') !== 'code') {
    throw new AuthorizeError('unsupported_response_type',
      withQuery(redirectUri, { error: 'unsupported_response_type', state }));
  }
  const scopes = (p.get('scope') ?? '').split(/\s+/).filter(Boolean);
  if (scopes.some((s) => !KNOWN_SCOPES.has(s))) throw new AuthorizeError('INVALID_SCOPE: Illegal scope');
  return {
    clientId: app.clientId, appName: app.name, redirectUri, scopes, state, showDialog: p.get('show_dialog') === 'true',
  };
}

/** /api/token client auth: Basic header, or client_id/client_secret in the form. */
export function authenticateClient(header: string | undefined, form: URLSearchParams, findApp: FindApp): { clientId: string } | ModelResponse {
  let id = form.get('client_id') ?? undefined;
  let secret = form.get('client_secret') ?? undefined;
  if (header !== undefined) {
    const match = /^Basic\s+(\S+)$/i.exec(header);
    const decoded = match ? Buffer.from(match[1]!, 'base64').toString('utf8') : '';
    const colon = decoded.indexOf(':');
    if (colon < 0) return oauthError('invalid_client', 'Invalid client');
    const headerId = decoded.slice(0, colon);
    if (id !== undefined && id !== headerId) return oauthError('invalid_client', 'Invalid client');
    id = headerId;
    secret = decoded.slice(colon + 1);
  }
  const app = findApp(id ?? '');
  if (!app) return oauthError('invalid_client', 'Invalid client');
  // PKCE (no secret) is not emulated: this service is a confidential client.
  if (secret !== app.clientSecret) return oauthError('invalid_client', 'Invalid client secret');
  return { clientId: app.clientId };
}
