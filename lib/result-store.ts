/**
 * The last good page fetched from Spotify per type and time range, shared by every container:
 * the second cache layer, and what is served (marked stale) when Spotify cannot be reached.
 */
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
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
