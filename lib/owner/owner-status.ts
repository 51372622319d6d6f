/**
 * The owner's standing as facts, for GET /status and the owner's console: who is connected, until
 * when Spotify will honour the authorization, and how the last dealings with Spotify went. Never a
 * token or a secret.
 */
import { authorizationWindow } from './authorization-window';
import { lastSentNotice, noticeSent } from './notice-records';
import { dueNotices, nextExpiryNotice, type NoticeContext } from './notices';
import { getOwner, ownerKeyOf, type OwnerRecord } from './owner-store';
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
  /** The owner's notices (the watch): the next one due (now, if one is due and not yet sent), and the last one sent. */
  notices: { next: { cause: string; title: string | null; at: string } | null; lastSent: { cause: string; title: string; at: string; channel: string } | null };
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
  notices: { next: null, lastSent: null },
};

/** The owner's standing (`context`: what else a notice may be due for); a coming end of the authorization is also logged as a warning. */
export async function getStatus(context: NoticeContext = {}): Promise<Status> {
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
    notices: await noticesOf(owner, context),
  };
}

/** The next notice due and the last one sent, for this authorization. */
async function noticesOf(owner: OwnerRecord, context: NoticeContext): Promise<Status['notices']> {
  const key = ownerKeyOf(owner);
  const now = Date.now();
  let next: Status['notices']['next'] = null;
  for (const notice of dueNotices(owner, '', now, context)) {
    // The log is every run's channel: a notice not logged yet is still to be sent.
    if (!(await noticeSent(key, notice.cause, 'log'))) {
      next = { cause: notice.cause, title: notice.title, at: new Date(now).toISOString() };
      break;
    }
  }
  if (!next) {
    const expiry = nextExpiryNotice(owner, now);
    next = expiry ? { ...expiry, title: null } : null;
  }
  return { next, lastSent: (await lastSentNotice(key)) ?? null };
}
