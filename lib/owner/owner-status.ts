/**
 * The owner's standing as facts, for GET /status and the owner's console: who is connected, until
 * when Spotify will honour the authorization, and how the last dealings with Spotify went. Never a
 * token or a secret.
 */
import { authorizationWindow } from './authorization-window';
import { getOwner } from './owner-store';
import { missingScopes } from './scopes';
import { logger } from '../platform/logger';

export interface Status {
  connected: boolean;
  owner: { spotifyUserId: string; displayName: string | null } | null;
  authorizedAt: string | null;
  authorizationExpiresAt: string | null;
  daysLeft: number | null;
  warning: string | null;
  scopes: string[];
  /** What the service asks for that this authorization does not allow: open /login again to allow it. */
  missingScopes: string[];
  lastRefresh: { at: string; outcome: string } | null;
  reauthorizationRequired: boolean;
  lastSpotifyError: { kind: string; status: number | null; at: string } | null;
  rateLimitedUntil: string | null;
}

const NOBODY: Status = {
  connected: false,
  owner: null,
  authorizedAt: null,
  authorizationExpiresAt: null,
  daysLeft: null,
  warning: 'No Spotify account is connected yet: open /login.',
  scopes: [],
  missingScopes: [],
  lastRefresh: null,
  reauthorizationRequired: false,
  lastSpotifyError: null,
  rateLimitedUntil: null,
};

/** The owner's standing; a coming end of the authorization is also logged as a warning. */
export async function getStatus(): Promise<Status> {
  const owner = await getOwner();
  if (!owner) return { ...NOBODY };
  const window = authorizationWindow(owner.authorizedAt);
  const reauth = Boolean(owner.reauthRequired);
  if (window.warning && !reauth) logger.warn(window.warning, { daysLeft: window.daysLeft });
  return {
    connected: !reauth,
    owner: { spotifyUserId: owner.spotifyUserId, displayName: owner.displayName },
    authorizedAt: owner.authorizedAt,
    authorizationExpiresAt: window.expiresAt,
    daysLeft: window.daysLeft,
    warning: reauth ? 'Spotify no longer accepts the stored authorization: open /login to connect again.' : window.warning,
    scopes: owner.scopes,
    missingScopes: missingScopes(owner.scopes, owner.refusedScopes),
    lastRefresh: owner.lastRefreshAt ? { at: owner.lastRefreshAt, outcome: owner.lastRefreshOutcome ?? 'unknown' } : null,
    reauthorizationRequired: reauth,
    lastSpotifyError: owner.lastSpotifyError ?? null,
    rateLimitedUntil: owner.notBefore && owner.notBefore > Date.now() ? new Date(owner.notBefore).toISOString() : null,
  };
}
