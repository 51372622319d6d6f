/**
 * The fast path: container memory, then the stored result, then Spotify, each fresh for
 * HIGHLIGHTS_CACHE_SECONDS; and HTTP caching (ETag, 304, Cache-Control) that never lets a
 * response outlive the service's own freshness plus the stale-while-revalidate window.
 */
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { documentClient } from '../../lib/platform/dynamo';
import { anotherContainer, askSpotifyEveryTime, highlights, highlightsInAnotherContainer, type Result, useService } from '../support/service';

const service = useService({ HIGHLIGHTS_CACHE_SECONDS: '300' });

/** Moves the clock (Date only; timers and I/O stay real). */
function travel(ms: number) {
  vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + ms });
}

function maxAge(response: Result): number {
  return Number(/max-age=(\d+)/.exec(response.headers['Cache-Control'] ?? '')?.[1]);
}

afterEach(() => {
  vi.useRealTimers();
});

describe('HTTP caching of /highlights', () => {
  it('answers a strong ETag and Cache-Control matching the remaining freshness', async () => {
    await service.connect();
    const response = await highlights();
    expect(response.statusCode).toBe(200);
    expect(response.headers.ETag).toMatch(/^"[A-Za-z0-9_-]{43}"$/);
    expect(response.headers['Cache-Control']).toMatch(/^public, max-age=(299|300), stale-while-revalidate=300$/);
  });

  it('answers 304 with no body to a matching If-None-Match, strong or weak, and to *', async () => {
    await service.connect();
    const { headers } = await highlights();
    for (const tag of [headers.ETag, `W/${headers.ETag}`, `"other", ${headers.ETag}`, '*']) {
      const response = await highlights(undefined, { headers: { 'if-none-match': tag ?? '' } });
      expect(response.statusCode).toBe(304);
      expect(response.body).toBe('');
      expect(response.headers.ETag).toBe(headers.ETag);
      expect(response.headers['Cache-Control']).toMatch(/^public, max-age=\d+/);
      expect(response.headers['Content-Type']).toBeUndefined();
    }
    expect(service.model.calls.top).toBe(1);
  });

  it('answers 200 to an If-None-Match that does not match, and a different ETag for a different body', async () => {
    await service.connect();
    const five = await highlights();
    const response = await highlights(undefined, { headers: { 'if-none-match': '"stale-tag"' } });
    expect(response.statusCode).toBe(200);
    const three = await highlights({ limit: '3' });
    expect(three.headers.ETag).not.toBe(five.headers.ETag);
  });

  it('counts max-age down as the result ages, so no cache keeps it past HIGHLIGHTS_CACHE_SECONDS plus the stale window', async () => {
    await service.connect();
    await highlights();
    travel(200_000);
    const aged = await highlights();
    expect(maxAge(aged)).toBeGreaterThanOrEqual(99);
    expect(maxAge(aged)).toBeLessThanOrEqual(100);
    const staleWindow = Number(/stale-while-revalidate=(\d+)/.exec(aged.headers['Cache-Control'] ?? '')?.[1]);
    // Everything a cache may do with it ends by fetchedAt + 300 s + 300 s.
    expect(200 + maxAge(aged) + staleWindow).toBeLessThanOrEqual(600);
    expect(service.model.calls.top).toBe(1);
  });

  it('lets a browser keep an answer no longer than HIGHLIGHTS_CACHE_SECONDS, however long the budget keeps it fresh', async () => {
    // A small budget (153 public calls a day): the top list's interval is over a minute, its shortest 10 s.
    Object.assign(process.env, { HIGHLIGHTS_CACHE_SECONDS: '10', SPOTIFY_DAILY_BUDGET: '300' });
    await service.connect();
    const first = await highlights();
    expect(maxAge(first)).toBeGreaterThanOrEqual(9);
    expect(maxAge(first)).toBeLessThanOrEqual(10);
    // Past those 10 s a visitor's browser asks again: the service answers from what it keeps, with
    // no call to Spotify, and no-cache, so a change of the owner's settings shows at once.
    travel(30_000);
    const later = await highlights();
    expect(later.headers['Cache-Control']).toBe('no-cache');
    expect(later.body).toBe(first.body);
    expect(service.model.calls.top).toBe(1);
  });

  it('sends no-cache when HIGHLIGHTS_CACHE_SECONDS=0', async () => {
    askSpotifyEveryTime('HIGHLIGHTS_CACHE_SECONDS');
    await service.connect();
    expect((await highlights()).headers['Cache-Control']).toBe('no-cache');
  });
});

describe('cache layers', () => {
  it('a warm container with fresh data does no I/O at all', async () => {
    await service.connect();
    await highlights();
    const send = vi.spyOn(documentClient(), 'send');
    const before = service.model.requests.length;
    expect((await highlights({ limit: '7' })).statusCode).toBe(200);
    expect(send).not.toHaveBeenCalled();
    expect(service.model.requests.length).toBe(before);
  });

  it('memory serves until just before HIGHLIGHTS_CACHE_SECONDS, then Spotify is asked again', async () => {
    await service.connect();
    const first = JSON.parse((await highlights()).body);
    travel(299_900);
    expect(JSON.parse((await highlights()).body).fetchedAt).toBe(first.fetchedAt);
    expect(service.model.calls.top).toBe(1);
    vi.useRealTimers();
    travel(300_000);
    const next = JSON.parse((await highlights()).body);
    expect(service.model.calls.top).toBe(2);
    expect(Date.parse(next.fetchedAt)).toBeGreaterThan(Date.parse(first.fetchedAt));
  });

  it('another container is served from the stored result while it is fresh, without Spotify', async () => {
    await service.connect();
    const first = await highlights();
    const other = await highlightsInAnotherContainer();
    travel(250_000);
    const fromStore = await other();
    expect(fromStore.statusCode).toBe(200);
    expect(JSON.parse(fromStore.body).fetchedAt).toBe(JSON.parse(first.body).fetchedAt);
    expect(maxAge(fromStore)).toBeLessThanOrEqual(50);
    expect(service.model.calls.top).toBe(1);
  });

  it('another container asks Spotify once the stored result is as old as HIGHLIGHTS_CACHE_SECONDS', async () => {
    await service.connect();
    await highlights();
    const other = await highlightsInAnotherContainer();
    travel(300_000);
    expect((await other()).statusCode).toBe(200);
    expect(service.model.calls.top).toBe(2);
  });

  it('misses in four containers at once ask Spotify once: the others wait for what it stores', async () => {
    await service.connect();
    const containers = [await anotherContainer(), await anotherContainer(), await anotherContainer(), await anotherContainer()];
    service.model.latencyMs = 200;
    const answers = await Promise.all(containers.map((container) => container.highlights()));
    expect(answers.map((answer) => answer.statusCode)).toEqual([200, 200, 200, 200]);
    expect(new Set(answers.map((answer) => JSON.parse(answer.body).fetchedAt)).size).toBe(1);
    expect(service.model.calls.top).toBe(1);
  });

  it('concurrent misses in one container share one Spotify call', async () => {
    await service.connect();
    service.model.latencyMs = 50;
    const responses = await Promise.all(Array.from({ length: 20 }, (_, i) => highlights({ limit: String(1 + (i % 10)) })));
    expect(responses.every((response) => response.statusCode === 200)).toBe(true);
    expect(service.model.calls.top).toBe(1);
  });

  it('stores a result per owner and authorization, in the shape every version reads (items, fetchedAt), with its freshness and a ttl', async () => {
    await service.connect();
    const owner = await service.owner();
    await highlights();
    const key = { pk: `result#${owner?.spotifyUserId}#${owner?.authorizationId}#artists#short_term` };
    const { Item } = await documentClient().send(new GetCommand({ TableName: process.env.TABLE_NAME, Key: key }));
    expect(Object.keys(Item ?? {}).sort()).toEqual(['fetchedAt', 'freshUntil', 'items', 'pk', 'ttl']);
    // Fresh for HIGHLIGHTS_CACHE_SECONDS: the budget is far from stretching it.
    expect(Item?.freshUntil).toBe((Item?.fetchedAt as number) + 300_000);
    expect(Item?.items).toHaveLength(50);
    // Kept until it is too old to be served even stale (STALE_MAX_SECONDS, a week), and a day more.
    expect(Item?.ttl).toBeCloseTo((Item?.fetchedAt as number) / 1000 + 604_800 + 86_400, -1);

    // A result written by another container is served to one that has none in memory.
    const written = { id: 'x', name: 'Written elsewhere', url: 'https://open.spotify.com/artist/x', image: null, genres: [] };
    await documentClient().send(new PutCommand({ TableName: process.env.TABLE_NAME, Item: { ...key, items: [written], fetchedAt: Date.now() } }));
    const body = JSON.parse((await (await highlightsInAnotherContainer())()).body);
    expect(body.artists).toEqual([written]);
    expect(service.model.calls.top).toBe(1);
  });

  it('never serves a result stored without its owner (by an earlier version)', async () => {
    await service.connect();
    const legacy = { id: 'old', name: 'Whoever owned the site before', url: 'https://open.spotify.com/artist/old', image: null, genres: [] };
    await documentClient().send(new PutCommand({ TableName: process.env.TABLE_NAME, Item: { pk: 'result#artists#short_term', items: [legacy], fetchedAt: Date.now() } }));
    const body = JSON.parse((await (await highlightsInAnotherContainer())()).body);
    expect(body.artists).not.toContainEqual(legacy);
    expect(body.artists).toHaveLength(5);
  });
});
