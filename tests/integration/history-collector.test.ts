/**
 * The collector against dynalite and the emulator where runs meet or fail, and its daily
 * snapshot: two runs interleaved so that the older view's write comes last (a day's, then
 * a month's) lose no play; a DynamoDB write failing anywhere in a run is recorded with its reason,
 * the days it left behind are not called complete, and the next run rewrites them even when Spotify
 * no longer has those plays; and a top list served stale is never kept as that day's snapshot.
 */
import { QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it, vi } from 'vitest';
import { daysBetween, monthsBetween } from '../../lib/listening/history-aggregates';
import { rollUp } from '../../lib/listening/history-numbers';
import { documentClient } from '../../lib/platform/dynamo';
import { addDays } from '../../lib/platform/time';
import { collect, history, useHistoryDefaults } from '../support/history';
import { useService, type Result } from '../support/service';
import { OWNER_ID, type Track } from '../support/spotify-emulator';

const service = useService();
useHistoryDefaults();

const MINUTE = 60_000;
const DAY = 86_400_000;
const body = (response: Result) => JSON.parse(response.body);
const player = () => service.model.player(OWNER_ID);
const track = (index: number) => service.model.topFor(OWNER_ID, 'tracks', 'short_term')[index] as Track;
const playsAt = (...at: number[]) => at.map((playedAt, index) => ({ track: track(index % 5), playedAt, context: null }));
/** Yesterday's noon (UTC, the history's default time zone): plays a few minutes after it fall on one day, in the past. */
const yesterdayNoon = () => Date.parse(`${addDays(new Date().toISOString().slice(0, 10), -1)}T12:00:00Z`);

type Command = { constructor: { name: string }; input: { Item?: { pk?: string; sk?: string } } & Record<string, unknown> };
type Send = (command: Command, options?: unknown) => Promise<unknown>;
/** The head (not a part) of a day's or month's aggregate being written. */
const headWrite = (kind: 'day' | 'month') => (command: Command) =>
  command.constructor.name === 'PutCommand' && Boolean(command.input.Item?.pk?.startsWith(`${kind}#`)) && !command.input.Item?.sk?.includes('#');

/** Holds the first command `client` sends that `matches` until released; `reached` settles when it is held. */
function holdFirst(client: DynamoDBDocumentClient, matches: (command: Command) => boolean) {
  const send = client.send.bind(client) as unknown as Send;
  let release!: () => void;
  let reached!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  const held = new Promise<void>((resolve) => (reached = resolve));
  let holding = true;
  vi.spyOn(client, 'send').mockImplementation((async (command: Command, options?: unknown) => {
    if (holding && matches(command)) {
      holding = false;
      reached();
      await released;
    }
    return send(command, options);
  }) as never);
  return { reached: held, release };
}

describe('two collector runs at once', () => {
  it.each(['day', 'month'] as const)("never lose a play: the older view's %s aggregate, written last, does not overwrite the newer", async (kind) => {
    await service.connect();
    const noon = yesterdayNoon();
    player().setHistory(playsAt(noon + MINUTE));
    expect(await collect()).toMatchObject({ outcome: 'collected', stored: 1 });

    // Run A reads two plays and stops just before writing its aggregate (its view: 2 plays).
    player().setHistory(playsAt(noon + MINUTE, noon + 2 * MINUTE));
    const hold = holdFirst(documentClient(), headWrite(kind));
    const runA = collect();
    await hold.reached;
    // Run B, at the same time, reads a third and writes everything (its view: 3 plays).
    player().setHistory(playsAt(noon + MINUTE, noon + 2 * MINUTE, noon + 3 * MINUTE));
    expect(await collect()).toMatchObject({ outcome: 'collected', stored: 1 });
    hold.release();
    expect(await runA).toMatchObject({ outcome: 'collected', stored: 1 });

    const date = new Date(noon).toISOString().slice(0, 10);
    const [day] = await daysBetween(OWNER_ID, date, date);
    expect(day?.plays).toBe(3);
    const [month] = await monthsBetween(OWNER_ID, date.slice(0, 7), date.slice(0, 7));
    expect(month).toEqual(rollUp(date.slice(0, 7), await daysBetween(OWNER_ID, `${date.slice(0, 7)}-01`, `${date.slice(0, 7)}-31`)));
    expect(month?.plays).toBe(3);
    expect(body(await history({ from: date, to: date })).plays).toBe(3);
  });
});

/** The DynamoDB writes of a collector run that stores new plays, by what they do: each is failed once below. */
const WRITES: [name: string, matches: (command: Command) => boolean][] = [
  ['marking the days to rewrite', (command) => command.constructor.name === 'UpdateCommand' && String(command.input.UpdateExpression).startsWith('SET #m0')],
  ['storing a play', (command) => command.constructor.name === 'PutCommand' && Boolean(command.input.Item?.pk?.startsWith('play#'))],
  ["writing a day's aggregate", headWrite('day')],
  ["reading a month's days", (command) => command.constructor.name === 'QueryCommand' && String((command.input.ExpressionAttributeValues as Record<string, string>)[':pk']).startsWith('day#')],
  ["writing a month's roll-up", headWrite('month')],
  ['moving the cursor', (command) => command.constructor.name === 'UpdateCommand' && String(command.input.UpdateExpression).includes('#cursor')],
  ['noting the run', (command) => command.constructor.name === 'UpdateCommand' && String(command.input.UpdateExpression).includes('lastRunAt')],
  ['clearing the marked days', (command) => command.constructor.name === 'UpdateCommand' && String(command.input.UpdateExpression).startsWith('REMOVE')],
];

/** The plays stored whose time starts with `prefix` (a date, or a month: the test's plays are the only ones then). */
async function playsStoredOn(prefix: string): Promise<number> {
  const { Items } = await documentClient().send(
    new QueryCommand({ TableName: process.env.HISTORY_TABLE_NAME, KeyConditionExpression: 'pk = :pk AND begins_with(sk, :date)', ExpressionAttributeValues: { ':pk': `play#${OWNER_ID}`, ':date': prefix } }),
  );
  return Items?.length ?? 0;
}

async function failedRuns(): Promise<Record<string, unknown>[]> {
  const { Items } = await documentClient().send(
    new QueryCommand({ TableName: process.env.HISTORY_TABLE_NAME, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': `run#${OWNER_ID}` } }),
  );
  return Items ?? [];
}

describe('a DynamoDB write failing part way through a run', () => {
  it.each(WRITES)('(%s) is recorded with its reason, leaves nothing called complete that is not, and the next run recovers', async (_, matches) => {
    await service.connect();
    expect(await collect()).toMatchObject({ outcome: 'collected' });
    // The 15th of the month after next, at noon: collecting ran since before that month began, so its history can be complete.
    const today = new Date().toISOString().slice(0, 10);
    const month = addDays(`${today.slice(0, 7)}-28`, 40).slice(0, 7);
    const noon = Date.parse(`${month}-15T12:00:00Z`);
    vi.useFakeTimers({ toFake: ['Date'], now: noon });
    const date = `${month}-15`;
    const wholeMonth = { from: `${month}-01`, to: addDays(`${addDays(`${month}-28`, 4).slice(0, 7)}-01`, -1) };
    const recent = player().history();
    player().setHistory([...recent, ...playsAt(noon - 3 * MINUTE, noon - 2 * MINUTE)]);

    const send = documentClient().send.bind(documentClient()) as unknown as Send;
    let failing = true;
    vi.spyOn(documentClient(), 'send').mockImplementation((async (command: Command, options?: unknown) => {
      if (failing && matches(command)) {
        failing = false;
        throw Object.assign(new Error('injected'), { name: 'InternalServerError' });
      }
      return send(command, options);
    }) as never);
    expect(await collect()).toMatchObject({ outcome: 'failed', reason: 'storage_unavailable' });
    expect(failing).toBe(false);
    vi.mocked(documentClient().send).mockRestore();
    expect(await failedRuns()).toEqual([expect.objectContaining({ outcome: 'failed', reason: 'storage_unavailable' })]);
    // Whatever was stored, the day (read from its aggregate) and the month (read from its roll-up) are
    // called complete only if their numbers count every play stored for them.
    for (const period of [{ from: date, to: date }, wholeMonth]) {
      const meanwhile = body(await history(period));
      if (meanwhile.complete) expect(meanwhile.plays).toBe(await playsStoredOn(period.from.slice(0, 7)));
      else expect(meanwhile.plays).toBeLessThanOrEqual(2);
    }

    // Spotify no longer answers those plays (the owner cleared it, say): the marked days are rewritten anyway.
    vi.setSystemTime(noon + 30 * MINUTE);
    player().setHistory(recent);
    expect(await collect()).toMatchObject({ outcome: 'collected' });
    // The plays of a run that failed before storing them are the next run's to fetch.
    if (!(await daysBetween(OWNER_ID, date, date))[0]?.plays) {
      player().setHistory([...recent, ...playsAt(noon - 3 * MINUTE, noon - 2 * MINUTE)]);
      expect(await collect()).toMatchObject({ outcome: 'collected', stored: 2 });
    }
    expect(body(await history({ days: '1' }))).toMatchObject({ plays: 2, complete: true });
    expect(body(await history(wholeMonth))).toMatchObject({ plays: 2, complete: true });
    expect((await monthsBetween(OWNER_ID, month, month))[0]).toEqual(rollUp(month, await daysBetween(OWNER_ID, `${month}-01`, `${month}-31`)));
  });
});

describe('the daily snapshot of the top lists', () => {
  it("is never a list served stale: that day's snapshot waits for a fresh one", async () => {
    await service.connect();
    expect((await collect()).snapshots).toBe(6);
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + DAY });
    const date = new Date().toISOString().slice(0, 10);
    // Every list's call and its retry fail: each is served stale, from yesterday.
    service.model.failNext('top', { status: 503, body: { error: { status: 503, message: 'Service unavailable' } }, times: 12 });
    expect(await collect()).toMatchObject({ outcome: 'collected', snapshots: 0 });
    const { Items } = await documentClient().send(
      new QueryCommand({ TableName: process.env.HISTORY_TABLE_NAME, KeyConditionExpression: 'pk = :pk AND begins_with(sk, :date)', ExpressionAttributeValues: { ':pk': `snapshot#${OWNER_ID}`, ':date': date } }),
    );
    expect(Items).toEqual([]);
    vi.setSystemTime(Date.now() + 5 * MINUTE);
    expect((await collect()).snapshots).toBe(6);
  });
});
