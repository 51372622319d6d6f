/**
 * The last good result of each listening source, per owner and authorization
 * (pk "result#<owner>#<authorization>#<name>"), shared by every container: the second cache
 * layer, and what is served (marked stale) when Spotify cannot be reached. Results of an owner
 * or an authorization that is no longer the current one are never read again; DynamoDB removes
 * them through `ttl` once they are too old to be served even stale.
 */
import { DeleteCommand, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { OwnerKey } from '../owner/owner-store';
import { conditionally, send } from '../platform/table';

export interface StoredResult<T> {
  value: T;
  /** Epoch milliseconds. */
  fetchedAt: number;
  /** Until when it is fresh, as the day's budget said when it was fetched (absent from results of earlier versions). */
  freshUntil?: number;
}

/** This container's memory and DynamoDB name a result alike. */
export function resultKey(owner: OwnerKey, name: string): string {
  return `${owner.spotifyUserId}#${owner.authorization}#${name}`;
}

export const RESULT_PREFIX = 'result#';
const pk = (key: string) => ({ pk: `${RESULT_PREFIX}${key}` });

// The value is stored as "items", the attribute's name since the first version (when every result
// was a list of items).
interface Stored<T> {
  items: T;
  fetchedAt: number;
  freshUntil?: number;
}

export async function getResult<T>(key: string): Promise<StoredResult<T> | undefined> {
  const { Item } = await send<{ Item?: Stored<T> }>((TableName) => new GetCommand({ TableName, Key: pk(key) }));
  return Item ? { value: Item.items, fetchedAt: Item.fetchedAt, ...(typeof Item.freshUntil === 'number' ? { freshUntil: Item.freshUntil } : {}) } : undefined;
}

/** Keeps the newer of two results written at once; `keepUntil` (epoch ms) is when DynamoDB may drop it. */
export async function putResult<T>(key: string, result: StoredResult<T>, keepUntil: number): Promise<void> {
  await conditionally(() =>
    send((TableName) =>
      new PutCommand({
        TableName,
        Item: { ...pk(key), items: result.value, fetchedAt: result.fetchedAt, freshUntil: result.freshUntil, ttl: Math.ceil(keepUntil / 1000) },
        ConditionExpression: 'attribute_not_exists(pk) OR fetchedAt < :fetchedAt',
        ExpressionAttributeValues: { ':fetchedAt': result.fetchedAt },
      }),
    ),
  );
}

/** Deletes results by key; `legacyNames` are results of the first versions, stored under their name alone. */
export async function deleteResults(keys: readonly string[], legacyNames: readonly string[] = []): Promise<void> {
  const pks = [...keys.map(pk), ...legacyNames.map((name) => ({ pk: `result#${name}` }))];
  await Promise.all(pks.map((Key) => send((TableName) => new DeleteCommand({ TableName, Key }))));
}
