/**
 * One way to raise an HTTP error, and one place that maps every failure to an HTTP answer.
 * Unknown errors are narrowed to a generic 500 and never echoed.
 */
import createHttpError, { isHttpError, type HttpError } from 'http-errors';
import { ConfigError } from './config';
import { SpotifyError } from './spotify-types';
import { StorageError } from './store';

export type { HttpError };

export function httpError(status: number, code: string, message: string, headers: Record<string, string> = {}): HttpError {
  return createHttpError(status, message, { code, headers, expose: true });
}

export const notAuthorized = () =>
  httpError(503, 'not_authorized', 'No Spotify account is connected yet. The site owner should open /login in a browser to connect Spotify.');

export const reauthorizationRequired = () =>
  httpError(
    503,
    'reauthorization_required',
    'Spotify no longer accepts the stored authorization (it expired or was revoked). The site owner should open /login in a browser to connect again.',
  );

function fromSpotify(error: SpotifyError): HttpError {
  switch (error.kind) {
    case 'invalid_grant':
      return reauthorizationRequired();
    case 'rate_limited':
      return httpError(503, 'rate_limited', 'Spotify asked us to slow down. Try again shortly.', {
        'Retry-After': String(error.retryAfterSeconds ?? 30),
      });
    case 'forbidden':
      return httpError(502, 'spotify_forbidden', 'Spotify refused the request. Check that the owner is added to the app in the Spotify developer dashboard and has granted user-top-read, then visit /login again.');
    case 'invalid_client':
      return httpError(500, 'configuration_error', 'Spotify rejected the client id or secret. Check SPOTIFY_CLIENT_ID and SPOTIFY_CLIENT_SECRET.');
    case 'timeout':
      return httpError(504, 'spotify_timeout', 'Spotify did not answer in time. Try again shortly.');
    default:
      return httpError(502, 'spotify_unavailable', 'Spotify is not answering properly right now. Try again shortly.');
  }
}

/** Maps anything thrown by a handler to an exposable HttpError. */
export function toHttpError(error: unknown): HttpError {
  if (isHttpError(error) && error.expose) return error;
  if (error instanceof ConfigError) return httpError(500, 'configuration_error', error.message);
  if (error instanceof SpotifyError) return fromSpotify(error);
  if (error instanceof StorageError) return httpError(503, 'storage_unavailable', 'The token store is not answering right now. Try again shortly.');
  return httpError(500, 'internal_error', 'Something went wrong on our side.');
}

export function errorCode(error: HttpError): string {
  return typeof error.code === 'string' ? error.code : 'error';
}
