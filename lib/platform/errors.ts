/**
 * What can go wrong, named by what happened rather than by how it is answered. Domain and adapter
 * code throw these. Each carries its `code`, the stable machine-readable name of what happened
 * (the `error` of a JSON answer, the `reason` of a stale one); lib/http/errors.ts alone decides
 * the status, message and headers, and no code recognises an error by its code.
 */

export abstract class ServiceError extends Error {
  abstract readonly code: string;
}

/**
 * A setting is missing or invalid. The message names the variable and is safe to show;
 * `detail`, for the log only, may say more (a parameter's path, what AWS answered).
 */
export class ConfigError extends ServiceError {
  override name = 'ConfigError';
  readonly code = 'configuration_error';
  constructor(
    message: string,
    readonly detail?: string,
  ) {
    super(message);
  }
}

/** DynamoDB did not answer properly (a failed write condition is not one of these). */
export class StorageError extends ServiceError {
  override name = 'StorageError';
  readonly code = 'storage_unavailable';
}

export type SpotifyErrorKind =
  | 'invalid_grant'
  | 'invalid_client'
  | 'unauthorized'
  | 'scope_missing'
  | 'forbidden'
  | 'rate_limited'
  | 'quota_exceeded'
  | 'budget'
  | 'unavailable'
  | 'timeout'
  | 'bad_response';

const SPOTIFY_CODES: Record<SpotifyErrorKind, string> = {
  invalid_grant: 'reauthorization_required',
  invalid_client: 'configuration_error',
  unauthorized: 'spotify_unavailable',
  scope_missing: 'scope_missing',
  forbidden: 'spotify_forbidden',
  rate_limited: 'rate_limited',
  quota_exceeded: 'quota_exceeded',
  budget: 'budget',
  unavailable: 'spotify_unavailable',
  timeout: 'spotify_timeout',
  bad_response: 'spotify_unavailable',
};

/**
 * A call to Spotify failed, or was not made: `kind` says what the caller can do about it. Two kinds
 * are about the day's calls: "quota_exceeded", Spotify's own daily quota spent (hours of
 * Retry-After), and "budget", the service's own budget refusing the call before it was made
 * (lib/spotify/budget.ts). `retryAfterSeconds`: when it is worth asking again.
 */
export class SpotifyError extends ServiceError {
  override name = 'SpotifyError';
  constructor(
    readonly kind: SpotifyErrorKind,
    readonly status?: number,
    readonly retryAfterSeconds?: number,
  ) {
    super(`Spotify call failed: ${kind}${status ? ` (HTTP ${status})` : ''}`);
  }

  get code(): string {
    return SPOTIFY_CODES[this.kind];
  }
}

/** A time for people: "2026-12-08 14:05 UTC". */
export function clockTime(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/**
 * When the day's calls are why an answer is stale or refused (Spotify's quota spent, or the
 * service's own budget), what to tell people, with when it ends; undefined for any other error.
 */
export function dailyLimitMessage(error: unknown, now = Date.now()): string | undefined {
  if (!(error instanceof SpotifyError)) return undefined;
  const until = clockTime(now + (error.retryAfterSeconds ?? 0) * 1000);
  if (error.kind === 'quota_exceeded') return `Spotify's daily quota is spent until ${until}: nothing newer can be asked for before then.`;
  if (error.kind === 'budget') return `This site has spent its share of the day's Spotify calls for now; it asks again after ${until}.`;
  return undefined;
}

/**
 * The listening history's collector has not succeeded for longer than it should (two of its
 * periods and some): what it stored is still served, marked stale with this.
 */
export class CollectorBehind extends ServiceError {
  override name = 'CollectorBehind';
  readonly code = 'collector_behind';
  constructor(readonly lastRunAt: number) {
    super(`The listening history's collector has not run since ${clockTime(lastRunAt)}, so newer plays may be missing. Try again later.`);
  }
}

/** Nobody has connected a Spotify account yet. */
export class NotAuthorized extends ServiceError {
  override name = 'NotAuthorized';
  readonly code = 'not_authorized';
  constructor() {
    super('No Spotify account is connected yet. The site owner should open /login in a browser to connect Spotify.');
  }
}

/** Spotify refused the stored refresh token: only the owner logging in again helps. */
export class ReauthorizationRequired extends ServiceError {
  override name = 'ReauthorizationRequired';
  readonly code = 'reauthorization_required';
  constructor() {
    super(
      'Spotify no longer accepts the stored authorization (it expired or was revoked). The site owner should open /login in a browser to connect again.',
    );
  }
}

export type InvalidRequestCode = 'invalid_parameter' | 'invalid_request' | 'invalid_state' | 'access_denied' | 'authorization_failed' | 'invalid_json' | 'invalid_settings';

/** A request that cannot be acted on as sent; `code` and the message tell its sender why. */
export class InvalidRequest extends ServiceError {
  override name = 'InvalidRequest';
  constructor(
    readonly code: InvalidRequestCode,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Spotify does not let this account use the app: a development-mode app answers only for the
 * (at most five) accounts its owner added under User Management.
 */
export class AccountNotAllowed extends ServiceError {
  override name = 'AccountNotAllowed';
  readonly code = 'account_not_allowed';
  constructor() {
    super(
      "Spotify does not let this account use this site's Spotify app yet: an app in development mode only works for the accounts added under User Management in the Spotify developer dashboard. Nothing was stored.",
    );
  }
}

/** The owner's authorization does not allow what an endpoint needs (`scope`): only connecting again grants it. */
export class ScopeMissing extends ServiceError {
  override name = 'ScopeMissing';
  readonly code = 'scope_missing';
  constructor(readonly scope: string) {
    super(`Spotify has not allowed this site to read what that needs (${scope}). The site owner should open /login again to allow it.`);
  }
}

/** A Spotify account other than the owner's tried to connect. */
export class NotOwner extends ServiceError {
  override name = 'NotOwner';
  readonly code = 'not_owner';
  constructor() {
    super("This site is connected to its owner's Spotify account, and only that account can connect. Nothing was changed.");
  }
}

/** An owner-only route asked without a valid owner's session (none, expired, tampered, or from an earlier authorization). */
export class NoSession extends ServiceError {
  override name = 'NoSession';
  readonly code = 'no_session';
  constructor() {
    super('This needs the owner signed in: open /login and connect the owner\'s Spotify account.');
  }
}

/** A state-changing request sent from another site (its Origin is not the service's own). */
export class CrossSite extends ServiceError {
  override name = 'CrossSite';
  readonly code = 'cross_site';
  constructor() {
    super('This request came from another site, so it was refused. Nothing was changed.');
  }
}
