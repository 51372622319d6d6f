/**
 * The browser's half of a pending login: the state in an HttpOnly cookie scoped to the redirect
 * URI's path, so only /callback ever receives it, and only from the browser that started.
 */
import { parse as parseCookie, serialize as serializeCookie } from 'cookie';

export const STATE_COOKIE = 'spotify_highlights_state';

export function stateCookie(redirectUri: string, value: string, maxAge: number): string {
  const url = new URL(redirectUri);
  return serializeCookie(STATE_COOKIE, value, {
    httpOnly: true,
    sameSite: 'lax',
    secure: url.protocol === 'https:',
    path: url.pathname,
    maxAge,
  });
}

/** The state this browser holds, from the request's Cookie headers. */
export function stateFromCookies(cookies: readonly string[] | undefined): string | undefined {
  for (const cookie of cookies ?? []) {
    const value = parseCookie(cookie)[STATE_COOKIE];
    if (value) return value;
  }
  return undefined;
}
