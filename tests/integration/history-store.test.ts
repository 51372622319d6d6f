/**
 * The history's stored state against dynalite, below the collector: the cursor moves forward only,
 * an aggregate counting fewer plays never overwrites one counting more, an aggregate too big for
 * one item is stored in parts (each under its bound, dynalite refusing anything over 400 KB) and
 * read back whole, the parts it replaced are deleted, a part no head names is never read as one,
 * and public reads are eventually consistent while the collector's are consistent.
 */
import { randomUUID } from 'node:crypto';
import { DeleteCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { beforeEach, describe, expect, inject, it, vi } from 'vitest';
import { daysBetween, monthsBetween, putDay, putMonth } from '../../lib/listening/history-aggregates';
import { AGGREGATE_ITEM_BYTES, itemBytes } from '../../lib/listening/history-format';
import { aggregateDay, rollUp, type CountedPlay } from '../../lib/listening/history-numbers';
import { collectorState, moveCursor } from '../../lib/listening/history-store';
import { documentClient } from '../../lib/platform/dynamo';
import { StorageError } from '../../lib/platform/errors';
import { withRequest } from '../../lib/platform/request-context';
import { createTable } from '../support/table';

const USER = 'owner-1';

beforeEach(async () => {
  process.env.HISTORY_TABLE_NAME = await createTable(inject('dynamoEndpoint'), `test-history-${randomUUID()}`, 'HistoryTable');
});

async function items(pk: string): Promise<Record<string, unknown>[]> {
  const { Items } = await documentClient().send(new QueryCommand({ TableName: process.env.HISTORY_TABLE_NAME, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': pk } }));
  return Items ?? [];
}

const id = (prefix: string, n: number) => `${prefix}${String(n).padStart(22 - prefix.length, '0')}`;
/** `count` plays of `distinct` tracks, each crediting `credits` artists: big entries on purpose. */
function plays(count: number, distinct: number, credits = 8): CountedPlay[] {
  return Array.from({ length: count }, (_, i) => ({
    track: { id: id('t', i % distinct), durationMs: 200_000 + i, explicit: i % 2 === 0, credits: Array.from({ length: credits }, (_, k) => ({ id: id('a', (i + k) % 900) })) },
  }));
}

describe("the collector's cursor", () => {
  it('moves forward only: never back to an older play, and not again to the same one', async () => {
    await moveCursor(USER, 2_000, '2026-03-01T00:00:00.000Z');
    await moveCursor(USER, 1_000, '2026-03-02T00:00:00.000Z');
    expect(await collectorState(USER)).toMatchObject({ cursor: 2_000, since: '2026-03-01T00:00:00.000Z' });
    await moveCursor(USER, 2_000, '2026-03-01T00:00:00.000Z');
    await moveCursor(USER, 3_000, '2026-03-01T00:00:00.000Z');
    expect((await collectorState(USER)).cursor).toBe(3_000);
  });
});

describe('an aggregate', () => {
  it('is never overwritten by a view counting fewer plays; one counting as many or more replaces it', async () => {
    const newer = aggregateDay('2026-03-01', plays(5, 3));
    const older = aggregateDay('2026-03-01', plays(4, 3));
    expect(await putDay(USER, newer)).toBe(true);
    expect(await putDay(USER, older)).toBe(false);
    expect((await daysBetween(USER, '2026-03-01', '2026-03-01'))[0]).toMatchObject({ plays: 5, ms: newer.ms });
    expect(await putDay(USER, newer)).toBe(true);
    const month = rollUp('2026-03', [newer]);
    expect(await putMonth(USER, month)).toBe(true);
    expect(await putMonth(USER, rollUp('2026-03', [older]))).toBe(false);
    expect(await monthsBetween(USER, '2026-03', '2026-03')).toEqual([month]);
  });

  it('too big for one item is stored in parts under the bound, read back whole, and the parts it replaced are deleted', async () => {
    // 2,880 plays (one every 30 s, the most Spotify counts in a day) of 2,880 tracks crediting 8 artists each: about 600 KB.
    const day = aggregateDay('2026-03-02', plays(2_880, 2_880));
    expect(await putDay(USER, day)).toBe(true);
    const stored = await items(`day#${USER}`);
    expect(stored.length).toBeGreaterThan(2);
    for (const item of stored) expect(itemBytes(item)).toBeLessThanOrEqual(AGGREGATE_ITEM_BYTES);
    expect(await daysBetween(USER, '2026-03-01', '2026-03-03')).toEqual([day]);

    const month = rollUp('2026-03', [day]);
    expect(await putMonth(USER, month)).toBe(true);
    expect(await monthsBetween(USER, '2026-02', '2026-04')).toEqual([month]);

    // Rewritten from a view with one more play: the old parts go, the new ones are read.
    const more = aggregateDay('2026-03-02', plays(2_881, 2_880));
    expect(await putDay(USER, more)).toBe(true);
    const after = await items(`day#${USER}`);
    const writeId = after.find((item) => item.sk === '2026-03-02')!.writeId;
    expect(after.filter((item) => String(item.sk).includes('#')).every((item) => String(item.sk).split('#')[1] === writeId)).toBe(true);
    expect(after).toHaveLength(stored.length);
    expect(await daysBetween(USER, '2026-03-02', '2026-03-02')).toEqual([more]);
  });

  it("reads only the parts its head names: a dead write's parts are not counted, and a missing part is never answered as a smaller day", async () => {
    const day = aggregateDay('2026-03-02', plays(2_880, 2_880));
    await putDay(USER, day);
    const table = process.env.HISTORY_TABLE_NAME!;
    // A write that died after its parts, before its head.
    await documentClient().send(new PutCommand({ TableName: table, Item: { pk: `day#${USER}`, sk: '2026-03-02#deadbeef#1', tracks: `${id('t', 99_999)}:50:1000:0:`, writtenAt: Date.now() } }));
    expect(await daysBetween(USER, '2026-03-02', '2026-03-02')).toEqual([day]);
    // A head whose part is gone (deleted by hand, say): read again, consistently, then refused.
    const part = (await items(`day#${USER}`)).find((item) => String(item.sk).endsWith('#1') && !String(item.sk).includes('deadbeef'))!;
    await documentClient().send(new DeleteCommand({ TableName: table, Key: { pk: `day#${USER}`, sk: part.sk } }));
    const send = vi.spyOn(documentClient(), 'send');
    await expect(daysBetween(USER, '2026-03-02', '2026-03-02')).rejects.toBeInstanceOf(StorageError);
    expect(send.mock.calls.map(([command]) => (command.input as { ConsistentRead?: boolean }).ConsistentRead)).toEqual([false, true, true]);
  });
});

describe('reads', () => {
  it('are eventually consistent for the public and consistent for the collector', async () => {
    await putDay(USER, aggregateDay('2026-03-01', plays(3, 2)));
    const send = vi.spyOn(documentClient(), 'send');
    await daysBetween(USER, '2026-03-01', '2026-03-01');
    await collectorState(USER);
    const publicReads = send.mock.calls.map(([command]) => (command.input as { ConsistentRead?: boolean }).ConsistentRead);
    send.mockClear();
    await withRequest({ deadline: Date.now() + 5_000, caller: 'collector' }, async () => {
      await daysBetween(USER, '2026-03-01', '2026-03-01');
      await collectorState(USER);
    });
    const collectorReads = send.mock.calls.map(([command]) => (command.input as { ConsistentRead?: boolean }).ConsistentRead);
    expect(publicReads).toEqual([false, false]);
    expect(collectorReads).toEqual([true, true]);
  });
});
