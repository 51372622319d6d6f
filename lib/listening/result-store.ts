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

export async function getResult<T>(name: string): Promise<StoredResult<T> | undefined> {
  const { Item } = await send<{ Item?: Partial<StoredResult<T>> }>((TableName) => new GetCommand({ TableName, Key: key(name) }));
  // An item without a value was written in another shape (an earlier version): not a result.
  return Item?.value !== undefined && typeof Item.fetchedAt === 'number' ? { value: Item.value, fetchedAt: Item.fetchedAt } : undefined;
}

/** Keeps the newer of two results written at once. */
export async function putResult<T>(name: string, result: StoredResult<T>): Promise<void> {
  await conditionally(() =>
    send((TableName) =>
      new PutCommand({
        TableName,
        Item: { ...key(name), value: result.value, fetchedAt: result.fetchedAt },
        ConditionExpression: 'attribute_not_exists(pk) OR fetchedAt < :fetchedAt',
        ExpressionAttributeValues: { ':fetchedAt': result.fetchedAt },
      }),
    ),
  );
}

export async function deleteResults(names: readonly string[]): Promise<void> {
  await Promise.all(names.map((name) => send((TableName) => new DeleteCommand({ TableName, Key: key(name) }))));
}
