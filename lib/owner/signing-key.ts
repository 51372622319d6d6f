/**
 * The service's own signing keys: random secrets created on first use and kept in DynamoDB (never
 * in the environment, a log or the template), each under its item ("session-key" for the owner's
 * sessions, "login-key" for pending logins). Read consistently on every check, so deleting one
 * (disconnecting) invalidates what it signed in every container at once.
 */
import { createHmac, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { DeleteCommand, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { conditionally, send } from '../platform/table';

export interface SigningKey {
  id: string;
  secret: Buffer;
}

/** The key as DynamoDB holds it now (a consistent read), if there is one. */
export async function readKey(pk: string): Promise<SigningKey | undefined> {
  const { Item } = await send<{ Item?: { keyId?: string; secret?: string } }>((TableName) => new GetCommand({ TableName, Key: { pk }, ConsistentRead: true }));
  if (!Item?.keyId || !Item.secret) return undefined;
  return { id: Item.keyId, secret: Buffer.from(Item.secret, 'base64') };
}

/** The key, created on first use; two containers creating it at once agree on one (a conditional write). */
export async function signingKey(pk: string): Promise<SigningKey> {
  const stored = await readKey(pk);
  if (stored) return stored;
  const created = { keyId: randomUUID(), secret: randomBytes(32).toString('base64'), createdAt: new Date().toISOString() };
  const won = await conditionally(() => send((TableName) => new PutCommand({ TableName, Item: { pk, ...created }, ConditionExpression: 'attribute_not_exists(pk)' })));
  if (won) return { id: created.keyId, secret: Buffer.from(created.secret, 'base64') };
  const theirs = await readKey(pk);
  if (!theirs) throw new Error(`the signing key ${pk} vanished as it was created`);
  return theirs;
}

/** Deletes the key: nothing it signed is accepted any more, and the next use creates a new one. */
export async function deleteKey(pk: string): Promise<void> {
  await send((TableName) => new DeleteCommand({ TableName, Key: { pk } }));
}

export const sign = (key: SigningKey, payload: string) => createHmac('sha256', key.secret).update(payload).digest('base64url');

/** Equal texts, compared in constant time. */
export function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

export function signedBy(key: SigningKey, payload: string, signature: string): boolean {
  return sameText(sign(key, payload), signature);
}
