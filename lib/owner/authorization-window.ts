/**
 * Spotify ends every authorization six months after the owner gave it, whatever the app does.
 * This is that end, how many days are left, and the warning due from WARNING_DAYS before it.
 */

// Temporal's tree-shakeable functions: this file is in nearly every function, which carries only
// these few (~7 kB zipped; the `Temporal` classes would be ~20 kB in each). The end is a UTC wall
// clock's arithmetic, no time zone: PlainDateTime, without the zones' code a ZonedDateTime brings.
import * as PlainDateTime from 'temporal-polyfill/fns/PlainDateTime';

/** Spotify ends an authorization six months after the owner gave it. */
export const AUTHORIZATION_MONTHS = 6;
/**
 * Spotify does not say how it counts six months: six calendar months are 181 to 184 days, and its
 * refresh tokens are taken to last 183 days (the emulator's model). The service says the earlier of
 * the two, so it never promises a day Spotify may not give (authorized on 31 July, six calendar
 * months would end on 31 January, 184 days later).
 */
export const AUTHORIZATION_MAX_DAYS = 183;
/** From this many days before that end, the service warns. */
export const WARNING_DAYS = 14;
const DAY_MS = 86_400_000;

export interface AuthorizationWindow {
  expiresAt: string;
  daysLeft: number;
  warning: string | null;
}

/**
 * When Spotify ends an authorization given at `authorizedAt`: six calendar months later in UTC, a
 * month too short for the day ending it on its last day (31 August → 28 February, the earlier and
 * safer end, never 3 March), and never past AUTHORIZATION_MAX_DAYS.
 */
function authorizationEnd(authorizedAt: string): number {
  const at = new Date(authorizedAt);
  const start = PlainDateTime.create(at.getUTCFullYear(), at.getUTCMonth() + 1, at.getUTCDate(), at.getUTCHours(), at.getUTCMinutes(), at.getUTCSeconds(), at.getUTCMilliseconds());
  const end = PlainDateTime.addMonths(start, AUTHORIZATION_MONTHS, { overflow: 'constrain' });
  const sixMonths = Date.UTC(end.year, end.month - 1, end.day, end.hour, end.minute, end.second, end.millisecond);
  return Math.min(sixMonths, at.getTime() + AUTHORIZATION_MAX_DAYS * DAY_MS);
}

export function authorizationWindow(authorizedAt: string, now = Date.now()): AuthorizationWindow {
  const end = authorizationEnd(authorizedAt);
  const expiresAt = new Date(end).toISOString();
  const daysLeft = Math.max(0, Math.floor((end - now) / DAY_MS));
  const warning =
    end - now <= WARNING_DAYS * DAY_MS
      ? `Spotify will end this authorization on ${expiresAt.slice(0, 10)} (${daysLeft} days left): open /login to renew it.`
      : null;
  return { expiresAt, daysLeft, warning };
}
