/**
 * POST /owner/disconnect and the listening history: deleted by default, kept when the owner asks
 * (and the pages say which); a history too long for one request, or a DynamoDB failure half way,
 * leaves the owner connected with their session, and running it again finishes the job.
 */
import { BatchWriteCommand, DeleteCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { handler as disconnectHandler } from '../../handlers/http/owner-disconnect';
import { documentClient } from '../../lib/platform/dynamo';
import { httpEvent, lambdaContext, type EventInput } from '../support/events';
import { collect, useHistoryDefaults } from '../support/history';
import { ownerSettings, sessionCookieOf, useService, type Result } from '../support/service';
import { OWNER_ID } from '../support/spotify-emulator';

const service = useService();
useHistoryDefaults();
afterEach(() => vi.restoreAllMocks());

type Handler = (event: unknown, context: unknown) => Promise<unknown>;

/** The disconnect as the console's form sends it, with `fields` beside confirm=yes; `remainingMs`: what the function has left. */
function disconnect(cookie: string, fields = '', remainingMs = 10_000, input: EventInput = {}): Promise<Result> {
  const event = httpEvent('/owner/disconnect', {
    method: 'POST',
    cookies: [cookie],
    body: `confirm=yes${fields}`,
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'http://127.0.0.1:3000' },
    ...input,
  });
  return (disconnectHandler as Handler)(event, { ...lambdaContext('ownerDisconnect'), getRemainingTimeInMillis: () => remainingMs }) as Promise<Result>;
}

async function items(table: string | undefined): Promise<Record<string, unknown>[]> {
  const found: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await documentClient().send(new ScanCommand({ TableName: table, ConsistentRead: true, ExclusiveStartKey: start }));
    found.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start);
  return found;
}
const historyItems = () => items(process.env.HISTORY_TABLE_NAME);
const mainKeys = async () => (await items(process.env.TABLE_NAME)).map((item) => String(item.pk)).sort();

async function connectedWithHistory(): Promise<string> {
  const cookie = sessionCookieOf(await service.connect());
  if (!cookie) throw new Error('the owner got no session');
  const report = await collect();
  expect(report).toMatchObject({ outcome: 'collected' });
  expect((await historyItems()).length).toBeGreaterThan(0);
  return cookie;
}

/** `count` more items in the history table (plays of the owner's, as far as a delete can tell). */
async function seedPlays(count: number): Promise<void> {
  const TableName = process.env.HISTORY_TABLE_NAME!;
  for (let i = 0; i < count; i += 25) {
    const batch = Array.from({ length: Math.min(25, count - i) }, (_, j) => ({ PutRequest: { Item: { pk: `play#${OWNER_ID}`, sk: `2024-01-01T00:00:00.000Z#seed${i + j}` } } }));
    await documentClient().send(new BatchWriteCommand({ RequestItems: { [TableName]: batch } }));
  }
}

describe('disconnecting and the listening history', { timeout: 60_000 }, () => {
  it('deletes the history with everything else by default, and says so', async () => {
    const cookie = await connectedWithHistory();
    const response = await disconnect(cookie);
    expect(response.statusCode).toBe(200);
    expect(response.body).toContain('your listening history included');
    expect(await historyItems()).toEqual([]);
    expect(await mainKeys()).toEqual(['budget']);
  });

  it('keeps the history when the owner ticks "Keep my listening history", and says plainly that it did', async () => {
    const cookie = await connectedWithHistory();
    const before = await historyItems();
    const response = await disconnect(cookie, '&keepHistory=yes');
    expect(response.statusCode).toBe(200);
    expect(response.body).toContain('It kept your listening history</strong>');
    expect(await historyItems()).toEqual(before);
    // Everything else is gone all the same.
    expect(await mainKeys()).toEqual(['budget']);
  });

  it('takes keepHistory as JSON too', async () => {
    const cookie = await connectedWithHistory();
    const before = await historyItems();
    const response = await disconnect(cookie, '', 10_000, { body: JSON.stringify({ keepHistory: true }), headers: { 'content-type': 'application/json', origin: 'http://127.0.0.1:3000' } });
    expect(response.statusCode).toBe(200);
    expect(await historyItems()).toEqual(before);
  });

  it('a history longer than one request can delete: the owner stays connected, the page goes on by itself, and the next run finishes', async () => {
    const cookie = await connectedWithHistory();
    await seedPlays(500);
    const owner = await service.owner();
    // Five seconds left: after the function's own margin and what the rest of the disconnect needs, no time for the history.
    const first = await disconnect(cookie, '', 5_000);
    expect(first.statusCode).toBe(200);
    expect(first.body).toContain('<h1>Still deleting your listening history</h1>');
    expect(first.body).toContain('<form id="go-on" method="post" action="../owner/disconnect">');
    // Its script is allowed by its hash, and nothing else is.
    expect(first.headers['Content-Security-Policy']).toMatch(/script-src 'sha256-[A-Za-z0-9+/=]+'; connect-src 'self'/);
    expect(first.headers['Content-Security-Policy']).toContain("form-action 'self'");
    expect(first.cookies ?? []).toEqual([]);
    expect(await service.owner()).toEqual(owner);
    expect((await historyItems()).length).toBeGreaterThan(500);
    expect((await ownerSettings({ cookies: [cookie] })).statusCode).toBe(200);

    const second = await disconnect(cookie);
    expect(second.body).toContain('your listening history included');
    expect(await historyItems()).toEqual([]);
    expect(await mainKeys()).toEqual(['budget']);
  });

  it('a DynamoDB failure half way through the history: a short error page, and running it again finishes', async () => {
    const cookie = await connectedWithHistory();
    await seedPlays(200);
    const send = documentClient().send.bind(documentClient());
    let batches = 0;
    vi.spyOn(documentClient(), 'send').mockImplementation(((command: unknown, options: unknown) => {
      if (command instanceof BatchWriteCommand && ++batches > 3) return Promise.reject(Object.assign(new Error('down'), { name: 'ServiceUnavailable' }));
      return send(command as never, options as never);
    }) as never);
    const failed = await disconnect(cookie);
    expect(failed.statusCode).toBe(503);
    expect(failed.body).not.toMatch(/at .*\.ts:\d+/);
    vi.restoreAllMocks();
    const left = (await historyItems()).length;
    expect(left).toBeGreaterThan(0);
    expect(await service.owner()).toBeDefined();

    expect((await disconnect(cookie)).statusCode).toBe(200);
    expect(await historyItems()).toEqual([]);
    expect(await mainKeys()).toEqual(['budget']);
  });

  it('a failure after the history, before the owner is deleted: the session still works, and the next run finishes', async () => {
    const cookie = await connectedWithHistory();
    const send = documentClient().send.bind(documentClient());
    vi.spyOn(documentClient(), 'send').mockImplementation(((command: unknown, options: unknown) => {
      if (command instanceof DeleteCommand && (command.input.Key as { pk?: string }).pk === 'owner') return Promise.reject(Object.assign(new Error('down'), { name: 'ServiceUnavailable' }));
      return send(command as never, options as never);
    }) as never);
    expect((await disconnect(cookie)).statusCode).toBe(503);
    vi.restoreAllMocks();
    expect(await historyItems()).toEqual([]);
    expect(await service.owner()).toBeDefined();
    expect((await ownerSettings({ cookies: [cookie] })).statusCode).toBe(200);

    expect((await disconnect(cookie)).statusCode).toBe(200);
    expect(await mainKeys()).toEqual(['budget']);
  });

  it('a refused request deletes nothing of the history', async () => {
    const cookie = await connectedWithHistory();
    const before = await historyItems();
    const refused = await disconnect(cookie, '', 10_000, { headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'https://evil.example' } });
    expect(refused.statusCode).toBe(403);
    expect(await historyItems()).toEqual(before);
  });
});
