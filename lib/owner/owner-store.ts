/**
 * The owner's item (key model in platform/table.ts): who is bound, their tokens, and how dealings
 * with Spotify went. Token writes are conditional on the item's version, so an older refresh
 * token can never overwrite a newer one, and a failed or hostile request never touches them.
 */
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { conditionally, send } from '../platform/table';

export interface SpotifyTrouble {
  kind: string;
  status: number | null;
  at: string;
}

export interface OwnerRecord {
  spotifyUserId: string;
  displayName: string | null;
  refreshToken: string;
  accessToken: string;
  /** Epoch milliseconds. */
  accessTokenExpiresAt: number;
  scopes: string[];
  /** ISO-8601; Spotify ends the authorization six months after it. */
  authorizedAt: string;
  updatedAt: string;
  /** Bumped by every token write. */
  version: number;
  /** Set when Spotify refused the refresh token: no more refreshes until the owner logs in again. */
  reauthRequired?: boolean;
  lastRefreshAt?: string;
  lastRefreshOutcome?: string;
  lastSpotifyError?: SpotifyTrouble;
  /** Epoch milliseconds before which no container may call Spotify (its Retry-After). */
  notBefore?: number;
}

export type NewOwner = Pick<
  OwnerRecord,
  'spotifyUserId' | 'displayName' | 'refreshToken' | 'accessToken' | 'accessTokenExpiresAt' | 'scopes' | 'authorizedAt'
>;

const OWNER_KEY = { pk: 'owner' };

export async function getOwner(): Promise<OwnerRecord | undefined> {
  const { Item } = await send<{ Item?: OwnerRecord }>((TableName) => new GetCommand({ TableName, Key: OWNER_KEY, ConsistentRead: true }));
  return Item;
}

/**
 * Binds the owner, or replaces the tokens of the same owner, and clears any "re-authorization
 * needed" mark. 'replaced' means another account was bound before (OWNER_SPOTIFY_ID changed hands).
 * With `replaceOtherOwner` false (no OWNER_SPOTIFY_ID configured) a different
 * account can never take over: the write is conditional, so two accounts racing cannot both win.
 */
export async function bindOwner(owner: NewOwner, replaceOtherOwner: boolean): Promise<'bound' | 'replaced' | 'other_owner'> {
  if (!owner.refreshToken) throw new Error('refusing to store an empty refresh token');
  let previousOwner: unknown;
  const bound = await conditionally(async () => {
    const { Attributes } = await send<{ Attributes?: { spotifyUserId?: unknown } }>((TableName) =>
      new UpdateCommand({
        TableName,
        Key: OWNER_KEY,
        UpdateExpression:
          'SET spotifyUserId = :id, displayName = :name, refreshToken = :refresh, accessToken = :access, ' +
          'accessTokenExpiresAt = :expires, scopes = :scopes, authorizedAt = :authorized, updatedAt = :now, ' +
          'version = if_not_exists(version, :zero) + :one ' +
          'REMOVE reauthRequired, lastSpotifyError',
        ...(replaceOtherOwner ? {} : { ConditionExpression: 'attribute_not_exists(pk) OR spotifyUserId = :id' }),
        ExpressionAttributeValues: {
          ':id': owner.spotifyUserId,
          ':name': owner.displayName,
          ':refresh': owner.refreshToken,
          ':access': owner.accessToken,
          ':expires': owner.accessTokenExpiresAt,
          ':scopes': owner.scopes,
          ':authorized': owner.authorizedAt,
          ':now': new Date().toISOString(),
          ':zero': 0,
          ':one': 1,
        },
        ReturnValues: 'UPDATED_OLD',
      }),
    );
    previousOwner = Attributes?.spotifyUserId;
  });
  if (!bound) return 'other_owner';
  return previousOwner !== undefined && previousOwner !== owner.spotifyUserId ? 'replaced' : 'bound';
}

export interface RefreshedTokens {
  accessToken: string;
  accessTokenExpiresAt: number;
  /** Only when Spotify rotated it; an empty or missing one never replaces the stored token. */
  refreshToken?: string;
}

/**
 * Stores refreshed tokens (a rotated refresh token in the same atomic write) if nobody changed
 * the tokens since `expectedVersion`. Returns the new record, or undefined when another writer
 * (a newer refresh, or the owner logging in again) got there first.
 */
export async function saveRefreshedTokens(expectedVersion: number, tokens: RefreshedTokens): Promise<OwnerRecord | undefined> {
  const rotate = Boolean(tokens.refreshToken);
  const now = new Date().toISOString();
  let saved: OwnerRecord | undefined;
  await conditionally(async () => {
    const { Attributes } = await send<{ Attributes?: OwnerRecord }>((TableName) =>
      new UpdateCommand({
        TableName,
        Key: OWNER_KEY,
        UpdateExpression:
          'SET accessToken = :access, accessTokenExpiresAt = :expires, updatedAt = :now, lastRefreshAt = :now, ' +
          'lastRefreshOutcome = :ok, version = version + :one' +
          (rotate ? ', refreshToken = :refresh' : '') +
          ' REMOVE lastSpotifyError',
        ConditionExpression: 'version = :version',
        ExpressionAttributeValues: {
          ':access': tokens.accessToken,
          ':expires': tokens.accessTokenExpiresAt,
          ':now': now,
          ':ok': 'ok',
          ':one': 1,
          ':version': expectedVersion,
          ...(rotate ? { ':refresh': tokens.refreshToken } : {}),
        },
        ReturnValues: 'ALL_NEW',
      }),
    );
    saved = Attributes;
  });
  return saved;
}

/** Spotify refused the refresh token: mark it, unless the owner logged in again meanwhile. */
export async function markReauthRequired(expectedVersion: number): Promise<void> {
  const now = new Date().toISOString();
  await conditionally(() =>
    send((TableName) =>
      new UpdateCommand({
        TableName,
        Key: OWNER_KEY,
        UpdateExpression: 'SET reauthRequired = :yes, lastRefreshAt = :now, lastRefreshOutcome = :outcome, lastSpotifyError = :trouble',
        ConditionExpression: 'version = :version',
        ExpressionAttributeValues: {
          ':yes': true,
          ':now': now,
          ':outcome': 'invalid_grant',
          ':trouble': { kind: 'invalid_grant', status: 400, at: now },
          ':version': expectedVersion,
        },
      }),
    ),
  );
}

/**
 * Records a Spotify failure for /status, and Spotify's Retry-After as a "not before" time that
 * every container honours (only ever moved later). Token fields are not touched.
 */
export async function recordSpotifyTrouble(trouble: SpotifyTrouble, options: { notBefore?: number; refreshFailed?: boolean } = {}): Promise<void> {
  const { notBefore, refreshFailed } = options;
  const sets = ['lastSpotifyError = :trouble'];
  if (notBefore !== undefined) sets.push('notBefore = :notBefore');
  if (refreshFailed) sets.push('lastRefreshAt = :at', 'lastRefreshOutcome = :kind');
  await conditionally(() =>
    send((TableName) =>
      new UpdateCommand({
        TableName,
        Key: OWNER_KEY,
        UpdateExpression: `SET ${sets.join(', ')}`,
        ConditionExpression:
          'attribute_exists(pk)' + (notBefore !== undefined ? ' AND (attribute_not_exists(notBefore) OR notBefore < :notBefore)' : ''),
        ExpressionAttributeValues: {
          ':trouble': trouble,
          ...(notBefore !== undefined ? { ':notBefore': notBefore } : {}),
          ...(refreshFailed ? { ':at': trouble.at, ':kind': trouble.kind } : {}),
        },
      }),
    ),
  );
}
