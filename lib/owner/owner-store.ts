/**
 * The owner's item (key model in platform/table.ts): who is bound, which authorization their
 * tokens come from, and how dealings with Spotify went. Reads are consistent; the writes that
 * follow a bind (owner-updates.ts) are conditional, so an older refresh token can never overwrite
 * a newer one, and a failed or hostile request never touches the tokens.
 */
import { randomUUID } from 'node:crypto';
import { DeleteCommand, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
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
  /** New with every /callback that binds: names the authorization the tokens came from. */
  authorizationId?: string;
  updatedAt: string;
  /** Bumped by every token write, and by marking "re-authorization required". */
  version: number;
  /** Set when Spotify refused the refresh token: no more refreshes until the owner logs in again. */
  reauthRequired?: boolean;
  lastRefreshAt?: string;
  lastRefreshOutcome?: string;
  lastSpotifyError?: SpotifyTrouble;
  /** Epoch milliseconds before which no container may call Spotify (its Retry-After). */
  notBefore?: number;
  /** Token calls that failed in a row (5xx, timeout, malformed), and when the next may be made. */
  refreshFailures?: number;
  refreshRetryAt?: number;
  /** ISO-8601: when the token calls started failing in a row (cleared by the next success). */
  refreshFailingSince?: string;
  /** Scopes Spotify refused this authorization's tokens although they were granted: not asked for again until the owner reconnects. */
  refusedScopes?: string[];
  /** The owner's settings (settings.ts), whose they are, and a version bumped by every change. */
  settings?: unknown;
  settingsOwner?: string;
  settingsVersion?: number;
}

export type NewOwner = Pick<
  OwnerRecord,
  'spotifyUserId' | 'displayName' | 'refreshToken' | 'accessToken' | 'accessTokenExpiresAt' | 'scopes' | 'authorizedAt'
>;

/** Whose listening a result is: the owner, and the authorization it was fetched with. */
export interface OwnerKey {
  spotifyUserId: string;
  authorization: string;
}

/** An item bound before authorizations had ids is named by the time it was given. */
export function ownerKeyOf(owner: Pick<OwnerRecord, 'spotifyUserId' | 'authorizationId' | 'authorizedAt'>): OwnerKey {
  return { spotifyUserId: owner.spotifyUserId, authorization: owner.authorizationId ?? owner.authorizedAt };
}

export const OWNER_KEY = { pk: 'owner' };

export async function getOwner(): Promise<OwnerRecord | undefined> {
  const { Item } = await send<{ Item?: OwnerRecord }>((TableName) => new GetCommand({ TableName, Key: OWNER_KEY, ConsistentRead: true }));
  return Item;
}

/** `owner`: the account now bound, under its new authorization. */
export type BindOutcome = { outcome: 'bound'; owner: OwnerKey } | { outcome: 'replaced'; owner: OwnerKey; previous: OwnerKey } | { outcome: 'other_owner' };

/**
 * Binds the owner under a new authorization id, or replaces the tokens of the same owner, and
 * clears every mark of trouble. 'replaced' means another account was bound before (the site
 * changed hands through OWNER_SPOTIFY_ID). With `replaceOtherOwner` false (no OWNER_SPOTIFY_ID
 * configured) a different account can never take over: the write is conditional, so two
 * accounts racing cannot both win.
 */
export async function bindOwner(owner: NewOwner, replaceOtherOwner: boolean): Promise<BindOutcome> {
  if (!owner.refreshToken) throw new Error('refusing to store an empty refresh token');
  let before: Partial<OwnerRecord> | undefined;
  const authorization = randomUUID();
  const bound = await conditionally(async () => {
    const { Attributes } = await send<{ Attributes?: Partial<OwnerRecord> }>((TableName) =>
      new UpdateCommand({
        TableName,
        Key: OWNER_KEY,
        UpdateExpression:
          'SET spotifyUserId = :id, displayName = :name, refreshToken = :refresh, accessToken = :access, ' +
          'accessTokenExpiresAt = :expires, scopes = :scopes, authorizedAt = :authorized, authorizationId = :authorization, ' +
          'updatedAt = :now, version = if_not_exists(version, :zero) + :one ' +
          'REMOVE reauthRequired, lastSpotifyError, refreshFailures, refreshRetryAt, refreshFailingSince, refusedScopes',
        ...(replaceOtherOwner ? {} : { ConditionExpression: 'attribute_not_exists(pk) OR spotifyUserId = :id' }),
        ExpressionAttributeValues: {
          ':id': owner.spotifyUserId,
          ':name': owner.displayName,
          ':refresh': owner.refreshToken,
          ':access': owner.accessToken,
          ':expires': owner.accessTokenExpiresAt,
          ':scopes': owner.scopes,
          ':authorized': owner.authorizedAt,
          ':authorization': authorization,
          ':now': new Date().toISOString(),
          ':zero': 0,
          ':one': 1,
        },
        ReturnValues: 'UPDATED_OLD',
      }),
    );
    before = Attributes;
  });
  if (!bound) return { outcome: 'other_owner' };
  const previousId = before?.spotifyUserId;
  const current = { spotifyUserId: owner.spotifyUserId, authorization };
  if (previousId === undefined || previousId === owner.spotifyUserId) return { outcome: 'bound', owner: current };
  return { outcome: 'replaced', owner: current, previous: ownerKeyOf({ spotifyUserId: previousId, authorizationId: before?.authorizationId, authorizedAt: before?.authorizedAt ?? '' }) };
}

/**
 * Deletes the owner's item (their tokens, standing and settings), only while it still holds the
 * authorization `owner` names: a disconnect racing a reconnect never deletes the newer one. False
 * when it did not.
 */
export async function deleteOwner(owner: OwnerKey): Promise<boolean> {
  return conditionally(() =>
    send((TableName) =>
      new DeleteCommand({
        TableName,
        Key: OWNER_KEY,
        ConditionExpression: 'spotifyUserId = :id AND (authorizationId = :authorization OR (attribute_not_exists(authorizationId) AND authorizedAt = :authorization))',
        ExpressionAttributeValues: { ':id': owner.spotifyUserId, ':authorization': owner.authorization },
      }),
    ),
  );
}
