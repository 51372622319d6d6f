/**
 * The owner's session: after the owner connects, a signed cookie lets that browser open the
 * console (GET /owner) and change the settings for SESSION_HOURS. It names the authorization it
 * came from, so a reconnect, a disconnect or another account taking over ends every session at
 * once. It is signed (HMAC-SHA256) with a key the service creates at random on first use and keeps
 * in DynamoDB (pk "session-key"): never in the environment, a log or the template. Deleting that
 * item (disconnect) ends every session too: every check reads it.
 */
import { parse as parseCookie, serialize as serializeCookie } from 'cookie';
import { NoSession, NotAuthorized } from '../platform/errors';
import type { OwnerKey } from './owner-store';
import { deleteKey, readKey, sign, signedBy, signingKey } from './signing-key';
import { readStanding, type Standing } from './standing';

export const SESSION_HOURS = 12;
const SESSION_MS = SESSION_HOURS * 3_600_000;

/** Over https the cookie is __Host- prefixed (Secure, Path=/, no Domain: only this host ever gets it). */
export const SECURE_SESSION_COOKIE = '__Host-owner-session';
/** Over plain http (a local run on 127.0.0.1) browsers refuse Secure and __Host- cookies. */
export const LOCAL_SESSION_COOKIE = 'owner-session';

/** The key that signs sessions (lib/owner/signing-key.ts): read on every use, as console requests are few. */
const SESSION_KEY = 'session-key';

interface Claims {
  /** The owner's Spotify user id, the authorization, the key's id, and when it ends (epoch ms). */
  u: string;
  a: string;
  k: string;
  e: number;
}

function cookieName(secure: boolean): string {
  return secure ? SECURE_SESSION_COOKIE : LOCAL_SESSION_COOKIE;
}

/** The Set-Cookie value that starts a session for `owner` (just bound under that authorization). */
export async function startSession(owner: OwnerKey, secure: boolean): Promise<string> {
  const key = await signingKey(SESSION_KEY);
  const claims: Claims = { u: owner.spotifyUserId, a: owner.authorization, k: key.id, e: Date.now() + SESSION_MS };
  const payload = Buffer.from(JSON.stringify(claims)).toString('base64url');
  return serializeCookie(cookieName(secure), `${payload}.${sign(key, payload)}`, {
    httpOnly: true,
    sameSite: 'strict',
    secure,
    path: '/',
    maxAge: SESSION_MS / 1000,
  });
}

/** The Set-Cookie value that removes the session from the browser. */
export function endSessionCookie(secure: boolean): string {
  return serializeCookie(cookieName(secure), '', { httpOnly: true, sameSite: 'strict', secure, path: '/', maxAge: 0 });
}

function sessionValue(cookies: readonly string[] | undefined, secure: boolean): string | undefined {
  for (const cookie of cookies ?? []) {
    const value = parseCookie(cookie)[cookieName(secure)];
    if (value) return value;
  }
  return undefined;
}

function claimsOf(value: string): { claims: Claims; payload: string; signature: string } | undefined {
  const [payload, signature, extra] = value.split('.');
  if (!payload || !signature || extra !== undefined || payload.length > 1024) return undefined;
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Partial<Claims>;
    if (typeof claims.u !== 'string' || typeof claims.a !== 'string' || typeof claims.k !== 'string' || typeof claims.e !== 'number') return undefined;
    return { claims: claims as Claims, payload, signature };
  } catch {
    return undefined;
  }
}

/**
 * The owner, when the request carries a valid session: signed with the current key, not expired,
 * and naming the authorization the owner's item holds now (read consistently). NoSession otherwise.
 */
export async function ownerSession(cookies: readonly string[] | undefined, secure: boolean): Promise<Standing> {
  const value = sessionValue(cookies, secure);
  const parsed = value && claimsOf(value);
  if (!parsed || parsed.claims.e <= Date.now()) throw new NoSession();
  const key = await readKey(SESSION_KEY);
  if (!key || key.id !== parsed.claims.k || !signedBy(key, parsed.payload, parsed.signature)) throw new NoSession();
  const standing = await readStanding().catch((error: unknown) => {
    throw error instanceof NotAuthorized ? new NoSession() : error;
  });
  if (standing.spotifyUserId !== parsed.claims.u || standing.authorization !== parsed.claims.a) throw new NoSession();
  return standing;
}

/** Ends every session: the key goes, and the next session is signed with a new one. */
export async function endAllSessions(): Promise<void> {
  await deleteKey(SESSION_KEY);
}
