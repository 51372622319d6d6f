/**
 * The one mapping from what went wrong (lib/platform/errors.ts, where each error carries its
 * code) to what the service answers: status, message and headers. Errors the HTTP layer raises itself (and middy's) are
 * http-errors HttpErrors and keep their own answer. Unknown errors become a generic 500 and are
 * never echoed.
 */
import createHttpError, { isHttpError, type HttpError } from 'http-errors';
import {
  AccountNotAllowed,
  CollectorBehind,
  ConfigError,
  CrossSite,
  InvalidRequest,
  NoSession,
  NotAuthorized,
  NotOwner,
  ReauthorizationRequired,
  ScopeMissing,
  ServiceError,
  SpotifyError,
  StorageError,
  dailyLimitMessage,
} from '../platform/errors';

export interface ErrorAnswer {
  status: number;
  /** Machine-readable, stable: the `error` of a JSON answer. */
  code: string;
  /** For a person; written by us, never an error's internals. */
  message: string;
  headers: Record<string, string>;
  /** Set when only the owner can fix it at /login: by connecting, connecting again, or allowing more. */
  ownerMust?: 'connect' | 'reconnect' | 'allow';
}

/** An error the HTTP layer raises about the request itself (e.g. a method it does not serve). */
export function httpError(status: number, code: string, message: string, headers: Record<string, string> = {}): HttpError {
  return createHttpError(status, message, { code, headers, expose: true });
}

function answer(status: number, error: ServiceError, message = error.message, headers: Record<string, string> = {}): ErrorAnswer {
  return { status, code: error.code, message, headers };
}

function fromSpotify(error: SpotifyError): ErrorAnswer {
  switch (error.kind) {
    case 'invalid_grant':
      return { ...answer(503, error, new ReauthorizationRequired().message), ownerMust: 'reconnect' };
    case 'quota_exceeded':
    case 'budget':
      return answer(503, error, dailyLimitMessage(error) ?? error.message, { 'Retry-After': String(error.retryAfterSeconds ?? 3600) });
    case 'rate_limited':
      return answer(503, error, 'Spotify asked us to slow down. Try again shortly.', { 'Retry-After': String(error.retryAfterSeconds ?? 30) });
    case 'forbidden':
      return answer(
        502,
        error,
        'Spotify refused the request. Check that the owner is added to the app in the Spotify developer dashboard and has granted user-top-read, then visit /login again.',
      );
    case 'scope_missing':
      return { ...answer(503, error, 'Spotify has not allowed this site to read that. The site owner should open /login again to allow it.'), ownerMust: 'allow' };
    case 'invalid_client':
      return answer(500, error, 'Spotify rejected the client id or secret. Check SPOTIFY_CLIENT_ID and SPOTIFY_CLIENT_SECRET.');
    case 'timeout':
      return answer(504, error, 'Spotify did not answer in time. Try again shortly.');
    default:
      return answer(502, error, 'Spotify is not answering properly right now. Try again shortly.');
  }
}

/** What the service answers for anything a handler threw. */
export function errorAnswer(error: unknown): ErrorAnswer {
  if (error instanceof InvalidRequest) return answer(400, error);
  if (error instanceof NotOwner || error instanceof AccountNotAllowed || error instanceof CrossSite) return answer(403, error);
  if (error instanceof NoSession) return answer(401, error);
  if (error instanceof NotAuthorized) return { ...answer(503, error), ownerMust: 'connect' };
  if (error instanceof ReauthorizationRequired) return { ...answer(503, error), ownerMust: 'reconnect' };
  if (error instanceof ScopeMissing) return { ...answer(503, error), ownerMust: 'allow' };
  if (error instanceof SpotifyError) return fromSpotify(error);
  if (error instanceof ConfigError) return answer(500, error);
  if (error instanceof StorageError) return answer(503, error, 'The token store is not answering right now. Try again shortly.');
  if (error instanceof CollectorBehind) return answer(503, error);
  if (isHttpError(error) && error.expose) {
    const code = typeof error.code === 'string' ? error.code : 'error';
    return { status: error.status, code, message: error.message, headers: (error.headers ?? {}) as Record<string, string> };
  }
  return { status: 500, code: 'internal_error', message: 'Something went wrong on our side.', headers: {} };
}
