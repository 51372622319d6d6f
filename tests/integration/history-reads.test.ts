/**
 * What a public history request may cost, through the real /history and
 * /history.svg handlers against dynalite: its reads are eventually consistent; the period is whole
 * days, so `days=7` and the same `from`/`to` share one answer in memory, for the card as for the
 * JSON; and a period whose aggregates pass the read cap is refused with a 400 naming it, that
 * refusal kept like an answer so a repeated request reads nothing.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { PUBLIC_READ_CAP } from '../../lib/listening/history';
import { documentClient } from '../../lib/platform/dynamo';
import { forgetContainerMemory } from '../../lib/platform/memory';
import { addDays } from '../../lib/platform/time';
import { collect, history, useHistoryDefaults } from '../support/history';
import { historyCard, useService, type Result } from '../support/service';

const service = useService();
useHistoryDefaults();

const body = (response: Result) => JSON.parse(response.body);
const today = () => new Date().toISOString().slice(0, 10);

type Input = { TableName?: string; ConsistentRead?: boolean; RequestItems?: Record<string, { ConsistentRead?: boolean }> };
/** What this test's requests sent to the history table: each command's name and whether it read consistently. */
function historyCommands(send: { mock: { calls: unknown[][] } }): { name: string; consistent: boolean | undefined }[] {
  const table = process.env.HISTORY_TABLE_NAME!;
  return send.mock.calls
    .map(([command]) => command as { constructor: { name: string }; input: Input })
    .filter(({ input }) => input.TableName === table || Boolean(input.RequestItems?.[table]))
    .map(({ constructor, input }) => ({ name: constructor.name, consistent: input.ConsistentRead ?? input.RequestItems?.[table]?.ConsistentRead }));
}

const savedCap = { ...PUBLIC_READ_CAP };
afterEach(() => Object.assign(PUBLIC_READ_CAP, savedCap));

beforeEach(async () => {
  process.env.HISTORY_CACHE_SECONDS = '300';
  await service.connect();
  // The emulator's owner has 50 plays over the last days.
  expect(await collect()).toMatchObject({ outcome: 'collected', stored: 50 });
  forgetContainerMemory();
});

describe('a public history request', () => {
  it('reads eventually consistent, /history and /history.svg alike', async () => {
    const send = vi.spyOn(documentClient(), 'send');
    expect((await history({ days: '30' })).statusCode).toBe(200);
    expect((await historyCard({ days: '60' })).statusCode).toBe(200);
    const commands = historyCommands(send);
    expect(commands.map((command) => command.name)).toEqual(expect.arrayContaining(['QueryCommand', 'GetCommand', 'BatchGetCommand']));
    expect(commands.filter((command) => command.consistent !== false)).toEqual([]);
  });

  it.each([
    ['/history', history],
    ['/history.svg', historyCard],
  ] as const)('%s: days=7 and the same from and to are one answer, kept in memory', async (_, ask) => {
    const first = await ask({ days: '7' });
    expect(first.statusCode).toBe(200);
    const send = vi.spyOn(documentClient(), 'send');
    const again = await ask({ from: addDays(today(), -6), to: today() });
    expect(again.body).toBe(first.body);
    expect(historyCommands(send)).toEqual([]);
    // Another period is another read.
    await ask({ days: '8' });
    expect(historyCommands(send).length).toBeGreaterThan(0);
  });

  it.each([
    ['/history', history],
    ['/history.svg', historyCard],
  ] as const)('%s: a period past the read cap is refused with a 400 naming it, and the refusal is kept: asked again, nothing is read', async (path, ask) => {
    // A cap no aggregate fits under: the 30 days' aggregates pass it.
    Object.assign(PUBLIC_READ_CAP, { bytes: 1 });
    const send = vi.spyOn(documentClient(), 'send');
    const refused = await ask({ days: '30' });
    expect(refused.statusCode).toBe(400);
    if (path === '/history') expect(body(refused)).toEqual({ error: 'invalid_parameter', message: expect.stringMatching(/^The period from .* holds more listening than one request reads .*: ask for fewer days\.$/) });
    else expect(refused.body).toContain('holds more listening than one request reads');
    send.mockClear();
    expect((await ask({ days: '30' })).statusCode).toBe(400);
    expect(historyCommands(send)).toEqual([]);
    // A shorter period still fits.
    Object.assign(PUBLIC_READ_CAP, { bytes: 1_000_000 });
    expect((await ask({ days: '1' })).statusCode).toBe(200);
  });
});
