/**
 * The one mapping from what went wrong (lib/platform/errors.ts) to what the service answers:
 * status, code, message and headers. Errors the HTTP layer raises itself (and middy's) are
 * http-errors HttpErrors and keep their own answer. Unknown errors become a generic 500 and are
 * never echoed.
 */
import createHttpError, { isHttpError, type HttpError } from 'http-errors';
import {
  ConfigError,
  InvalidRequest,
  NotAuthorized,
  NotOwner,
  ReauthorizationRequired,
  SpotifyError,
  StorageError,
} from '../platform/errors';

export interface ErrorAnswer {
  status: number;
  /** Machine-readable, stable: the `error` of a JSON answer. */
  code: string;
  /** For a person; written by us, never an error's internals. */
  message: string;
  headers: Record<string, string>;
  /** Set when only the owner can fix it, by connecting Spotify (again) at /login. */
  ownerMust?: 'connect' | 'reconnect';
}

/** An error the HTTP layer raises about the request itself (e.g. a method it does not serve). */
export function httpError(status: number, code: string, message: string, headers: Record<string, string> = {}): HttpError {
  return createHttpError(status, message, { code, headers, expose: true });
}

function answer(status: number, code: string, message: string, headers: Record<string, string> = {}): ErrorAnswer {
  return { status, code, message, headers };
}

const reauthorization = (): ErrorAnswer => ({
  ...answer(503, 'reauthorization_required', new ReauthorizationRequired().message),
  ownerMust: 'reconnect',
});

function fromSpotify(error: SpotifyError): ErrorAnswer {
  switch (error.kind) {
    case 'invalid_grant':
      return reauthorization();
    case 'rate_limited':
      return answer(503, 'rate_limited', 'Spotify asked us to slow down. Try again shortly.', { 'Retry-After': String(error.retryAfterSeconds ?? 30) });
    case 'forbidden':
      return answer(
        502,
        'spotify_forbidden',
        'Spotify refused the request. Check that the owner is added to the app in the Spotify developer dashboard and has granted user-top-read, then visit /login again.',
      );
    case 'invalid_client':
      return answer(500, 'configuration_error', 'Spotify rejected the client id or secret. Check SPOTIFY_CLIENT_ID and SPOTIFY_CLIENT_SECRET.');
    case 'timeout':
      return answer(504, 'spotify_timeout', 'Spotify did not answer in time. Try again shortly.');
    default:
      return answer(502, 'spotify_unavailable', 'Spotify is not answering properly right now. Try again shortly.');
  }
}

/** What the service answers for anything a handler threw. */
export function errorAnswer(error: unknown): ErrorAnswer {
  if (error instanceof InvalidRequest) return answer(400, error.code, error.message);
  if (error instanceof NotOwner) return answer(403, 'not_owner', error.message);
  if (error instanceof NotAuthorized) return { ...answer(503, 'not_authorized', error.message), ownerMust: 'connect' };
  if (error instanceof ReauthorizationRequired) return reauthorization();
  if (error instanceof SpotifyError) return fromSpotify(error);
  if (error instanceof ConfigError) return answer(500, 'configuration_error', error.message);
  if (error instanceof StorageError) return answer(503, 'storage_unavailable', 'The token store is not answering right now. Try again shortly.');
  if (isHttpError(error) && error.expose) {
    const code = typeof error.code === 'string' ? error.code : 'error';
    return answer(error.status, code, error.message, (error.headers ?? {}) as Record<string, string>);
  }
  return answer(500, 'internal_error', 'Something went wrong on our side.');
}
