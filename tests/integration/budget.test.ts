/**
 * The day's Spotify budget (lib/spotify/budget.ts) against dynalite: one conditional UpdateItem
 * per call, counted across containers over a rolling window, reserves public calls cannot take,
 * refusals a container keeps without I/O, and Spotify's quota lockout, never shortened.
 */
import { randomUUID } from 'node:crypto';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterEach, beforeEach, describe, expect, inject, it, vi } from 'vitest';
import { budgetConfig } from '../../lib/platform/config';
import { SpotifyError } from '../../lib/platform/errors';
import { documentClient } from '../../lib/platform/dynamo';
import { forgetContainerMemory } from '../../lib/platform/memory';
import { BUDGET_KEY, HOUR_MS, recordQuotaLockout, spend, spentByLimit, spentByTally, readLedger, type Tally } from '../../lib/spotify/budget';
import { createTable } from '../support/table';

/** 250 a day with the collector every 30 minutes: reserves of 48 (refresh), 24 (owner) and 75 (collector), 103 public. */
const BUDGET = '250';

let now: number;
beforeEach(async () => {
  process.env.TABLE_NAME = await createTable(inject('dynamoEndpoint'), `test-budget-${randomUUID()}`);
  process.env.SPOTIFY_DAILY_BUDGET = BUDGET;
  delete process.env.HISTORY_COLLECT_MINUTES;
  // Half past an hour, so a few minutes never cross into the next one.
  now = Math.floor(Date.now() / HOUR_MS) * HOUR_MS + HOUR_MS / 2;
  vi.spyOn(Date, 'now').mockImplementation(() => now);
  forgetContainerMemory();
});
afterEach(() => {
  delete process.env.SPOTIFY_DAILY_BUDGET;
});

/** A fresh container's `spend` and its own DynamoDB client. */
async function container() {
  vi.resetModules();
  const budget = await import('../../lib/spotify/budget');
  const { documentClient: client } = await import('../../lib/platform/dynamo');
  return { spend: budget.spend, client: client() };
}

/** What a refused spend threw (undefined when it was counted). */
async function refusal(work: () => Promise<void>): Promise<SpotifyError | undefined> {
  try {
    await work();
    return undefined;
  } catch (error) {
    // Another container's modules have their own SpotifyError class.
    if (error instanceof Error && error.name === 'SpotifyError') return error as SpotifyError;
    throw error;
  }
}

async function spendTimes(times: number, tally: Tally, spendIn = spend): Promise<number> {
  let counted = 0;
  for (let i = 0; i < times; i++) if (!(await refusal(() => spendIn(tally)))) counted += 1;
  return counted;
}

describe('the day\'s Spotify budget', () => {
  it('splits the budget into reserves and the public part, as config/budget.cjs says', () => {
    expect(budgetConfig()).toMatchObject({ daily: 250, reserves: { refresh: 48, owner: 24, collector: 75 }, public: 103 });
  });

  it('counts a call with one UpdateItem and no read', async () => {
    await spend('now-playing');
    const sent = vi.spyOn(documentClient(), 'send');
    await spend('now-playing');
    await spend('artists#short_term');
    expect(sent.mock.calls.map(([command]) => command.constructor.name)).toEqual(['UpdateCommand', 'UpdateCommand']);
    const ledger = await readLedger();
    expect(Object.fromEntries(spentByTally(ledger))).toEqual({ 'now-playing': 2, 'artists#short_term': 1 });
  });

  it('refuses the public call past its part, and keeps knowing it without I/O until the hour ends', async () => {
    expect(await spendTimes(103, 'now-playing')).toBe(103);
    const refused = await refusal(() => spend('recently-played'));
    expect(refused).toMatchObject({ kind: 'budget', code: 'budget' });
    // Until the next hour begins: half an hour.
    expect(refused?.retryAfterSeconds).toBe(1800);
    const sent = vi.spyOn(documentClient(), 'send');
    expect(await refusal(() => spend('now-playing'))).toMatchObject({ kind: 'budget' });
    expect(sent).not.toHaveBeenCalled();
  });

  it('keeps each reserve for its own calls, whatever the public ones spent', async () => {
    await spendTimes(103, 'now-playing');
    expect(await spendTimes(48, 'refresh')).toBe(48);
    expect(await spendTimes(24, 'owner')).toBe(24);
    expect(await spendTimes(75, 'collector')).toBe(75);
    for (const tally of ['refresh', 'owner', 'collector', 'artists#long_term']) expect(await refusal(() => spend(tally))).toMatchObject({ kind: 'budget' });
    expect(spentByLimit(await readLedger())).toEqual({ public: 103, refresh: 48, owner: 24, collector: 75 });
  });

  it('holds across four containers calling at once', async () => {
    const containers = await Promise.all([container(), container(), container(), container()]);
    const counted = await Promise.all(containers.map(({ spend: spendIn }) => spendTimes(40, 'now-playing', spendIn)));
    expect(counted.reduce((sum, each) => sum + each, 0)).toBe(103);
    expect(spentByLimit(await readLedger()).public).toBe(103);
  });

  it('counts a rolling window: calls leave it 24 to 25 hours later, hour by hour, never sooner', async () => {
    const start = now;
    await spendTimes(60, 'now-playing');
    now = start + 12 * HOUR_MS;
    expect(await spendTimes(60, 'now-playing')).toBe(43);
    // 24 hours after the first calls their hour is still in the window (this hour and the 24 before it).
    now = start + 24 * HOUR_MS;
    forgetContainerMemory();
    expect(await refusal(() => spend('now-playing'))).toMatchObject({ kind: 'budget' });
    // An hour later the first 60 have left it; the 43 of twelve hours later have not.
    now = start + 25 * HOUR_MS;
    expect(await spendTimes(100, 'now-playing')).toBe(60);
    now = start + 37 * HOUR_MS;
    expect(await spendTimes(100, 'now-playing')).toBe(43);
    // Hours past the window are dropped from the item as it is written.
    const { Item } = await documentClient().send(new GetCommand({ TableName: process.env.TABLE_NAME, Key: BUDGET_KEY }));
    const hours = Object.keys(Item ?? {}).flatMap((name) => /^(?:m_[a-z]+|n)_(\d+)/.exec(name)?.slice(1) ?? []).map(Number);
    expect(Math.min(...hours)).toBeGreaterThan(Math.floor(now / HOUR_MS) - 25 - 1);
  });

  it('counts the limit a fresh container starts with, on a table that has never counted', async () => {
    const { spend: fresh } = await container();
    await fresh('refresh');
    expect(spentByLimit(await readLedger())).toMatchObject({ refresh: 1 });
  });

  describe('Spotify\'s quota spent (QUOTA_EXCEEDED)', () => {
    it('refuses every call, reserves too, until its Retry-After, in every container', async () => {
      await spend('now-playing');
      await recordQuotaLockout(15 * 3600);
      for (const tally of ['now-playing', 'refresh', 'collector']) {
        expect(await refusal(() => spend(tally))).toMatchObject({ kind: 'quota_exceeded', code: 'quota_exceeded', retryAfterSeconds: 15 * 3600 });
      }
      // Another container learns it with one read, then refuses without I/O.
      const other = await container();
      const sent = vi.spyOn(other.client, 'send');
      expect(await refusal(() => other.spend('now-playing'))).toMatchObject({ kind: 'quota_exceeded' });
      expect(await refusal(() => other.spend('collector'))).toMatchObject({ kind: 'quota_exceeded' });
      expect(sent.mock.calls.map(([command]) => command.constructor.name)).toEqual(['UpdateCommand', 'GetCommand']);
      now += 15 * 3600_000 + 1;
      forgetContainerMemory();
      expect(await refusal(() => spend('now-playing'))).toBeUndefined();
    });

    it('is never shortened, and a later, longer one extends it', async () => {
      await recordQuotaLockout(20 * 3600);
      const since = now;
      now += 3600_000;
      await recordQuotaLockout(60);
      let ledger = await readLedger();
      expect(ledger.lockedUntil).toBe(since + 20 * 3600_000);
      expect(ledger.lockedSince).toBe(since);
      await recordQuotaLockout(20 * 3600);
      ledger = await readLedger();
      expect(ledger.lockedUntil).toBe(now + 20 * 3600_000);
      expect(ledger.lockedSince).toBe(since);
    });
  });
});
