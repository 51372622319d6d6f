/**
 * What can go wrong, named by what happened rather than by how it is answered. Domain and adapter
 * code throw these; lib/http/errors.ts alone turns them into HTTP answers (status, code, message,
 * headers), and nothing else recognises an error by a code.
 */

/**
 * A setting is missing or invalid. The message names the variable and is safe to show;
 * `detail`, for the log only, may say more (a parameter's path, what AWS answered).
 */
export class ConfigError extends Error {
  override name = 'ConfigError';
  constructor(
    message: string,
    readonly detail?: string,
  ) {
    super(message);
  }
}

/** DynamoDB did not answer properly (a failed write condition is not one of these). */
export class StorageError extends Error {
  override name = 'StorageError';
}

export type SpotifyErrorKind =
  | 'invalid_grant'
  | 'invalid_client'
  | 'unauthorized'
  | 'forbidden'
  | 'rate_limited'
  | 'unavailable'
  | 'timeout'
  | 'bad_response';

/** A call to Spotify failed; `kind` says what the caller can do about it. */
export class SpotifyError extends Error {
  override name = 'SpotifyError';
  constructor(
    readonly kind: SpotifyErrorKind,
    readonly status?: number,
    readonly retryAfterSeconds?: number,
  ) {
    super(`Spotify call failed: ${kind}${status ? ` (HTTP ${status})` : ''}`);
  }
}

/** Nobody has connected a Spotify account yet. */
export class NotAuthorized extends Error {
  override name = 'NotAuthorized';
  constructor() {
    super('No Spotify account is connected yet. The site owner should open /login in a browser to connect Spotify.');
  }
}

/** Spotify refused the stored refresh token: only the owner logging in again helps. */
export class ReauthorizationRequired extends Error {
  override name = 'ReauthorizationRequired';
  constructor() {
    super(
      'Spotify no longer accepts the stored authorization (it expired or was revoked). The site owner should open /login in a browser to connect again.',
    );
  }
}

export type InvalidRequestCode = 'invalid_parameter' | 'invalid_request' | 'invalid_state' | 'access_denied' | 'authorization_failed';

/** A request that cannot be acted on as sent; `code` and the message tell its sender why. */
export class InvalidRequest extends Error {
  override name = 'InvalidRequest';
  constructor(
    readonly code: InvalidRequestCode,
    message: string,
  ) {
    super(message);
  }
}

/** A Spotify account other than the owner's tried to connect. */
export class NotOwner extends Error {
  override name = 'NotOwner';
  constructor() {
    super("This site is connected to its owner's Spotify account, and only that account can connect. Nothing was changed.");
  }
}
