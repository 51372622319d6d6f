/**
 * Pending logins (pk "login-state#<sha256>"): /login creates an unguessable, single-use state,
 * and /callback checks it here before anything else happens. Only the state's hash is stored;
 * the browser that started the login holds the state itself.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { DeleteCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { InvalidRequest } from '../platform/errors';
import { conditionally, deleteWithPrefixes, send } from '../platform/table';

export const STATE_LIFETIME_SECONDS = 600;

const LOGIN_STATE_PREFIX = 'login-state#';

function loginStateKey(stateHash: string) {
  return { pk: `${LOGIN_STATE_PREFIX}${stateHash}` };
}

/** Deletes every pending login: none started before can finish. */
export async function deletePendingLogins(): Promise<number> {
  return deleteWithPrefixes([LOGIN_STATE_PREFIX]);
}

function hashState(state: string): string {
  return createHash('sha256').update(state).digest('hex');
}

/** A new state, stored (hashed) until it is used or STATE_LIFETIME_SECONDS pass. */
export async function createLoginState(): Promise<string> {
  const state = randomBytes(32).toString('base64url');
  const expiresAt = Date.now() + STATE_LIFETIME_SECONDS * 1000;
  await send((TableName) =>
    new PutCommand({
      TableName,
      Item: { ...loginStateKey(hashState(state)), expiresAt, ttl: Math.ceil(expiresAt / 1000) },
    }),
  );
  return state;
}

/** Deletes the pending login and returns its expiry, or undefined if it never existed or was used already. */
async function consumeLoginState(stateHash: string): Promise<number | undefined> {
  let expiresAt: number | undefined;
  await conditionally(async () => {
    const { Attributes } = await send<{ Attributes?: { expiresAt?: unknown } }>((TableName) =>
      new DeleteCommand({
        TableName,
        Key: loginStateKey(stateHash),
        ConditionExpression: 'attribute_exists(pk)',
        ReturnValues: 'ALL_OLD',
      }),
    );
    if (typeof Attributes?.expiresAt === 'number') expiresAt = Attributes.expiresAt;
  });
  return expiresAt;
}

function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

const invalidState = () =>
  new InvalidRequest(
    'invalid_state',
    'This sign-in link has expired, was already used, or was opened in another browser. Nothing was changed. Start again from /login.',
  );

/**
 * The state Spotify sent back must match the one this browser holds, exist, be unused (it is
 * consumed now) and unexpired.
 */
export async function checkLoginState(state: string | undefined, browserState: string | undefined): Promise<void> {
  if (!state || !browserState || !sameText(state, browserState)) throw invalidState();
  const expiresAt = await consumeLoginState(hashState(state));
  if (expiresAt === undefined || expiresAt < Date.now()) throw invalidState();
}
