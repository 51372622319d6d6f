/**
 * The listening history (issue 14): the collector against the emulator (idempotent, two runs at
 * once, a gap of more than 50 plays recorded, a failure not moving the cursor, the daily snapshot
 * written once), and /history's aggregates checked against plays this test made itself: time-zone
 * day boundaries, the owner's settings, retention, caching, and every bad query refused by name.
 */
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it, vi } from 'vitest';
import { documentClient } from '../../lib/platform/dynamo';
import { collect, history, useHistoryDefaults } from '../support/history';
import { ownerSettings, sessionCookieOf, useService, type Result } from '../support/service';
import { OWNER_ID, type Track } from '../support/spotify-emulator';

const service = useService();
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

const body = (response: Result) => JSON.parse(response.body);

const player = () => service.model.player(OWNER_ID);
const tracks = () => service.model.topFor(OWNER_ID, 'tracks', 'short_term') as Track[];

/** Plays of `tracks()[index]` at the given times (epoch ms), as the emulator's history. */
function playsAt(...entries: [index: number, at: number][]) {
  return entries.map(([index, at]) => ({ track: tracks()[index]!, playedAt: at, context: null }));
}

async function storedPlays(): Promise<number> {
  const { Items } = await documentClient().send(
    new QueryCommand({ TableName: process.env.HISTORY_TABLE_NAME, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': `play#${OWNER_ID}` } }),
  );
  return Items?.length ?? 0;
}

useHistoryDefaults();

describe('the collector', () => {
  it('stores every play once: a second run stores nothing, and two runs at once store each play once', async () => {
    await service.connect();
    const now = Date.now();
    player().setHistory(playsAt([0, now - 3 * HOUR], [1, now - 2 * HOUR], [2, now - HOUR]));
    const first = await collect();
    expect(first).toMatchObject({ outcome: 'collected', stored: 3, gap: null });
    expect((await collect()).stored).toBe(0);

    player().setHistory(playsAt([0, now - 3 * HOUR], [1, now - 2 * HOUR], [2, now - HOUR], [3, now - 30 * 60_000], [4, now - 10 * 60_000]));
    vi.resetModules();
    const other = ((await import('../../handlers/scheduled/collect')) as { handler: unknown }).handler;
    const [mine, theirs] = await Promise.all([collect(), collect(other)]);
    expect(mine.stored + theirs.stored).toBe(2);
    expect(await storedPlays()).toBe(5);
    expect(body(await history({ days: '2' }))).toMatchObject({ plays: 5 });
  });

  it('records a gap when more than 50 plays came since the last run: Spotify keeps only 50', async () => {
    await service.connect();
    const now = Date.now();
    player().setHistory(playsAt([0, now - 50 * HOUR]));
    await collect();
    const later = Array.from({ length: 80 }, (_, i): [number, number] => [i % 20, now - (80 - i) * 20 * 60_000]);
    player().setHistory(playsAt([0, now - 50 * HOUR], ...later));
    const report = await collect();
    expect(report.stored).toBe(50);
    // No run failed in between: more plays than Spotify keeps came between two runs.
    expect(report.gap).toEqual({ from: new Date(now - 50 * HOUR).toISOString(), to: new Date(later[30]![1]).toISOString(), reason: 'over_50_plays' });
    const json = body(await history({ days: '7' }));
    expect(json.complete).toBe(false);
    expect(json.gaps).toEqual([report.gap]);
  });

  it('records a failed run and does not move the cursor: the next run catches up', async () => {
    await service.connect();
    const now = Date.now();
    player().setHistory(playsAt([0, now - 2 * HOUR]));
    await collect();
    player().setHistory(playsAt([0, now - 2 * HOUR], [1, now - HOUR]));
    // Both the call and its one retry fail.
    service.model.failNext('recentlyPlayed', { status: 503, times: 2 });
    expect(await collect()).toMatchObject({ outcome: 'failed', stored: 0, reason: 'spotify_unavailable' });
    const { Items } = await documentClient().send(
      new QueryCommand({ TableName: process.env.HISTORY_TABLE_NAME, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': `run#${OWNER_ID}` } }),
    );
    expect(Items).toEqual([expect.objectContaining({ outcome: 'failed', reason: 'spotify_unavailable' })]);
    expect((await collect()).stored).toBe(1);
    expect(await storedPlays()).toBe(2);
  });

  it('keeps a snapshot of the six top lists once a day', async () => {
    await service.connect();
    expect((await collect()).snapshots).toBe(6);
    expect((await collect()).snapshots).toBe(0);
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + DAY });
    expect((await collect()).snapshots).toBe(6);
  });

  it('does nothing while nobody is connected', async () => {
    expect(await collect()).toMatchObject({ outcome: 'not_connected', stored: 0 });
  });
});

describe('GET /history', () => {
  /** Three days of plays the test counts itself: day -2 three plays of track 0, day -1 two of track 1 and one of 0, today one of 2. */
  async function threeDays() {
    await service.connect();
    const today = Date.parse(`${new Date().toISOString().slice(0, 10)}T12:00:00Z`);
    const at = Math.min(today, Date.now() - 60_000);
    player().setHistory(playsAt([0, at - 2 * DAY], [0, at - 2 * DAY + HOUR], [0, at - 2 * DAY + 2 * HOUR], [1, at - DAY], [1, at - DAY + HOUR], [0, at - DAY + 2 * HOUR], [2, at]));
    await collect();
    return { day: (offset: number) => new Date(at + offset * DAY).toISOString().slice(0, 10) };
  }

  it('answers the period from the daily aggregates: plays, minutes, each day, the top artists and tracks', async () => {
    const { day } = await threeDays();
    const json = body(await history({ days: '3' }));
    const [t0, t1, t2] = tracks();
    const min = (ms: number) => Math.round(ms / 60_000);
    expect(json).toMatchObject({
      from: day(-2),
      to: day(0),
      plays: 7,
      minutes: min(4 * t0!.duration_ms + 2 * t1!.duration_ms + t2!.duration_ms),
      days: [
        { date: day(-2), plays: 3, minutes: min(3 * t0!.duration_ms) },
        { date: day(-1), plays: 3, minutes: min(2 * t1!.duration_ms + t0!.duration_ms) },
        { date: day(0), plays: 1, minutes: min(t2!.duration_ms) },
      ],
      gaps: [],
    });
    expect(json.topTracks.slice(0, 2)).toEqual([
      { id: t0!.id, name: t0!.name, artists: t0!.artists.map((artist) => artist.name), plays: 4 },
      { id: t1!.id, name: t1!.name, artists: t1!.artists.map((artist) => artist.name), plays: 2 },
    ]);
    expect(json.topArtists[0]).toMatchObject({ id: t0!.artists[0]!.id, name: t0!.artists[0]!.name });
    expect(json.collectingSince).toEqual(expect.any(String));
  });

  it('answers a long period from month roll-ups exactly as day by day', async () => {
    const cookie = sessionCookieOf(await service.connect())!;
    const now = Date.now();
    // 45 plays, one a day at various hours, over 45 days (two or three calendar months).
    player().setHistory(playsAt(...Array.from({ length: 45 }, (_, i): [number, number] => [i % 7, now - (i + 1) * DAY + (i % 5) * HOUR])));
    expect((await collect()).stored).toBe(45);
    const fromMonths = body(await history({ days: '60' }));
    // Hiding a track nobody played forces the day-by-day path.
    const settings = { hiddenArtists: [], hiddenTracks: ['neverplayed0000000000000'], hideExplicit: false, cleanTitles: false, defaults: { timeRange: 'short_term', limit: 5, theme: 'light' } };
    await ownerSettings({ method: 'PUT', cookies: [cookie], body: JSON.stringify(settings), headers: { 'content-type': 'application/json', origin: 'http://127.0.0.1:3000' } });
    const dayByDay = body(await history({ days: '60' }));
    expect(fromMonths.plays).toBe(45);
    expect(fromMonths).toEqual(dayByDay);
  });

  it('puts each play on its day in HISTORY_TIME_ZONE', async () => {
    process.env.HISTORY_TIME_ZONE = 'America/New_York';
    await service.connect();
    // 02:30 UTC is 21:30 or 22:30 the evening before in New York.
    const utcDate = new Date(Date.now() - DAY).toISOString().slice(0, 10);
    const at = Date.parse(`${utcDate}T02:30:00Z`);
    player().setHistory(playsAt([0, at]));
    await collect();
    const evening = new Date(at - DAY).toISOString().slice(0, 10);
    const json = body(await history({ from: evening, to: utcDate }));
    expect(json.days).toEqual([
      { date: evening, plays: 1, minutes: expect.any(Number) },
      { date: utcDate, plays: 0, minutes: 0 },
    ]);
  });

  it("leaves out what the owner's settings hide, everywhere in the answer", async () => {
    await threeDays();
    const hidden = tracks()[0]!.artists[0]!;
    const cookie = sessionCookieOf(await service.connect())!;
    const settings = { hiddenArtists: [hidden.id], hiddenTracks: [], hideExplicit: false, cleanTitles: false, defaults: { timeRange: 'short_term', limit: 5, theme: 'light' } };
    expect((await ownerSettings({ method: 'PUT', cookies: [cookie], body: JSON.stringify(settings), headers: { 'content-type': 'application/json', origin: 'http://127.0.0.1:3000' } })).statusCode).toBe(200);
    const json = body(await history({ days: '3' }));
    expect(json.plays).toBe(3);
    expect(JSON.stringify(json)).not.toContain(hidden.name);
  });

  it('does not answer plays past HISTORY_RETENTION_DAYS, and stores them with a ttl', async () => {
    process.env.HISTORY_RETENTION_DAYS = '1';
    await threeDays();
    const json = body(await history({ days: '3' }));
    expect(json.days[0]).toMatchObject({ plays: 0 });
    expect(json.complete).toBe(false);
    const { Items } = await documentClient().send(
      new QueryCommand({ TableName: process.env.HISTORY_TABLE_NAME, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': `play#${OWNER_ID}` } }),
    );
    expect(Items?.every((item) => typeof item.ttl === 'number')).toBe(true);
  });

  it('is kept for HISTORY_CACHE_SECONDS (with Cache-Control), and read every time with 0', async () => {
    process.env.HISTORY_CACHE_SECONDS = '300';
    await threeDays();
    const first = await history({ days: '3' });
    expect(first.headers['Cache-Control']).toMatch(/max-age=(299|300)/);
    player().setHistory(playsAt([3, Date.now() - 1_000]));
    await collect();
    expect(body(await history({ days: '3' })).plays).toBe(7);
    process.env.HISTORY_CACHE_SECONDS = '0';
    expect(body(await history({ days: '3' })).plays).toBe(8);
  });

  it.each([
    [{ days: '0' }, /days must be a whole number from 1 to 365/],
    [{ days: '366' }, /days must be a whole number from 1 to 365/],
    [{ days: 'week' }, /days/],
    [{ from: '2026-02-30' }, /from must be a date/],
    [{ from: '2026-12-01', to: 'yesterday' }, /to must be a date/],
    [{ to: '2026-12-01' }, /from must be given with to/],
    [{ from: '2026-12-02', to: '2026-12-01' }, /from must not be after to/],
    [{ from: '2008-09-30', to: '2026-01-01' }, /from must be 2008-10-01 or later/],
    [{ days: 'al' }, /days must be a whole number from 1 to 365, or all/],
    [{ days: '7', from: '2026-12-01' }, /days cannot be given with from or to/],
  ])('refuses %j with 400 naming the parameter', async (query, message) => {
    await service.connect();
    const response = await history(query);
    expect(response.statusCode).toBe(400);
    expect(body(response)).toEqual({ error: 'invalid_parameter', message: expect.stringMatching(message) });
  });

  it('answers 503 not_authorized while nobody is connected', async () => {
    expect(body(await history())).toMatchObject({ error: 'not_authorized' });
  });
});
