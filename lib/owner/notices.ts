/**
 * What needs the owner, as notices: Spotify's six-month end near (14, 3 and 1 days before),
 * re-authorization required, scopes missing for some endpoints, token refreshes failing for more
 * than a day, and Spotify's daily quota spent (once per lockout, named by when it began). Each has a `cause` that names it and its threshold; the watch sends each cause once
 * per authorization (notice-records.ts), so a reconnect (a new authorization) starts afresh.
 * A notice says what happened, the date it matters and the one link that fixes it; it is built
 * from the owner's item alone and never carries a token, a code or a secret.
 */
import { clockTime } from '../platform/errors';
import { authorizationWindow } from './authorization-window';
import type { OwnerRecord } from './owner-store';
import { ENDPOINTS_NEEDING, missingScopes } from './scopes';

/** Days before Spotify's end at which a notice is due. */
export const EXPIRY_DAYS = [14, 3, 1] as const;
/** Refreshes failing for longer than this are worth a notice. */
export const REFRESH_FAILING_MS = 86_400_000;
const DAY_MS = 86_400_000;

export interface Notice {
  /** E.g. "expiry-3", "reauthorization", "scopes-user-read-recently-played", "refresh-failing-<since>". */
  cause: string;
  /** One line, for a subject. */
  title: string;
  /** What happened, the date it matters, and the link. */
  text: string;
  /** ISO-8601: when it matters. */
  mattersAt: string;
  /** The one link that fixes it: the service's /login (or, for what only waiting fixes, the owner's console). */
  link: string;
}

/** Spotify's daily quota spent: every call refused from `since` until `until` (epoch ms). */
export interface QuotaLockout {
  since: number;
  until: number;
}

/** What a notice may tell beside the owner's item: Spotify's quota, and where the owner's console is. */
export interface NoticeContext {
  lockout?: QuotaLockout;
  consoleLink?: string;
  /** SPOTIFY_DAILY_BUDGET, for the advice. */
  dailyBudget?: number;
}

const day = (iso: string) => iso.slice(0, 10);

/** The most urgent expiry threshold reached at `now` (e.g. 3 when 2.5 days are left), if any. */
function expiryThreshold(expiresAt: number, now: number): number | undefined {
  const left = expiresAt - now;
  return [...EXPIRY_DAYS].sort((a, b) => a - b).find((days) => left <= days * DAY_MS);
}

/** Spotify refuses every call until the lockout ends: the owner is told once per lockout. */
function quotaNotice({ lockout, consoleLink = '', dailyBudget }: NoticeContext, now: number): Notice | undefined {
  if (!lockout || lockout.until <= now) return undefined;
  const advice = dailyBudget ? ` If it happens again, set SPOTIFY_DAILY_BUDGET (now ${dailyBudget}) below what Spotify allows your app.` : '';
  return {
    cause: `quota-${new Date(lockout.since).toISOString()}`,
    title: `Spotify's daily quota is spent until ${clockTime(lockout.until)}`,
    text:
      `Since ${clockTime(lockout.since)}, Spotify refuses every call of this site's app: its daily quota is spent until ${clockTime(lockout.until)}. ` +
      `Your pages show what was fetched last, marked stale, and the listening history catches up after.${advice} ${consoleLink}`.trimEnd(),
    mattersAt: new Date(lockout.until).toISOString(),
    link: consoleLink,
  };
}

/** Every notice due for `owner` at `now`, most urgent first. */
export function dueNotices(owner: OwnerRecord, link: string, now = Date.now(), context: NoticeContext = {}): Notice[] {
  const notices: Notice[] = [];
  const quota = quotaNotice(context, now);
  if (quota) notices.push(quota);
  const fix = `Connect Spotify again (it takes a minute): ${link}`;
  if (owner.reauthRequired) {
    const at = owner.lastRefreshAt ?? new Date(now).toISOString();
    notices.push({
      cause: 'reauthorization',
      title: 'Spotify no longer accepts your site’s authorization',
      text: `Since ${day(at)}, Spotify refuses this site’s access to your listening, so your cards ask visitors to wait and the JSON is stale. ${fix}`,
      mattersAt: at,
      link,
    });
  } else {
    const window = authorizationWindow(owner.authorizedAt, now);
    const expiresAt = Date.parse(window.expiresAt);
    const threshold = expiryThreshold(expiresAt, now);
    if (threshold !== undefined) {
      const when = expiresAt > now ? `on ${day(window.expiresAt)}, in ${window.daysLeft === 0 ? 'less than a day' : `${window.daysLeft} day${window.daysLeft === 1 ? '' : 's'}`}` : `on ${day(window.expiresAt)}`;
      notices.push({
        cause: `expiry-${threshold}`,
        title: `Spotify ends your site’s authorization ${expiresAt > now ? `in ${threshold} day${threshold === 1 ? '' : 's'}` : 'now'}`,
        text: `Spotify ends every authorization six months after it was given: this site’s ends ${when}. After that your cards ask visitors to wait until you reconnect. ${fix}`,
        mattersAt: window.expiresAt,
        link,
      });
    }
  }
  const missing = missingScopes(owner.scopes ?? [], owner.refusedScopes);
  if (missing.length) {
    const endpoints = missing.flatMap((scope) => ENDPOINTS_NEEDING[scope] ?? []);
    notices.push({
      cause: `scopes-${missing.join('+')}`,
      title: 'Some endpoints need you to allow more on Spotify',
      text: `Spotify has not allowed this site ${missing.join(', ')}, so ${endpoints.join(', ')} answer scope_missing (their cards ask you to reconnect). ${fix}`,
      mattersAt: owner.authorizedAt,
      link,
    });
  }
  const since = owner.refreshFailingSince;
  if (since && (owner.refreshFailures ?? 0) > 0 && now - Date.parse(since) > REFRESH_FAILING_MS) {
    notices.push({
      cause: `refresh-failing-${since}`,
      title: 'Spotify’s token service has been failing for more than a day',
      text: `Since ${day(since)}, every token refresh failed (${owner.lastRefreshOutcome ?? 'unknown'}): the service keeps trying and serves the last good results, for at most a week after they were fetched. If it lasts, check Spotify’s status and your app in the developer dashboard; connecting again may help: ${link}`,
      mattersAt: since,
      link,
    });
  }
  return notices;
}

/** When the next expiry notice falls due, if none is due yet (the watch may run later than that). */
export function nextExpiryNotice(owner: OwnerRecord, now = Date.now()): { cause: string; at: string } | null {
  if (owner.reauthRequired) return null;
  const expiresAt = Date.parse(authorizationWindow(owner.authorizedAt, now).expiresAt);
  const current = expiryThreshold(expiresAt, now);
  const next = [...EXPIRY_DAYS].sort((a, b) => b - a).find((days) => current === undefined || days < current);
  return next === undefined ? null : { cause: `expiry-${next}`, at: new Date(expiresAt - next * DAY_MS).toISOString() };
}
