import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../lib/config';
import { errorCode, httpError, toHttpError } from '../../lib/errors';
import { SpotifyError } from '../../lib/spotify-types';
import { StorageError } from '../../lib/store';

function mapped(error: unknown) {
  const result = toHttpError(error);
  return { status: result.status, code: errorCode(result), message: result.message, headers: result.headers };
}

describe('toHttpError', () => {
  it('keeps our own HTTP errors', () => {
    expect(mapped(httpError(400, 'invalid_parameter', 'limit must be…'))).toMatchObject({ status: 400, code: 'invalid_parameter' });
  });

  it('answers a configuration error with its message, which names the variable', () => {
    expect(mapped(new ConfigError('SPOTIFY_CLIENT_ID is not set.'))).toMatchObject({
      status: 500,
      code: 'configuration_error',
      message: 'SPOTIFY_CLIENT_ID is not set.',
    });
  });

  it.each([
    ['invalid_grant', 503, 'reauthorization_required'],
    ['rate_limited', 503, 'rate_limited'],
    ['forbidden', 502, 'spotify_forbidden'],
    ['unavailable', 502, 'spotify_unavailable'],
    ['bad_response', 502, 'spotify_unavailable'],
    ['timeout', 504, 'spotify_timeout'],
    ['invalid_client', 500, 'configuration_error'],
  ] as const)('maps Spotify %s to %i %s', (kind, status, code) => {
    expect(mapped(new SpotifyError(kind))).toMatchObject({ status, code });
  });

  it('tells the owner to visit /login again when Spotify refuses the refresh token', () => {
    expect(mapped(new SpotifyError('invalid_grant')).message).toMatch(/\/login/);
  });

  it('passes on Spotify\'s Retry-After', () => {
    expect(mapped(new SpotifyError('rate_limited', 429, 42)).headers).toEqual({ 'Retry-After': '42' });
  });

  it('answers storage failures with 503', () => {
    expect(mapped(new StorageError('x'))).toMatchObject({ status: 503, code: 'storage_unavailable' });
  });

  it('never echoes an unknown error', () => {
    const result = mapped(new Error('secret token abc123 at /var/task/x.js:1'));
    expect(result).toMatchObject({ status: 500, code: 'internal_error' });
    expect(result.message).not.toMatch(/abc123|var\/task/);
  });
});
