/**
 * The owner's session (issue 12, point 2): a successful /callback by the owner starts it (an
 * HttpOnly, SameSite=Strict cookie, Secure and __Host- over https, 12 hours), signed with a key the
 * service creates at random and keeps in DynamoDB; anyone else connecting gets none; a tampered,
 * expired or earlier authorization's cookie is refused; a reconnect, a hand-over or a disconnect
 * ends every session.
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { documentClient } from '../../lib/platform/dynamo';
import { endAllSessions, SECURE_SESSION_COOKIE, startSession } from '../../lib/owner/session';
import { anotherContainer, ownerSettings, sessionCookieOf, useService } from '../support/service';
import { INTRUDER_ID, OWNER_ID } from '../support/spotify-emulator';

const service = useService();

const travel = (ms: number) => vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + ms });
afterEach(() => vi.useRealTimers());

const keyItem = async () => (await documentClient().send(new GetCommand({ TableName: process.env.TABLE_NAME, Key: { pk: 'session-key' } }))).Item;

/** The session cookie of a fresh connection by the owner. */
async function connectedSession(): Promise<string> {
  const cookie = sessionCookieOf(await service.connect());
  if (!cookie) throw new Error('the owner got no session');
  return cookie;
}

const asOwner = (cookie: string) => ownerSettings({ cookies: [cookie] });

describe("the owner's session", () => {
  it('starts with the owner\'s /callback: HttpOnly, SameSite=Strict, Path=/, 12 hours, not Secure over plain http (127.0.0.1)', async () => {
    const response = await service.connect();
    const set = (response.cookies ?? []).find((cookie) => cookie.startsWith('owner-session='));
    expect(set).toBeDefined();
    const attributes = set!.split(';').slice(1).map((part) => part.trim().toLowerCase());
    expect(attributes).toEqual(expect.arrayContaining(['max-age=43200', 'path=/', 'httponly', 'samesite=strict']));
    expect(attributes).not.toContain('secure');
    expect((await asOwner(sessionCookieOf(response)!)).statusCode).toBe(200);
  });

  it('over https is named __Host-owner-session and Secure, with Path=/ and no Domain', async () => {
    await service.connect();
    const owner = await service.owner();
    const set = await startSession({ spotifyUserId: owner!.spotifyUserId, authorization: owner!.authorizationId! }, true);
    expect(set.startsWith(`${SECURE_SESSION_COOKIE}=`)).toBe(true);
    const attributes = set.split(';').slice(1).map((part) => part.trim().toLowerCase());
    expect(attributes).toEqual(expect.arrayContaining(['secure', 'httponly', 'samesite=strict', 'path=/', 'max-age=43200']));
    expect(attributes.some((part) => part.startsWith('domain='))).toBe(false);
  });

  it('is signed with a random key the service keeps in DynamoDB, never in the environment', async () => {
    expect(await keyItem()).toBeUndefined();
    await connectedSession();
    const item = await keyItem();
    expect(Buffer.from(String(item?.secret), 'base64')).toHaveLength(32);
    for (const value of Object.values(process.env)) expect(value).not.toBe(item?.secret);
  });

  it('is honoured by another container, which reads the key from DynamoDB', async () => {
    const cookie = await connectedSession();
    const other = await anotherContainer();
    expect((await other.ownerSettings({ cookies: [cookie] })).statusCode).toBe(200);
  });

  it('keeps one key when two containers create it at once', async () => {
    await service.connect();
    const owner = await service.owner();
    const key = { spotifyUserId: owner!.spotifyUserId, authorization: owner!.authorizationId! };
    await endAllSessions();
    vi.resetModules();
    const other = (await import('../../lib/owner/session')) as typeof import('../../lib/owner/session');
    const [mine, theirs] = await Promise.all([startSession(key, false), other.startSession(key, false)]);
    for (const set of [mine, theirs]) expect((await asOwner(set.split(';')[0]!)).statusCode).toBe(200);
  });

  it('is not given to another account that connects, which is refused', async () => {
    process.env.OWNER_SPOTIFY_ID = OWNER_ID;
    await service.connect();
    const intruder = await service.connect(INTRUDER_ID);
    expect(intruder.statusCode).toBe(403);
    expect(sessionCookieOf(intruder)).toBeUndefined();
  });

  it('refuses a tampered cookie: another payload, another signature, or garbage', async () => {
    const cookie = await connectedSession();
    const [name, value] = cookie.split('=') as [string, string];
    const [payload, signature] = value.split('.') as [string, string];
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
    const longer = Buffer.from(JSON.stringify({ ...claims, e: claims.e + 86_400_000 })).toString('base64url');
    const flipped = signature.slice(0, -2) + (signature.endsWith('AA') ? 'BB' : 'AA');
    for (const forged of [`${name}=${longer}.${signature}`, `${name}=${payload}.${flipped}`, `${name}=${payload}`, `${name}=not-a-session`, `${name}=${payload}.${signature}.x`]) {
      const response = await asOwner(forged);
      expect(response.statusCode, forged).toBe(401);
      expect(JSON.parse(response.body)).toMatchObject({ error: 'no_session' });
    }
  });

  it('ends after 12 hours', async () => {
    const cookie = await connectedSession();
    travel(12 * 3_600_000 - 60_000);
    expect((await asOwner(cookie)).statusCode).toBe(200);
    travel(12 * 3_600_000 + 1_000);
    expect((await asOwner(cookie)).statusCode).toBe(401);
  });

  it("ends when the owner connects again: a session names its authorization", async () => {
    const before = await connectedSession();
    const after = await connectedSession();
    expect((await asOwner(before)).statusCode).toBe(401);
    expect((await asOwner(after)).statusCode).toBe(200);
  });

  it('ends when another account takes the site over', async () => {
    const previous = await connectedSession();
    process.env.OWNER_SPOTIFY_ID = INTRUDER_ID;
    const next = sessionCookieOf(await service.connect(INTRUDER_ID));
    expect((await asOwner(previous)).statusCode).toBe(401);
    expect((await asOwner(next!)).statusCode).toBe(200);
  });

  it('ends, every one, in every container, when the key goes (as disconnecting does)', async () => {
    const cookie = await connectedSession();
    const other = await anotherContainer();
    expect((await other.ownerSettings({ cookies: [cookie] })).statusCode).toBe(200);
    await endAllSessions();
    expect((await asOwner(cookie)).statusCode).toBe(401);
    expect((await other.ownerSettings({ cookies: [cookie] })).statusCode).toBe(401);
  });
});
