/**
 * Everything the service keeps in its one DynamoDB table, under one key model:
 *   pk "owner"                  the bound owner and their tokens (one item, versioned)
 *   pk "login-state#<sha256>"   a pending /login, single use, short-lived
 * Writes are conditional, so a failed or hostile request never overwrites the owner's tokens.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { tableName } from './config';
import { documentClient } from './dynamo';

export class StorageError extends Error {
  override name = 'StorageError';
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
  version: number;
}

export type NewOwner = Omit<OwnerRecord, 'version' | 'updatedAt'>;

const OWNER_KEY = { pk: 'owner' };

async function send<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) throw error;
    throw new StorageError(`DynamoDB request failed: ${(error as Error)?.name ?? 'unknown'}`);
  }
}

export async function getOwner(): Promise<OwnerRecord | undefined> {
  const { Item } = await send(() =>
    documentClient().send(new GetCommand({ TableName: tableName(), Key: OWNER_KEY, ConsistentRead: true })),
  );
  return Item as OwnerRecord | undefined;
}

/**
 * Binds the owner, or replaces the tokens of the same owner. With `replaceOtherOwner` false
 * (no OWNER_SPOTIFY_ID configured), a different account can never take over: the write is
 * conditional, so two accounts racing to bind cannot both win.
 */
export async function bindOwner(owner: NewOwner, replaceOtherOwner: boolean): Promise<'bound' | 'other_owner'> {
  try {
    await send(() =>
      documentClient().send(
        new UpdateCommand({
          TableName: tableName(),
          Key: OWNER_KEY,
          UpdateExpression:
            'SET spotifyUserId = :id, displayName = :name, refreshToken = :refresh, accessToken = :access, ' +
            'accessTokenExpiresAt = :expires, scopes = :scopes, authorizedAt = :authorized, updatedAt = :now, ' +
            'version = if_not_exists(version, :zero) + :one',
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
        }),
      ),
    );
    return 'bound';
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return 'other_owner';
    throw error;
  }
}

export interface RefreshedTokens {
  accessToken: string;
  accessTokenExpiresAt: number;
  /** Only when Spotify rotated it; an empty or missing one never replaces the stored token. */
  refreshToken?: string;
}

/**
 * Stores refreshed tokens if nobody changed the owner item since `expectedVersion` was read.
 * Returns the new record, or undefined when another writer got there first.
 */
export async function saveRefreshedTokens(expectedVersion: number, tokens: RefreshedTokens): Promise<OwnerRecord | undefined> {
  const rotate = Boolean(tokens.refreshToken);
  try {
    const { Attributes } = await send(() =>
      documentClient().send(
        new UpdateCommand({
          TableName: tableName(),
          Key: OWNER_KEY,
          UpdateExpression:
            'SET accessToken = :access, accessTokenExpiresAt = :expires, updatedAt = :now, version = version + :one' +
            (rotate ? ', refreshToken = :refresh' : ''),
          ConditionExpression: 'version = :version',
          ExpressionAttributeValues: {
            ':access': tokens.accessToken,
            ':expires': tokens.accessTokenExpiresAt,
            ':now': new Date().toISOString(),
            ':one': 1,
            ':version': expectedVersion,
            ...(rotate ? { ':refresh': tokens.refreshToken } : {}),
          },
          ReturnValues: 'ALL_NEW',
        }),
      ),
    );
    return Attributes as OwnerRecord;
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return undefined;
    throw error;
  }
}

function loginStateKey(stateHash: string) {
  return { pk: `login-state#${stateHash}` };
}

export async function putLoginState(stateHash: string, expiresAt: number): Promise<void> {
  await send(() =>
    documentClient().send(
      new PutCommand({
        TableName: tableName(),
        Item: { ...loginStateKey(stateHash), expiresAt, ttl: Math.ceil(expiresAt / 1000) },
      }),
    ),
  );
}

/** Deletes the pending login and returns its expiry, or undefined if it never existed or was used already. */
export async function consumeLoginState(stateHash: string): Promise<number | undefined> {
  try {
    const { Attributes } = await send(() =>
      documentClient().send(
        new DeleteCommand({
          TableName: tableName(),
          Key: loginStateKey(stateHash),
          ConditionExpression: 'attribute_exists(pk)',
          ReturnValues: 'ALL_OLD',
        }),
      ),
    );
    return typeof Attributes?.expiresAt === 'number' ? Attributes.expiresAt : undefined;
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return undefined;
    throw error;
  }
}
