/** The one mapping from what went wrong to what the service answers. */
import createHttpError from 'http-errors';
import { describe, expect, it } from 'vitest';
import { errorAnswer, httpError } from '../../../lib/http/errors';
import {
  AccountNotAllowed,
  ConfigError,
  InvalidRequest,
  NotAuthorized,
  NotOwner,
  ReauthorizationRequired,
  SpotifyError,
  StorageError,
} from '../../../lib/platform/errors';

const mapped = errorAnswer;

describe('errorAnswer', () => {
  it('keeps the HTTP layer\'s own errors, headers included', () => {
    expect(mapped(httpError(405, 'method_not_allowed', 'POST is not allowed here; use GET.', { Allow: 'GET' }))).toEqual({
      status: 405,
      code: 'method_not_allowed',
      message: 'POST is not allowed here; use GET.',
      headers: { Allow: 'GET' },
    });
    expect(mapped(httpError(400, 'invalid_parameter', 'limit must be…'))).toMatchObject({ status: 400, code: 'invalid_parameter' });
  });

  it('answers a request it cannot act on with 400, its code and its message', () => {
    expect(mapped(new InvalidRequest('invalid_state', 'This sign-in link has expired.'))).toEqual({
      status: 400,
      code: 'invalid_state',
      message: 'This sign-in link has expired.',
      headers: {},
    });
  });

  it('refuses another account with 403 not_owner', () => {
    expect(mapped(new NotOwner())).toMatchObject({ status: 403, code: 'not_owner', message: expect.stringContaining('Nothing was changed') });
  });

  it('refuses an account the Spotify app does not allow with 403 account_not_allowed, naming User Management', () => {
    expect(mapped(new AccountNotAllowed())).toMatchObject({ status: 403, code: 'account_not_allowed', message: expect.stringContaining('User Management') });
  });

  it('tells the owner to connect, or to connect again, with 503 and /login, and says only the owner can fix it', () => {
    expect(mapped(new NotAuthorized())).toMatchObject({ status: 503, code: 'not_authorized', message: expect.stringContaining('/login'), ownerMust: 'connect' });
    expect(mapped(new ReauthorizationRequired())).toMatchObject({ status: 503, code: 'reauthorization_required', message: expect.stringContaining('/login'), ownerMust: 'reconnect' });
    expect(mapped(new SpotifyError('invalid_grant'))).toMatchObject({ code: 'reauthorization_required', ownerMust: 'reconnect' });
    for (const other of [new SpotifyError('rate_limited'), new StorageError('x'), new InvalidRequest('invalid_parameter', 'x'), new NotOwner()]) {
      expect(mapped(other).ownerMust).toBeUndefined();
    }
  });

  it('does not expose an HTTP error that is not meant to be shown', () => {
    expect(mapped(createHttpError(500, 'internal detail'))).toMatchObject({ status: 500, code: 'internal_error', message: 'Something went wrong on our side.' });
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
