/**
 * The one DynamoDB table and its key model:
 *   pk "owner"                 the bound owner, their tokens and Spotify's standing (owner/owner-store.ts)
 *   pk "refresh-lease"         who may call Spotify's token endpoint right now (owner/refresh-lease.ts)
 *   pk "login-key"             the key that signs /login's states, which store nothing while pending (owner/login-state.ts)
 *   pk "used-state#<sha256>"   a state spent at /callback, so none is used twice (owner/login-state.ts)
 *   pk "result#<name>"         the last good result of a listening source, e.g. "result#artists#short_term"
 *                              (listening/result-store.ts)
 *   pk "session-key"           the key that signs the owner's sessions (owner/session.ts)
 * dynalite has no transactions and does not expire TTL items: every write that must not race is
 * a conditional single-item write, and expiry times are checked in code.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, DeleteCommand, ScanCommand, type BatchGetCommand, type GetCommand, type PutCommand, type QueryCommand, type UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { awsCallOptions } from './aws-calls';
import { tableName } from './config';
import { documentClient } from './dynamo';
import { StorageError } from './errors';

type Command = GetCommand | PutCommand | UpdateCommand | DeleteCommand | ScanCommand;

/**
 * Sends one command to the table, within the request's deadline (aws-calls.ts); any failure but a
 * failed condition (a timeout included) becomes a StorageError.
 */
export async function send<T>(build: (table: string) => Command): Promise<T> {
  return sendTo(tableName(), build);
}

/** `send`, to another of the service's tables (the listening history's). */
export async function sendTo<T>(table: string, build: (table: string) => Command | QueryCommand | BatchGetCommand | BatchWriteCommand): Promise<T> {
  const command = build(table);
  try {
    // The client's overloads cannot take a union of commands; each caller names its output type.
    return (await documentClient().send(command as GetCommand, awsCallOptions())) as T;
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) throw error;
    throw new StorageError(`DynamoDB request failed: ${(error as Error)?.name ?? 'unknown'}`);
  }
}

/** Runs a conditional write; false when its condition did not hold. */
export async function conditionally(write: () => Promise<unknown>): Promise<boolean> {
  try {
    await write();
    return true;
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return false;
    throw error;
  }
}

/**
 * Deletes every item whose key starts with one of `prefixes` (a Scan: only for rare owner actions
 * such as disconnecting, on a table that holds a few dozen items). Answers how many went.
 */
export async function deleteWithPrefixes(prefixes: readonly string[]): Promise<number> {
  const filter = prefixes.map((_, index) => `begins_with(pk, :p${index})`).join(' OR ');
  const values = Object.fromEntries(prefixes.map((prefix, index) => [`:p${index}`, prefix]));
  let deleted = 0;
  let start: Record<string, unknown> | undefined;
  do {
    const page = await send<{ Items?: { pk: string }[]; LastEvaluatedKey?: Record<string, unknown> }>((TableName) =>
      new ScanCommand({ TableName, FilterExpression: filter, ExpressionAttributeValues: values, ProjectionExpression: 'pk', ConsistentRead: true, ExclusiveStartKey: start }),
    );
    for (const item of page.Items ?? []) {
      await send((TableName) => new DeleteCommand({ TableName, Key: { pk: item.pk } }));
      deleted += 1;
    }
    start = page.LastEvaluatedKey;
  } while (start);
  return deleted;
}

/** The most puts and deletes one BatchWriteItem takes. */
export const BATCH_WRITE_MAX = 25;
/** Batches in flight at once while emptying a table: a few, so a large history goes in seconds without a burst of throttling. */
const BATCHES_AT_ONCE = 4;

/**
 * Deletes every item of `table` (keys `keyNames`), by a Scan of the keys alone and BatchWriteItem
 * deletes of 25, until `stopBy` (epoch ms) comes near: a heavy listener's years of plays take
 * longer than one request may. Answers how many went and whether the table is empty; run again,
 * it goes on where it stopped (what is deleted is gone, so the Scan starts over on what is left).
 * What DynamoDB leaves unprocessed is sent again, after a short pause.
 */
export async function emptyTable(table: string, keyNames: readonly string[], stopBy: number): Promise<{ deleted: number; done: boolean }> {
  const names = Object.fromEntries(keyNames.map((name, index) => [`#k${index}`, name]));
  let deleted = 0;
  let start: Record<string, unknown> | undefined;
  const timeLeft = () => stopBy - Date.now() > 1_000;
  do {
    if (!timeLeft()) return { deleted, done: false };
    const page = await sendTo<{ Items?: Record<string, unknown>[]; LastEvaluatedKey?: Record<string, unknown> }>(table, (TableName) =>
      new ScanCommand({ TableName, ProjectionExpression: Object.keys(names).join(', '), ExpressionAttributeNames: names, ExclusiveStartKey: start }),
    );
    const keys = page.Items ?? [];
    const batches: Record<string, unknown>[][] = [];
    for (let i = 0; i < keys.length; i += BATCH_WRITE_MAX) batches.push(keys.slice(i, i + BATCH_WRITE_MAX));
    let next = 0;
    const worker = async () => {
      while (next < batches.length && timeLeft()) {
        const batch = batches[next++]!;
        await writeBatch(table, batch.map((Key) => ({ DeleteRequest: { Key } })));
        deleted += batch.length;
      }
    };
    await Promise.all(Array.from({ length: BATCHES_AT_ONCE }, worker));
    if (next < batches.length) return { deleted, done: false };
    start = page.LastEvaluatedKey;
  } while (start);
  return { deleted, done: true };
}

type WriteRequest = { DeleteRequest: { Key: Record<string, unknown> } } | { PutRequest: { Item: Record<string, unknown> } };

/** One BatchWriteItem of at most BATCH_WRITE_MAX requests; what DynamoDB leaves unprocessed is sent again, after a pause that grows. */
async function writeBatch(table: string, batch: WriteRequest[]): Promise<void> {
  let requests = batch;
  for (let attempt = 0; requests.length > 0; attempt++) {
    if (attempt > 0) await new Promise((done) => setTimeout(done, Math.min(1_000, 50 * 2 ** attempt)));
    const { UnprocessedItems } = await sendTo<{ UnprocessedItems?: Record<string, WriteRequest[]> }>(table, (TableName) => new BatchWriteCommand({ RequestItems: { [TableName]: requests } }));
    requests = UnprocessedItems?.[table] ?? [];
    if (attempt >= 8 && requests.length > 0) throw new StorageError('DynamoDB left writes unprocessed');
  }
}

/** Puts `items` (unconditionally: what is put again is the same) in batches of BATCH_WRITE_MAX, a few at once. */
export async function putAll(table: string, items: Record<string, unknown>[]): Promise<void> {
  const batches: WriteRequest[][] = [];
  for (let i = 0; i < items.length; i += BATCH_WRITE_MAX) batches.push(items.slice(i, i + BATCH_WRITE_MAX).map((Item) => ({ PutRequest: { Item } })));
  let next = 0;
  const worker = async () => {
    while (next < batches.length) await writeBatch(table, batches[next++]!);
  };
  await Promise.all(Array.from({ length: BATCHES_AT_ONCE }, worker));
}
