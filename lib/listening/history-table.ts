/**
 * The history table's I/O shared by its stores (history-store.ts, history-aggregates.ts): one
 * command, a Query of a sort-key range page after page, whether a read is consistent, and what a
 * public read may cost. Reads are consistent only for the collector, which recomputes aggregates
 * from what it just wrote; public answers read eventually consistent (half the cost), since they are
 * only as new as the collector's last run anyway. Whom the work is for travels with the request
 * (lib/platform/request-context.ts), so no caller passes it.
 */
import { QueryCommand, type BatchGetCommand, type DeleteCommand, type GetCommand, type PutCommand, type UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { historyTableName } from '../platform/config';
import { requestContext } from '../platform/request-context';
import { sendTo } from '../platform/table';
import { itemBytes } from './history-format';

export const send = <T>(build: (table: string) => GetCommand | PutCommand | UpdateCommand | DeleteCommand | QueryCommand | BatchGetCommand) => sendTo<T>(historyTableName(), build);

export const ttlOf = (keepUntil: number | undefined) => (keepUntil === undefined ? {} : { ttl: Math.ceil(keepUntil / 1000) });

/** Whether this request's reads are consistent: the collector's are, the public's are not. */
export const consistentReads = () => requestContext().caller === 'collector';

/**
 * What one public history request may read: at most `bytes` of items (as DynamoDB sizes them) and
 * `items` items, counted as the pages arrive. Past either, ReadCapReached: a request never reads
 * more than the cap and the pages in flight then (each at most 1 MB, DynamoDB's page).
 */
export class ReadBudget {
  read = { items: 0, bytes: 0 };
  constructor(readonly cap: { items: number; bytes: number }) {}

  take(items: Record<string, unknown>[]): void {
    this.read.items += items.length;
    for (const item of items) this.read.bytes += itemBytes(item);
    if (this.read.items > this.cap.items || this.read.bytes > this.cap.bytes) throw new ReadCapReached(this.cap);
  }
}

export class ReadCapReached extends Error {
  override name = 'ReadCapReached';
  constructor(readonly cap: { items: number; bytes: number }) {
    super(`A history request may read at most ${cap.items} items and ${cap.bytes} bytes`);
  }
}

export interface QueryOptions {
  /** Counts what the Query reads against a request's cap. */
  budget?: ReadBudget | undefined;
  /** Consistent whatever the caller (a read that found a torn aggregate reads again, consistently). */
  consistent?: boolean;
}

/** Every item of one partition between two sort keys (inclusive), page after page. */
export async function queryBetween<T>(pk: string, from: string, to: string, options: QueryOptions = {}): Promise<T[]> {
  const items: T[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await send<{ Items?: T[]; LastEvaluatedKey?: Record<string, unknown> }>((TableName) =>
      new QueryCommand({
        TableName,
        KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
        ExpressionAttributeValues: { ':pk': pk, ':from': from, ':to': to },
        ConsistentRead: options.consistent ?? consistentReads(),
        ExclusiveStartKey: start,
      }),
    );
    options.budget?.take((page.Items ?? []) as Record<string, unknown>[]);
    items.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start);
  return items;
}

/** The first item of a partition (its lowest sort key), if any: one Query of one item. */
export async function queryFirst<T>(pk: string): Promise<T[]> {
  const { Items } = await send<{ Items?: T[] }>((TableName) =>
    new QueryCommand({ TableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': pk }, Limit: 1, ConsistentRead: consistentReads() }),
  );
  return Items ?? [];
}
