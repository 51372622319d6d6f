/**
 * One full-size month through dynalite (which refuses an item over 400 KB, as DynamoDB does): 31
 * days at 1,000 plays a day of 10,000 distinct tracks, stored as the collector stores plays (batch
 * writes of putPlay's items), left marked by a run that died, rewritten by the next real collector
 * run from the stored plays, and answered by /history from the month's roll-up: every item under
 * its bound (the largest measured), and the month's totals and top 10 exactly those of every play.
 */
import { BatchWriteCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { collect } from '../../lib/features/history/collect';
import { AGGREGATE_ITEM_BYTES, DYNAMODB_ITEM_BYTES, itemBytes } from '../../lib/listening/history-format';
import { markPending, type StoredPlay } from '../../lib/listening/history-store';
import { documentClient } from '../../lib/platform/dynamo';
import { withRequest } from '../../lib/platform/request-context';
import { addDays } from '../../lib/platform/time';
import { datesBetween, DirectCount, heavyListener } from '../support/heavy-listening';
import { history, useHistoryDefaults } from '../support/history';
import { useService, type Result } from '../support/service';
import { OWNER_ID } from '../support/spotify-emulator';

const service = useService();
useHistoryDefaults();
const body = (response: Result) => JSON.parse(response.body);

/** The most recent past month with 31 days. */
function fullMonth(): { month: string; dates: string[] } {
  let month = addDays(`${new Date().toISOString().slice(0, 7)}-01`, -1).slice(0, 7);
  while (addDays(`${month}-31`, 0).slice(0, 7) !== month) month = addDays(`${month}-01`, -1).slice(0, 7);
  return { month, dates: datesBetween(`${month}-01`, `${month}-31`) };
}

/** The plays under putPlay's very keys, 25 to a batch write, a few batches at once. */
async function storePlays(plays: StoredPlay[]): Promise<void> {
  const TableName = process.env.HISTORY_TABLE_NAME!;
  const batches: StoredPlay[][] = [];
  for (let i = 0; i < plays.length; i += 25) batches.push(plays.slice(i, i + 25));
  const worker = async () => {
    for (let batch = batches.shift(); batch; batch = batches.shift()) {
      let requests = batch.map((play) => ({ PutRequest: { Item: { pk: `play#${OWNER_ID}`, sk: `${play.playedAt}#${play.track.id}`, playedAt: play.playedAt, track: play.track } } }));
      while (requests.length) {
        const { UnprocessedItems } = await documentClient().send(new BatchWriteCommand({ RequestItems: { [TableName]: requests } }));
        requests = (UnprocessedItems?.[TableName] ?? []) as typeof requests;
      }
    }
  };
  await Promise.all(Array.from({ length: 4 }, worker));
}

async function partition(pk: string): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await documentClient().send(new QueryCommand({ TableName: process.env.HISTORY_TABLE_NAME, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': pk }, ExclusiveStartKey: start }));
    items.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start);
  return items;
}

describe('a full-size month (31 days, 1,000 plays a day, 10,000 distinct tracks)', () => {
  it("is stored in items under the bound, rewritten by the collector from its plays, and answered with the month's exact totals and top 10", async () => {
    await service.connect();
    const { month, dates } = fullMonth();
    const listener = heavyListener();
    const direct = new DirectCount();
    const plays = dates.flatMap((date) => {
      const day = listener.day(date);
      direct.add(date, day);
      return day;
    });
    await storePlays(plays);
    // A run that stored them died before its aggregates: the next run rewrites its days and month.
    await markPending(OWNER_ID, dates, Date.now() - 1, []);
    const report = await withRequest({ deadline: Date.now() + 57_000, caller: 'collector' }, () => collect());
    expect(report).toMatchObject({ outcome: 'collected' });
    expect(report.days).toEqual(expect.arrayContaining(dates));

    const items = [...(await partition(`month#${OWNER_ID}`)), ...(await partition(`day#${OWNER_ID}`))];
    const monthItems = items.filter((item) => String(item.pk).startsWith('month#') && String(item.sk).startsWith(month));
    expect(monthItems.length).toBeGreaterThan(1);
    const largest = Math.max(...items.map((item) => itemBytes(item)));
    expect(largest).toBeLessThanOrEqual(AGGREGATE_ITEM_BYTES);
    // In one item, the month's tracks alone would pass DynamoDB's limit (and dynalite would refuse it).
    expect(monthItems.reduce((sum, item) => sum + String(item.tracks).length, 0)).toBeGreaterThan(DYNAMODB_ITEM_BYTES);
    console.log(`a full-size month: ${monthItems.length} month items, the largest aggregate item ${largest} bytes (bound ${AGGREGATE_ITEM_BYTES})`);

    const json = body(await history({ from: `${month}-01`, to: `${month}-31` }));
    expect(json).toMatchObject({ plays: 31_000, minutes: Math.round(direct.ms / 60_000) });
    expect(json.days.map((day: { plays: number }) => day.plays)).toEqual(dates.map(() => 1_000));
    expect(json.topTracks.map(({ id, plays: count }: { id: string; plays: number }) => ({ id, plays: count }))).toEqual(direct.topTracks());
    expect(json.topArtists.map(({ id, plays: count }: { id: string; plays: number }) => ({ id, plays: count }))).toEqual(direct.topArtists());
  }, 120_000);
});
