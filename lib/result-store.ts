/**
 * The last good page fetched from Spotify per type and time range, shared by every container:
 * the second cache layer, and what is served (marked stale) when Spotify cannot be reached.
 */
import { DeleteCommand, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { TIME_RANGES, TOP_TYPES } from './spotify-types';
import { conditionally, send } from './store';

export interface StoredResult<T> {
  items: T[];
  /** Epoch milliseconds. */
  fetchedAt: number;
}

const key = (name: string) => ({ pk: `result#${name}` });

export async function getResult<T>(name: string): Promise<StoredResult<T> | undefined> {
  const { Item } = await send<{ Item?: StoredResult<T> }>((TableName) => new GetCommand({ TableName, Key: key(name) }));
  return Item ? { items: Item.items, fetchedAt: Item.fetchedAt } : undefined;
}

/** Keeps the newer of two results written at once. */
export async function putResult<T>(name: string, result: StoredResult<T>): Promise<void> {
  await conditionally(() =>
    send((TableName) =>
      new PutCommand({
        TableName,
        Item: { ...key(name), items: result.items, fetchedAt: result.fetchedAt },
        ConditionExpression: 'attribute_not_exists(pk) OR fetchedAt < :fetchedAt',
        ExpressionAttributeValues: { ':fetchedAt': result.fetchedAt },
      }),
    ),
  );
}

/** Forgets every stored result: they belong to an owner who no longer is one. */
export async function deleteAllResults(): Promise<void> {
  const names = TOP_TYPES.flatMap((type) => TIME_RANGES.map((range) => `${type}#${range}`));
  await Promise.all(names.map((name) => send((TableName) => new DeleteCommand({ TableName, Key: key(name) }))));
}
