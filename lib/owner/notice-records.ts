/**
 * Which notices were sent (pk "notice#<authorization>#<cause>#<channel>"), so each goes once per
 * cause, threshold and channel, even with two watches running at once: a run first claims the
 * notice with a conditional write, sends it, then marks it sent. A claim whose run failed to send
 * is marked failed and claimed again by the next run; a claim left by a run that died lapses after
 * CLAIM_MS. The authorization is part of the key, so a reconnect starts afresh. The last notice
 * sent is kept beside them (pk "notices#<authorization>") for /status and the console.
 */
import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { conditionally, deleteWithPrefixes, send } from '../platform/table';
import type { OwnerKey } from './owner-store';

/** A run that claimed a notice and did not finish within this long is taken for dead. */
export const CLAIM_MS = 5 * 60_000;
/** Records outlive the authorization they belong to (six months), then DynamoDB's ttl removes them. */
const KEEP_MS = 200 * 86_400_000;

const NOTICE_PREFIX = 'notice#';
const SUMMARY_PREFIX = 'notices#';

const noticeKey = (owner: OwnerKey, cause: string, channel: string) => ({ pk: `${NOTICE_PREFIX}${owner.authorization}#${cause}#${channel}` });
const summaryKey = (owner: OwnerKey) => ({ pk: `${SUMMARY_PREFIX}${owner.authorization}` });

/** Takes the notice for this run; false when it was sent already, or another run is sending it. */
export async function claimNotice(owner: OwnerKey, cause: string, channel: string, now = Date.now()): Promise<boolean> {
  return conditionally(() =>
    send((TableName) =>
      new PutCommand({
        TableName,
        Item: { ...noticeKey(owner, cause, channel), state: 'sending', claimedAt: now, ttl: Math.ceil((now + KEEP_MS) / 1000) },
        ConditionExpression: 'attribute_not_exists(pk) OR #state = :failed OR (#state = :sending AND claimedAt < :lapsed)',
        ExpressionAttributeNames: { '#state': 'state' },
        ExpressionAttributeValues: { ':failed': 'failed', ':sending': 'sending', ':lapsed': now - CLAIM_MS },
      }),
    ),
  );
}

/** Marks a claimed notice sent, and keeps it as the last one sent. */
export async function markSent(owner: OwnerKey, notice: { cause: string; title: string }, channel: string, now = Date.now()): Promise<void> {
  const at = new Date(now).toISOString();
  await send((TableName) =>
    new UpdateCommand({
      TableName,
      Key: noticeKey(owner, notice.cause, channel),
      UpdateExpression: 'SET #state = :sent, sentAt = :at',
      ExpressionAttributeNames: { '#state': 'state' },
      ExpressionAttributeValues: { ':sent': 'sent', ':at': at },
    }),
  );
  await send((TableName) =>
    new UpdateCommand({
      TableName,
      Key: summaryKey(owner),
      UpdateExpression: 'SET lastSent = :last, #ttl = :ttl',
      ExpressionAttributeNames: { '#ttl': 'ttl' },
      ExpressionAttributeValues: { ':last': { cause: notice.cause, title: notice.title, at, channel }, ':ttl': Math.ceil((now + KEEP_MS) / 1000) },
    }),
  );
}

/** Marks a claimed notice failed (only the error's name is kept): the next run tries again. */
export async function markFailed(owner: OwnerKey, cause: string, channel: string, reason: string): Promise<void> {
  await send((TableName) =>
    new UpdateCommand({
      TableName,
      Key: noticeKey(owner, cause, channel),
      UpdateExpression: 'SET #state = :failed, failure = :reason',
      ExpressionAttributeNames: { '#state': 'state' },
      ExpressionAttributeValues: { ':failed': 'failed', ':reason': reason.slice(0, 200) },
    }),
  );
}

/** The last notice sent under this authorization, if any. */
export async function lastSentNotice(owner: OwnerKey): Promise<{ cause: string; title: string; at: string; channel: string } | undefined> {
  const { Item } = await send<{ Item?: { lastSent?: { cause: string; title: string; at: string; channel: string } } }>((TableName) =>
    new GetCommand({ TableName, Key: summaryKey(owner), ConsistentRead: true }),
  );
  return Item?.lastSent;
}

/** Whether the notice went on `channel` already. */
export async function noticeSent(owner: OwnerKey, cause: string, channel: string): Promise<boolean> {
  const { Item } = await send<{ Item?: { state?: string } }>((TableName) => new GetCommand({ TableName, Key: noticeKey(owner, cause, channel), ConsistentRead: true }));
  return Item?.state === 'sent';
}

/** Deletes every notice record (disconnecting). */
export async function deleteNoticeRecords(): Promise<number> {
  return deleteWithPrefixes([NOTICE_PREFIX, SUMMARY_PREFIX]);
}
