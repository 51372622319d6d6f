/**
 * The last good result of each listening source (pk "result#<name>"), shared by every container:
 * the second cache layer, and what is served (marked stale) when Spotify cannot be reached.
 */
import { DeleteCommand, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { conditionally, send } from '../platform/table';

export interface StoredResult<T> {
  value: T;
  /** Epoch milliseconds. */
  fetchedAt: number;
}

const key = (name: string) => ({ pk: `result#${name}` });

// The value is stored as "items", the attribute's name since the first version (when every result
// was a list): functions of an older and a newer version read each other's items during a deploy.
interface Stored<T> {
  items: T;
  fetchedAt: number;
}

export async function getResult<T>(name: string): Promise<StoredResult<T> | undefined> {
  const { Item } = await send<{ Item?: Stored<T> }>((TableName) => new GetCommand({ TableName, Key: key(name) }));
  return Item ? { value: Item.items, fetchedAt: Item.fetchedAt } : undefined;
}

/** Keeps the newer of two results written at once. */
export async function putResult<T>(name: string, result: StoredResult<T>): Promise<void> {
  await conditionally(() =>
    send((TableName) =>
      new PutCommand({
        TableName,
        Item: { ...key(name), items: result.value, fetchedAt: result.fetchedAt } satisfies Stored<T> & { pk: string },
        ConditionExpression: 'attribute_not_exists(pk) OR fetchedAt < :fetchedAt',
        ExpressionAttributeValues: { ':fetchedAt': result.fetchedAt },
      }),
    ),
  );
}

export async function deleteResults(names: readonly string[]): Promise<void> {
  await Promise.all(names.map((name) => send((TableName) => new DeleteCommand({ TableName, Key: key(name) }))));
}
