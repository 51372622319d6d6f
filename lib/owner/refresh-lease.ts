/**
 * The refresh lease (pk "refresh-lease"): which invocation may call Spotify's token endpoint right
 * now. A conditional put takes it; it lapses on its own, so a holder that died cannot block
 * refreshes for long.
 */
import { randomUUID } from 'node:crypto';
import { DeleteCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { conditionally, send } from '../platform/table';

const LEASE_KEY = { pk: 'refresh-lease' };

/** This container's identity as a lease holder. */
const holder = randomUUID();

/**
 * Takes the refresh lease if it is free or its holder's time ran out (a holder that died
 * cannot block refreshes for longer than `ttlMs`).
 */
export async function acquireRefreshLease(ttlMs: number): Promise<boolean> {
  const now = Date.now();
  return conditionally(() =>
    send((TableName) =>
      new PutCommand({
        TableName,
        Item: { ...LEASE_KEY, holder, expiresAt: now + ttlMs, ttl: Math.ceil((now + ttlMs) / 1000) + 3600 },
        ConditionExpression: 'attribute_not_exists(pk) OR expiresAt < :now OR holder = :holder',
        ExpressionAttributeValues: { ':now': now, ':holder': holder },
      }),
    ),
  );
}

export async function releaseRefreshLease(): Promise<void> {
  await conditionally(() =>
    send((TableName) =>
      new DeleteCommand({
        TableName,
        Key: LEASE_KEY,
        ConditionExpression: 'holder = :holder',
        ExpressionAttributeValues: { ':holder': holder },
      }),
    ),
  );
}
