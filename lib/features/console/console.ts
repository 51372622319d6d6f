/**
 * The owner's console: GET /owner (the standing in words and the settings form), GET and PUT
 * /owner/settings (JSON), POST /owner/disconnect. Every one needs the owner's session
 * (lib/owner/session.ts); a request that changes something is also checked by lib/http/body.ts.
 */
import { forgetAllListening, forgetHistory } from '../../listening/forget';
import { topList } from '../../listening/top-lists';
import { deletePendingLogins } from '../../owner/login-state';
import { deleteNoticeRecords } from '../../owner/notice-records';
import { serviceStatus, type BudgetStatus } from '../../listening/budget-status';
import type { Status } from '../../owner/owner-status';
import { deleteOwner } from '../../owner/owner-store';
import { endAllSessions, endSessionCookie, ownerSession } from '../../owner/session';
import { parseSettings, saveSettings, type OwnerSettings } from '../../owner/settings';
import { forgetStanding } from '../../owner/standing';
import { serviceBase } from '../../platform/config';
import { NoSession } from '../../platform/errors';
import { logger } from '../../platform/logger';
import { forgetContainerMemory } from '../../platform/memory';
import { requestDeadline } from '../../platform/request-context';
import type { Artist } from '../../spotify/types';

/** What the console's routes read of a request. */
export interface OwnerRequest {
  cookies: readonly string[] | undefined;
  /** The host the request came to (names the API when no redirect URI is configured). */
  domainName: string;
}

/** Sessions are Secure (and __Host- named) whenever the service is served over https. */
function secure(request: OwnerRequest): boolean {
  return serviceBase(request)?.protocol === 'https:';
}

function session(request: OwnerRequest) {
  return ownerSession(request.cookies, secure(request));
}

export interface ConsoleView {
  status: Status & { budget: BudgetStatus };
  settings: OwnerSettings;
  /** The owner's top artists now, as the public sees them (hidden ones left out), to pick from; empty when Spotify cannot be asked. */
  topArtists: Pick<Artist, 'id' | 'name'>[];
}

/** Where a browser without the owner's session goes: /login, beside the redirect URI. */
export function signInUrl(request: OwnerRequest): string {
  const base = serviceBase(request);
  return base ? new URL('login', base).toString() : '/login';
}

/** The console's content, or undefined without a valid session (the browser is then sent to signInUrl). */
export async function openConsole(request: OwnerRequest): Promise<ConsoleView | undefined> {
  const standing = await session(request).catch((error: unknown) => {
    if (error instanceof NoSession) return undefined;
    throw error;
  });
  if (!standing) return undefined;
  const status = await serviceStatus();
  const topArtists = await topList('artists', standing.settings.defaults.timeRange, { standing, readNow: true }).then(
    (result) => result.value.items.slice(0, 20).map(({ id, name }) => ({ id, name })),
    // The console works without them: the ids can be typed in.
    (error: unknown) => {
      logger.info('The console shows no top artists to pick from', { error: (error as Error).name });
      return [];
    },
  );
  return { status, settings: standing.settings, topArtists };
}

export async function readSettings(request: OwnerRequest): Promise<OwnerSettings> {
  return (await session(request)).settings;
}

/** Replaces the settings with `body` (whole, validated): every container applies them within OWNER_RECHECK_SECONDS. */
export async function changeSettings(request: OwnerRequest, body: unknown): Promise<OwnerSettings> {
  const owner = await session(request);
  const settings = parseSettings(body);
  const version = await saveSettings(owner.spotifyUserId, settings);
  // This container's snapshot of the owner holds the old settings: the next request reads the item.
  forgetStanding();
  logger.info('Owner settings changed', { version, hiddenArtists: settings.hiddenArtists.length, hiddenTracks: settings.hiddenTracks.length });
  return settings;
}

/** What a disconnect did: all of it (the cookie that removes this browser's session), or part of the history's deletion so far. */
export type Disconnected = { outcome: 'disconnected'; clearCookie: string; keptHistory: boolean } | { outcome: 'history_left'; deleted: number };

/** Time kept back from the request's deadline for what comes after the history, and the answer. */
const AFTER_HISTORY_MS = 3_000;

/**
 * Forgets the owner: the listening history (unless `keepHistory`), every stored result, the record
 * of notices sent, pending logins, their tokens and settings (the owner's item), and last their
 * sessions, so that a disconnect that fails half way can be run again from the console and
 * finishes. Years of plays may take longer than one request: then it answers how many went, and
 * the next run goes on. The next public request answers not_authorized (a container notices within
 * OWNER_RECHECK_SECONDS).
 */
export async function disconnect(request: OwnerRequest, { keepHistory }: { keepHistory: boolean }): Promise<Disconnected> {
  const owner = await session(request);
  if (!keepHistory) {
    const history = await forgetHistory(requestDeadline() - AFTER_HISTORY_MS);
    if (!history.done) {
      logger.info('Disconnecting: the history is not all deleted yet', { deleted: history.deleted });
      return { outcome: 'history_left', deleted: history.deleted };
    }
  }
  await forgetAllListening();
  await deleteNoticeRecords();
  const logins = await deletePendingLogins();
  // Conditional on the session's authorization: a reconnect that won the race stays.
  if (!(await deleteOwner(owner))) throw new NoSession();
  await endAllSessions();
  forgetContainerMemory();
  logger.info('Owner disconnected', { pendingLoginsDeleted: logins, keptHistory: keepHistory });
  return { outcome: 'disconnected', clearCookie: endSessionCookie(secure(request)), keptHistory: keepHistory };
}
