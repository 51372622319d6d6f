/**
 * What the owner (or their monitoring) needs to know: who is connected, until when Spotify will
 * honour the authorization (six months from when it was given, whatever the app does), and how
 * the last dealings with Spotify went. Never a token or a secret.
 */
import { getOwner } from './token-store';

/** Spotify ends an authorization six months after the owner gave it. */
export const AUTHORIZATION_MONTHS = 6;
/** From this many days before that end, the service warns. */
export const WARNING_DAYS = 14;
const DAY_MS = 86_400_000;

export interface AuthorizationWindow {
  expiresAt: string;
  daysLeft: number;
  warning: string | null;
}

export function authorizationWindow(authorizedAt: string, now = Date.now()): AuthorizationWindow {
  const end = new Date(authorizedAt);
  end.setUTCMonth(end.getUTCMonth() + AUTHORIZATION_MONTHS);
  const daysLeft = Math.max(0, Math.floor((end.getTime() - now) / DAY_MS));
  const warning =
    end.getTime() - now <= WARNING_DAYS * DAY_MS
      ? `Spotify will end this authorization on ${end.toISOString().slice(0, 10)} (${daysLeft} days left): open /login to renew it.`
      : null;
  return { expiresAt: end.toISOString(), daysLeft, warning };
}

export interface Status {
  connected: boolean;
  owner: { spotifyUserId: string; displayName: string | null } | null;
  authorizedAt: string | null;
  authorizationExpiresAt: string | null;
  daysLeft: number | null;
  warning: string | null;
  scopes: string[];
  lastRefresh: { at: string; outcome: string } | null;
  reauthorizationRequired: boolean;
  lastSpotifyError: { kind: string; status: number | null; at: string } | null;
  rateLimitedUntil: string | null;
}

export async function getStatus(): Promise<Status> {
  const owner = await getOwner();
  if (!owner) {
    return {
      connected: false,
      owner: null,
      authorizedAt: null,
      authorizationExpiresAt: null,
      daysLeft: null,
      warning: 'No Spotify account is connected yet: open /login.',
      scopes: [],
      lastRefresh: null,
      reauthorizationRequired: false,
      lastSpotifyError: null,
      rateLimitedUntil: null,
    };
  }
  const window = authorizationWindow(owner.authorizedAt);
  const reauth = Boolean(owner.reauthRequired);
  return {
    connected: !reauth,
    owner: { spotifyUserId: owner.spotifyUserId, displayName: owner.displayName },
    authorizedAt: owner.authorizedAt,
    authorizationExpiresAt: window.expiresAt,
    daysLeft: window.daysLeft,
    warning: reauth ? 'Spotify no longer accepts the stored authorization: open /login to connect again.' : window.warning,
    scopes: owner.scopes,
    lastRefresh: owner.lastRefreshAt ? { at: owner.lastRefreshAt, outcome: owner.lastRefreshOutcome ?? 'unknown' } : null,
    reauthorizationRequired: reauth,
    lastSpotifyError: owner.lastSpotifyError ?? null,
    rateLimitedUntil: owner.notBefore && owner.notBefore > Date.now() ? new Date(owner.notBefore).toISOString() : null,
  };
}
