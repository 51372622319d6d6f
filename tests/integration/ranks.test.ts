/**
 * previousRank (issue 14, point 6): /highlights and the list card against the daily snapshots of
 * the top lists, written with putSnapshot or by the real collector under a clock a week back;
 * moved, unchanged and new items, `compare`, the history's time zone, no snapshot (no field, no
 * marks), a bad compare refused by name, the snapshot read once per container, and an unset or
 * failing history table answered as "no snapshot".
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { handler as collectHandler } from '../../handlers/scheduled/collect';
import { putSnapshot } from '../../lib/listening/history-store';
import { clearRanksMemory } from '../../lib/listening/ranks';
import { documentClient } from '../../lib/platform/dynamo';
import { logger } from '../../lib/platform/logger';
import { forgetContainerMemory } from '../../lib/platform/memory';
import { addDays, localDate } from '../../lib/platform/time';
import { lambdaContext } from '../support/events';
import { anotherContainer, askSpotifyEveryTime, card, highlights, ownerSettings, sessionCookieOf, type Result, useService } from '../support/service';
import { INTRUDER_ID, OWNER_ID, type Artist, type Track } from '../support/spotify-emulator';
import { expectWellFormed, extentOf, textsOf } from '../unit/features/card/svg-checks';

const service = useService();
const DAY = 86_400_000;

const body = (response: Result) => JSON.parse(response.body);
const ids = (items: { id: string }[]) => items.map((item) => item.id);
const ranksIn = (items: { previousRank?: number | null }[]) => items.map((item) => item.previousRank);
const topArtists = () => service.model.topFor(OWNER_ID, 'artists', 'short_term') as Artist[];
const topTracks = () => service.model.topFor(OWNER_ID, 'tracks', 'short_term') as Track[];

/** The date `days` before today in HISTORY_TIME_ZONE (UTC here unless a test sets it). */
const daysAgo = (days: number) => addDays(localDate(Date.now(), process.env.HISTORY_TIME_ZONE ?? 'UTC'), -days);
const snapshotOf = (days: number, list: string, listIds: string[]) => putSnapshot(OWNER_ID, daysAgo(days), list, listIds);

/** The commands this test's DynamoDB client sent to the history table. */
function historyReads(send: { mock: { calls: unknown[][] } }): { input: Record<string, unknown> }[] {
  return send.mock.calls.map(([command]) => command as { input: Record<string, unknown> }).filter((command) => command.input.TableName === process.env.HISTORY_TABLE_NAME);
}

/** The marks the card draws beside its ranks, in row order. */
const marksOf = (svg: string) => textsOf(svg).filter((text) => text.kind === 'detail' && /^(?:▲\d+|▼\d+|NEW)$/.test(text.text));

// Tests rename sample artists in place (the model is shared by the file): put them back.
const renamed: [Artist, string][] = [];

beforeEach(() => {
  forgetContainerMemory();
  // Beyond the ranks kept, that the container warned (once) of a missing or unreadable history.
  clearRanksMemory();
  delete process.env.HISTORY_TIME_ZONE;
});

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
  for (const [artist, name] of renamed.splice(0)) artist.name = name;
});

describe('GET /highlights with a snapshot of a week ago', () => {
  it('gives each item its previousRank: moved, unchanged, and null for an item new to the list', async () => {
    await service.connect();
    const [a0, a1, a2, a3, a4, a5] = ids(topArtists());
    // A week ago: a1 led, a0 second, a2 third, an artist since gone, a5, then a3; a4 was not there.
    await snapshotOf(7, 'artists#short_term', [a1!, a0!, a2!, 'gone-artist', a5!, a3!]);
    const json = body(await highlights({ limit: '6' }));
    expect(ids(json.artists)).toEqual([a0, a1, a2, a3, a4, a5]);
    expect(ranksIn(json.artists)).toEqual([2, 1, 3, 6, null, 5]);
    // The item's shape, and previousRank beside it.
    expect(Object.keys(json.artists[0]).sort()).toEqual(['genres', 'id', 'image', 'name', 'previousRank', 'url']);
    expect(Object.keys(json).sort()).toEqual(['artists', 'fetchedAt', 'limit', 'timeRange']);
  });

  it('compares with the list the collector kept a week ago, against the list as visible now (an artist hidden since)', async () => {
    const cookie = sessionCookieOf(await service.connect());
    const artistsThen = ids(topArtists());
    const tracksThen = ids(topTracks());
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() - 7 * DAY });
    expect((await (collectHandler as (event: unknown, context: unknown) => Promise<{ snapshots: number }>)({}, lambdaContext('collect'))).snapshots).toBe(6);
    vi.useRealTimers();

    const hidden = topArtists()[0]!;
    const saved = await ownerSettings({
      method: 'PUT',
      cookies: [cookie!],
      headers: { 'content-type': 'application/json', origin: 'http://127.0.0.1:3000' },
      body: JSON.stringify({ hiddenArtists: [hidden.id], hiddenTracks: [], hideExplicit: false, cleanTitles: false, defaults: { timeRange: 'short_term', limit: 5, theme: 'light' } }),
    });
    expect(saved.statusCode, saved.body).toBe(200);

    const artists = body(await highlights({ limit: '5' })).artists;
    expect(ids(artists)).toEqual(artistsThen.slice(1, 6));
    // Everyone below the hidden artist moved up one place.
    expect(ranksIn(artists)).toEqual([2, 3, 4, 5, 6]);

    const tracks = body(await highlights({ type: 'tracks', limit: '10' })).tracks as { id: string; artists: string[]; previousRank: number | null }[];
    expect(tracks).toHaveLength(10);
    expect(tracks.some((track) => track.artists.includes(hidden.name))).toBe(false);
    expect(ranksIn(tracks)).toEqual(ids(tracks).map((id) => tracksThen.indexOf(id) + 1));
  });

  it('compare=3 reads the snapshot of 3 days ago; a day without one gives no previousRank', async () => {
    await service.connect();
    const [a0, a1, a2] = ids(topArtists());
    await snapshotOf(7, 'artists#short_term', [a2!, a1!, a0!]);
    await snapshotOf(3, 'artists#short_term', [a1!, a0!]);
    expect(ranksIn(body(await highlights({ limit: '3' })).artists)).toEqual([3, 2, 1]);
    expect(ranksIn(body(await highlights({ limit: '3', compare: '3' })).artists)).toEqual([2, 1, null]);
    expect(ranksIn(body(await highlights({ limit: '3', compare: '4' })).artists)).toEqual([undefined, undefined, undefined]);
  });

  it('reads the snapshot of each list: tracks and other time ranges have their own', async () => {
    await service.connect();
    const tracks = ids(topTracks());
    await snapshotOf(7, 'tracks#short_term', [tracks[1]!, tracks[0]!]);
    expect(ranksIn(body(await highlights({ type: 'tracks', limit: '3' })).tracks)).toEqual([2, 1, null]);
    expect(ranksIn(body(await highlights({ type: 'tracks', limit: '3', time_range: 'long_term' })).tracks)).toEqual([undefined, undefined, undefined]);
    expect(ranksIn(body(await highlights({ limit: '3' })).artists)).toEqual([undefined, undefined, undefined]);
  });

  it('counts days in HISTORY_TIME_ZONE', async () => {
    process.env.HISTORY_TIME_ZONE = 'Pacific/Kiritimati';
    // 12:00 UTC is 02:00 the next day at UTC+14: a week before that day is 2026-03-04 there.
    vi.useFakeTimers({ toFake: ['Date'], now: Date.parse('2026-03-10T12:00:00Z') });
    await service.connect();
    const [a0, a1] = ids(topArtists());
    await putSnapshot(OWNER_ID, '2026-03-04', 'artists#short_term', [a1!, a0!]);
    await putSnapshot(OWNER_ID, '2026-03-03', 'artists#short_term', [a0!]);
    expect(ranksIn(body(await highlights({ limit: '2' })).artists)).toEqual([2, 1]);
  });
});

describe('GET /highlights without a snapshot', () => {
  it('answers no previousRank field at all', async () => {
    await service.connect();
    for (const json of [body(await highlights({ limit: '10' })), body(await highlights({ type: 'tracks' }))]) {
      for (const item of json.artists ?? json.tracks) expect(item).not.toHaveProperty('previousRank');
    }
  });

  it.each(['0', '366', '-1', '1.5', 'week', '', '7,14'])('refuses compare=%j with a 400 naming compare', async (compare) => {
    await service.connect();
    const response = await highlights({ compare });
    expect(response.statusCode).toBe(400);
    expect(body(response)).toEqual({ error: 'invalid_parameter', message: 'compare must be a whole number from 1 to 365.' });
  });
});

describe('reading the snapshot', () => {
  it('costs one GetItem per container, list and day: warm requests, other limits and the card read nothing', async () => {
    await service.connect();
    const [a0, a1] = ids(topArtists());
    await snapshotOf(7, 'artists#short_term', [a1!, a0!]);
    const send = vi.spyOn(documentClient(), 'send');
    expect(ranksIn(body(await highlights({ limit: '2' })).artists)).toEqual([2, 1]);
    expect(historyReads(send)).toHaveLength(1);
    expect(historyReads(send)[0]?.input).toMatchObject({ Key: { pk: `snapshot#${OWNER_ID}`, sk: `${daysAgo(7)}#artists#short_term` } });
    send.mockClear();
    expect(ranksIn(body(await highlights({ limit: '3' })).artists)).toEqual([2, 1, null]);
    expect(send).not.toHaveBeenCalled();
    expect(marksOf((await card({ limit: '2', images: '0' })).body).map((mark) => mark.text)).toEqual(['▲1', '▼1']);
    expect(historyReads(send)).toHaveLength(0);
    // Another day is another read.
    await highlights({ compare: '3' });
    expect(historyReads(send)).toHaveLength(1);
  });

  it('keeps a day without a snapshot too: the next request reads nothing', async () => {
    await service.connect();
    const send = vi.spyOn(documentClient(), 'send');
    await highlights();
    expect(historyReads(send)).toHaveLength(1);
    send.mockClear();
    await highlights({ limit: '7' });
    expect(send).not.toHaveBeenCalled();
  });

  it('reads the snapshot of whoever the list belongs to: a container that still trusts the previous owner reads the new one\'s', async () => {
    askSpotifyEveryTime('HIGHLIGHTS_CACHE_SECONDS');
    await service.connect(INTRUDER_ID);
    const warm = await anotherContainer();
    await warm.highlights();
    const theirs = ids(service.model.topFor(INTRUDER_ID, 'artists', 'short_term'));
    const mine = ids(topArtists());
    await putSnapshot(INTRUDER_ID, daysAgo(7), 'artists#short_term', [theirs[1]!, theirs[0]!]);
    await putSnapshot(OWNER_ID, daysAgo(7), 'artists#short_term', [mine[2]!, mine[1]!, mine[0]!]);
    process.env.OWNER_SPOTIFY_ID = OWNER_ID;
    expect((await service.connect(OWNER_ID)).statusCode).toBe(200);
    // Within OWNER_RECHECK_SECONDS the container still trusts the previous owner, but its list is read for the new one.
    const json = body(await warm.highlights({ limit: '3' }));
    expect(ids(json.artists)).toEqual(mine.slice(0, 3));
    expect(ranksIn(json.artists)).toEqual([3, 2, 1]);
  });

  it('reads nothing without HISTORY_TABLE_NAME (the history is optional), answers without previousRank and warns once', async () => {
    await service.connect();
    delete process.env.HISTORY_TABLE_NAME;
    const warn = vi.spyOn(logger, 'warn');
    const send = vi.spyOn(documentClient(), 'send');
    for (const query of [{}, { limit: '3' }] as Record<string, string>[]) {
      const response = await highlights(query);
      expect(response.statusCode).toBe(200);
      for (const item of body(response).artists) expect(item).not.toHaveProperty('previousRank');
    }
    const cardResponse = await card({ images: '0' });
    expect(cardResponse.statusCode).toBe(200);
    expect(marksOf(cardResponse.body)).toEqual([]);
    expect(send.mock.calls.filter(([command]) => (command as { input: { TableName?: string } }).input.TableName !== process.env.TABLE_NAME)).toEqual([]);
    expect(warn.mock.calls.filter(([message]) => String(message).startsWith('No previous ranks'))).toEqual([
      ['No previous ranks: the listening history is not configured', { reason: expect.stringContaining('HISTORY_TABLE_NAME') }],
    ]);
  });

  it('answers without previousRank when the read fails, warns once, and reads again on the next request', async () => {
    await service.connect();
    const [a0, a1] = ids(topArtists());
    await snapshotOf(7, 'artists#short_term', [a1!, a0!]);
    const client = documentClient() as DynamoDBDocumentClient & { send: (...args: unknown[]) => Promise<unknown> };
    const original = client.send.bind(client);
    const history = process.env.HISTORY_TABLE_NAME;
    const failing = vi.spyOn(client, 'send').mockImplementation(((command: { input: { TableName?: string } }, ...rest: unknown[]) =>
      command.input.TableName === history ? Promise.reject(Object.assign(new Error('down'), { name: 'ServiceUnavailable' })) : original(command, ...rest)) as never);
    const warn = vi.spyOn(logger, 'warn');
    for (let attempt = 0; attempt < 2; attempt += 1) {
      const response = await highlights({ limit: '2' });
      expect(response.statusCode).toBe(200);
      expect(ranksIn(body(response).artists)).toEqual([undefined, undefined]);
    }
    expect(marksOf((await card({ limit: '2', images: '0' })).body)).toEqual([]);
    expect(historyReads(failing)).toHaveLength(3);
    expect(warn.mock.calls.filter(([message]) => String(message).startsWith('No previous ranks'))).toEqual([['No previous ranks: the snapshot could not be read', { reason: 'StorageError' }]]);
    failing.mockRestore();
    expect(ranksIn(body(await highlights({ limit: '2' })).artists)).toEqual([2, 1]);
  });
});

describe('GET /card.svg with a snapshot', () => {
  it('draws ▲n, ▼n and NEW beside the ranks, nothing for an unchanged row, every text inside at width 300, names escaped', async () => {
    await service.connect();
    const artists = topArtists();
    renamed.push([artists[4]!, artists[4]!.name]);
    artists[4]!.name = '<New> & "Fresh"';
    const [a0, a1, a2, a3] = ids(artists);
    await snapshotOf(7, 'artists#short_term', [a1!, a0!, a2!, 'gone-artist', a3!]);
    const response = await card({ limit: '5', width: '300' });
    expect(response.statusCode).toBe(200);
    const svg = response.body;
    expectWellFormed(svg);
    expect(marksOf(svg).map((mark) => mark.text)).toEqual(['▲1', '▼1', '▲1', 'NEW']);
    expect(svg).toContain('class="detail accent">▲1</text>');
    expect(svg).toContain('class="detail">▼1</text>');
    expect(svg).toContain('class="detail accent">NEW</text>');
    expect(svg).toContain('>&#60;New&#62; &#38; &#34;Fresh&#34;</text>');
    expect(svg).not.toContain('<New>');
    expect(svg).toContain(`${artists[0]!.name} (up 1), ${artists[1]!.name} (down 1), ${artists[2]!.name}, `);
    for (const text of textsOf(svg)) {
      const { left, right } = extentOf(text);
      expect([left >= 0, right <= 300], text.text).toEqual([true, true]);
    }
    for (const mark of marksOf(svg)) expect(extentOf(mark).right, mark.text).toBeLessThanOrEqual(44);
  });

  it('takes compare like /highlights, draws no marks without a snapshot, and none on the recent card', async () => {
    await service.connect();
    const [a0, a1] = ids(topArtists());
    await snapshotOf(2, 'artists#short_term', [a1!, a0!]);
    expect(marksOf((await card({ limit: '2', images: '0' })).body)).toEqual([]);
    expect(marksOf((await card({ limit: '2', images: '0', compare: '2' })).body).map((mark) => mark.text)).toEqual(['▲1', '▼1']);
    const recent = await card({ type: 'recent', images: '0' });
    expect(recent.statusCode).toBe(200);
    expect(marksOf(recent.body)).toEqual([]);
  });

  it.each([
    [{ compare: '0' }, 'compare must be a whole number from 1 to 365.'],
    [{ compare: '400', type: 'tracks' }, 'compare must be a whole number from 1 to 365.'],
    [{ type: 'recent', compare: '7' }, 'compare does not apply to type=recent: the last plays have no ranks.'],
  ])('refuses %j with the error card, 400, naming compare', async (query, message) => {
    await service.connect();
    const response = await card(query);
    expect(response.statusCode).toBe(400);
    expect(response.headers['Content-Type']).toBe('image/svg+xml; charset=utf-8');
    expectWellFormed(response.body);
    expect(textsOf(response.body).map((text) => text.text).join(' ')).toContain(message);
  });
});
