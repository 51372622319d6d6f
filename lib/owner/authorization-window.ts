/**
 * Spotify ends every authorization six months after the owner gave it, whatever the app does.
 * This is that end, how many days are left, and the warning due from WARNING_DAYS before it.
 */

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
