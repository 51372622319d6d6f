/**
 * Pending logins, stored nowhere: /login gives the browser a state that carries its own expiry and
 * a random nonce, signed with the service's login key (lib/owner/signing-key.ts, pk "login-key"),
 * in a cookie only /callback receives. So anonymous /login calls (a crawler following the home
 * page's link) write nothing, and nothing piles up. /callback checks that the state Spotify sent
 * back is this browser's, signed with the current key and unexpired, and spends it once: the first
 * use writes a record of the nonce (pk "used-state#<sha256>", conditional, with a ttl at the state's
 * expiry), and a second is refused before Spotify is asked. Disconnecting deletes the key: no login
 * started before can finish.
 */
import { createHash, randomBytes } from 'node:crypto';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { InvalidRequest } from '../platform/errors';
import { conditionally, deleteWithPrefixes, send } from '../platform/table';
import { deleteKey, readKey, sameText, sign, signedBy, signingKey } from './signing-key';

export const STATE_LIFETIME_SECONDS = 600;

const LOGIN_KEY = 'login-key';
const USED_STATE_PREFIX = 'used-state#';

/** Forgets every pending login (none started before can finish) and the record of those used. */
export async function deletePendingLogins(): Promise<number> {
  await deleteKey(LOGIN_KEY);
  return deleteWithPrefixes([USED_STATE_PREFIX]);
}

/** A new state: "<expiry>.<nonce>.<signature>", valid for STATE_LIFETIME_SECONDS; nothing is stored. */
export async function createLoginState(): Promise<string> {
  const key = await signingKey(LOGIN_KEY);
  const payload = `${Date.now() + STATE_LIFETIME_SECONDS * 1000}.${randomBytes(24).toString('base64url')}`;
  return `${payload}.${sign(key, payload)}`;
}

const invalidState = () =>
  new InvalidRequest(
    'invalid_state',
    'This sign-in link has expired, was already used, or was opened in another browser. Nothing was changed. Start again from /login.',
  );

/** The state's expiry and nonce, when it is one of ours: well formed and signed with the current key. */
async function verified(state: string): Promise<{ expiresAt: number; nonce: string } | undefined> {
  const [expiry, nonce, signature, extra] = state.split('.');
  if (!expiry || !nonce || !signature || extra !== undefined || !/^\d{1,15}$/.test(expiry)) return undefined;
  const key = await readKey(LOGIN_KEY);
  if (!key || !signedBy(key, `${expiry}.${nonce}`, signature)) return undefined;
  return { expiresAt: Number(expiry), nonce };
}

/** Records the state as used; false when it was used already. */
async function spend(nonce: string, expiresAt: number): Promise<boolean> {
  const pk = `${USED_STATE_PREFIX}${createHash('sha256').update(nonce).digest('hex')}`;
  return conditionally(() =>
    send((TableName) => new PutCommand({ TableName, Item: { pk, ttl: Math.ceil(expiresAt / 1000) }, ConditionExpression: 'attribute_not_exists(pk)' })),
  );
}

/**
 * The state Spotify sent back must match the one this browser holds, be signed with the current
 * login key, unexpired and unused (it is spent now).
 */
export async function checkLoginState(state: string | undefined, browserState: string | undefined): Promise<void> {
  if (!state || !browserState || !sameText(state, browserState)) throw invalidState();
  const claims = await verified(state);
  if (!claims || claims.expiresAt < Date.now()) throw invalidState();
  if (!(await spend(claims.nonce, claims.expiresAt))) throw invalidState();
}
