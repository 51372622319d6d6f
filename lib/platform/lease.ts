/**
 * A lease: an item that lets one invocation at a time do something (refresh the token, ask
 * Spotify for a result). Taking it is a conditional put that succeeds when it is free, its
 * holder's time ran out (a holder that died cannot block anyone for longer than `ttlMs`), or this
 * container holds it already (which renews it).
 */
import { randomUUID } from 'node:crypto';
import { DeleteCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { conditionally, send } from './table';

/** This container's identity as a lease holder. */
const holder = randomUUID();

export async function takeLease(pk: string, ttlMs: number): Promise<boolean> {
  const now = Date.now();
  return conditionally(() =>
    send((TableName) =>
      new PutCommand({
        TableName,
        Item: { pk, holder, expiresAt: now + ttlMs, ttl: Math.ceil((now + ttlMs) / 1000) + 3600 },
        ConditionExpression: 'attribute_not_exists(pk) OR expiresAt < :now OR holder = :holder',
        ExpressionAttributeValues: { ':now': now, ':holder': holder },
      }),
    ),
  );
}

export async function releaseLease(pk: string): Promise<void> {
  await conditionally(() =>
    send((TableName) =>
      new DeleteCommand({
        TableName,
        Key: { pk },
        ConditionExpression: 'holder = :holder',
        ExpressionAttributeValues: { ':holder': holder },
      }),
    ),
  );
}
