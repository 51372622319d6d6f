/**
 * The last plays answered from the listening history (lib/listening/recently-played.ts) through
 * the real handlers, the real collector, dynalite and the emulator: once the collector has run,
 * /recently-played, /now-playing's last played and the recent card answer exactly what Spotify
 * answered, without asking it; the owner's settings still apply; a play stored before links and
 * pictures were kept answers the derived link; a collector that stopped succeeding makes the
 * answer stale (collector_behind, or quota_exceeded while Spotify's quota is spent); with
 * collecting off, or before its first run, Spotify is asked as before.
 */
import { PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { documentClient } from '../../lib/platform/dynamo';
import { clockTime } from '../../lib/platform/errors';
import { forgetContainerMemory } from '../../lib/platform/memory';
import { recordQuotaLockout } from '../../lib/spotify/budget';
import { collect, useHistoryDefaults } from '../support/history';
import { card, nowPlaying, nowPlayingOpen, ownerSettings, recentlyPlayed, sessionCookieOf, useService, type Result } from '../support/service';
import { OWNER_ID, type Track } from '../support/spotify-emulator';

const service = useService();
useHistoryDefaults();
afterEach(() => {
  delete process.env.HISTORY_COLLECT_MINUTES;
});

const MINUTE = 60_000;
const body = (response: Result) => JSON.parse(response.body);
const player = () => service.model.player(OWNER_ID);
const topTrack = (index: number) => service.model.topFor(OWNER_ID, 'tracks', 'short_term')[index] as Track;
const travel = (ms: number) => vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + ms });
const spotifyAsked = () => service.model.calls.recentlyPlayed;
const imagesFetched = () => service.model.requests.filter((request) => request.path.startsWith('/image/')).map((request) => request.path);
const rows = (svg: string) => svg.match(/<g class="item">/g)?.length ?? 0;
const escaped = (text: string) => text.replace(/&/g, '&#38;').replace(/'/g, '&#39;');

/** Connects the owner and runs the collector once; answers the owner's session cookie and when the run started. */
async function collected(): Promise<{ cookie: string; ranAt: number }> {
  const cookie = sessionCookieOf(await service.connect())!;
  const ranAt = Date.now();
  expect(await collect()).toMatchObject({ outcome: 'collected' });
  return { cookie, ranAt };
}

async function collectorState(): Promise<Record<string, unknown> | undefined> {
  const { Items } = await documentClient().send(
    new QueryCommand({ TableName: process.env.HISTORY_TABLE_NAME, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': `state#${OWNER_ID}` } }),
  );
  return Items?.[0];
}

describe('what the collector keeps for the last plays', () => {
  it('keeps each play\'s link and pictures (and nothing else), and notes every run that succeeded, even with nothing new', async () => {
    await service.connect();
    const [newest] = player().history();
    const first = Date.now();
    expect((await collect()).stored).toBe(50);
    const { Items } = await documentClient().send(
      new QueryCommand({ TableName: process.env.HISTORY_TABLE_NAME, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': `play#${OWNER_ID}` }, ScanIndexForward: false, Limit: 1 }),
    );
    const { track } = Items![0] as { track: Record<string, unknown> };
    expect(Object.keys(track).sort()).toEqual(['album', 'credits', 'durationMs', 'explicit', 'id', 'image', 'name', 'pictures', 'url']);
    expect(track).toMatchObject({ id: newest!.track.id, url: newest!.track.external_urls.spotify, image: newest!.track.album.images[0]!.url });
    expect(track.pictures).toEqual(newest!.track.album.images.map(({ url, width, height }) => ({ url, width, height })));
    const state = await collectorState();
    expect(Date.parse(String(state?.lastRunAt))).toBeGreaterThanOrEqual(first);

    travel(30 * MINUTE);
    expect(await collect()).toMatchObject({ outcome: 'collected', stored: 0 });
    expect(await collectorState()).toMatchObject({ since: state?.since, cursor: state?.cursor, lastRunAt: new Date(Date.now()).toISOString() });

    travel(30 * MINUTE);
    service.model.failNext('recentlyPlayed', { status: 503, times: 2 });
    expect(await collect()).toMatchObject({ outcome: 'failed' });
    expect(Date.parse(String((await collectorState())?.lastRunAt))).toBe(Date.now() - 30 * MINUTE);
  });
});

describe('the last plays, once the collector has run', () => {
  it('answer /recently-played and /now-playing exactly as Spotify did, without asking it, fresh until the next run', async () => {
    await service.connect();
    player().stop();
    const spotifyAll = body(await recentlyPlayed({ limit: '50' }));
    const spotifyTen = body(await recentlyPlayed());
    const spotifyNow = body(await nowPlaying());
    const spotifyOpen = (await nowPlayingOpen()).headers.Location;
    expect(spotifyAll.tracks).toHaveLength(50);
    expect(spotifyNow.item).not.toBeNull();

    const ranAt = Date.now();
    await collect();
    const asked = spotifyAsked();
    // Past the cached Spotify answer's freshness: the Spotify path would ask again now.
    travel(61_000);
    const all = await recentlyPlayed({ limit: '50' });
    const json = body(all);
    expect(json.tracks).toEqual(spotifyAll.tracks);
    expect(body(await recentlyPlayed())).toEqual({ ...spotifyTen, fetchedAt: json.fetchedAt });
    const now = body(await nowPlaying());
    expect(now).toEqual({ ...spotifyNow, fetchedAt: now.fetchedAt });
    expect((await nowPlayingOpen()).headers.Location).toBe(spotifyOpen);
    expect(spotifyAsked()).toBe(asked);

    // As fresh as the collector's run, until the next one is due.
    expect(Date.parse(json.fetchedAt)).toBeGreaterThanOrEqual(ranAt);
    expect(Date.parse(json.fetchedAt)).toBeLessThanOrEqual(ranAt + 5_000);
    const maxAge = Number(/max-age=(\d+)/.exec(all.headers['Cache-Control'] ?? '')?.[1]);
    expect(maxAge).toBeGreaterThan(30 * 60 - 70);
    expect(maxAge).toBeLessThanOrEqual(30 * 60 - 61);
    expect(all.headers['Cache-Control']).toContain('stale-while-revalidate=1800');
  });

  it('keeps what it read in memory: a warm request does no I/O at all', async () => {
    await collected();
    const asked = spotifyAsked();
    await recentlyPlayed();
    expect(spotifyAsked()).toBe(asked);
    const send = vi.spyOn(documentClient(), 'send');
    try {
      expect((await recentlyPlayed()).statusCode).toBe(200);
      expect(send).not.toHaveBeenCalled();
    } finally {
      send.mockRestore();
    }
  });

  it('draws the recent card with the same pictures, none of them asked of the Web API', async () => {
    await service.connect();
    const fromSpotify = await card({ type: 'recent', limit: '10' });
    const pictures = imagesFetched();
    expect(pictures.length).toBeGreaterThan(0);
    await collect();
    const asked = spotifyAsked();
    // A new container (no picture, no plays kept in memory), past the Spotify answer's freshness.
    forgetContainerMemory();
    travel(61_000);
    service.model.requests.length = 0;
    const fromHistory = await card({ type: 'recent', limit: '10' });
    expect(fromHistory.statusCode).toBe(200);
    expect(rows(fromHistory.body)).toBe(10);
    expect(fromHistory.body).toContain('>Recently played</text>');
    for (const play of player().history().slice(0, 10)) expect(fromHistory.body).toContain(`>${escaped(play.track.name)}</text>`);
    expect(imagesFetched()).toEqual(pictures);
    expect(fromHistory.body.match(/<image /g)).toEqual(fromSpotify.body.match(/<image /g));
    expect(spotifyAsked()).toBe(asked);
  });

  it('still hides what the owner\'s settings hide, as soon as they are saved', async () => {
    const { cookie } = await collected();
    const asked = spotifyAsked();
    const [newest, next] = player().history();
    const before = body(await recentlyPlayed());
    expect(before.tracks[0].id).toBe(newest!.track.id);

    const settings = { hiddenArtists: [], hiddenTracks: [newest!.track.id], hideExplicit: false, cleanTitles: false, defaults: { timeRange: 'short_term', limit: 5, theme: 'light' } };
    const saved = await ownerSettings({ method: 'PUT', cookies: [cookie], body: JSON.stringify(settings), headers: { 'content-type': 'application/json', origin: 'http://127.0.0.1:3000' } });
    expect(saved.statusCode, saved.body).toBe(200);
    const after = body(await recentlyPlayed());
    expect(after.tracks.map((track: { id: string }) => track.id)).not.toContain(newest!.track.id);
    expect(after.tracks[0].id).toBe(next!.track.id);
    expect(body(await nowPlaying()).item.id).toBe(next!.track.id);
    expect((await card({ type: 'recent' })).body).not.toContain(`>${escaped(newest!.track.name)}</text>`);
    expect(spotifyAsked()).toBe(asked);
  });

  it('answers a play stored before links and pictures were kept with the track\'s page and no picture', async () => {
    await service.connect();
    player().setHistory([]);
    await collect();
    const track = topTrack(3);
    const playedAt = new Date(Date.now() - 5 * MINUTE).toISOString();
    const credits = track.artists.map((artist) => ({ id: artist.id, name: artist.name }));
    await documentClient().send(
      new PutCommand({
        TableName: process.env.HISTORY_TABLE_NAME,
        Item: { pk: `play#${OWNER_ID}`, sk: `${playedAt}#${track.id}`, playedAt, track: { id: track.id, name: track.name, credits, album: track.album.name, durationMs: track.duration_ms, explicit: track.explicit } },
      }),
    );
    const json = body(await recentlyPlayed());
    expect(json.tracks).toEqual([
      {
        id: track.id,
        name: track.name,
        url: `https://open.spotify.com/track/${track.id}`,
        artists: track.artists.map((artist) => artist.name),
        album: track.album.name,
        image: null,
        durationMs: track.duration_ms,
        explicit: track.explicit,
        playedAt,
      },
    ]);
    expect(body(await nowPlaying()).item).toMatchObject({ id: track.id, url: `https://open.spotify.com/track/${track.id}`, image: null });
    const drawn = await card({ type: 'recent' });
    expect(drawn.statusCode).toBe(200);
    expect(rows(drawn.body)).toBe(1);
    expect(spotifyAsked()).toBe(1);
  });
});

describe('a collector that stopped succeeding', () => {
  it('leaves the stored plays answered, stale with collector_behind, once two periods and five minutes passed', async () => {
    const { ranAt } = await collected();
    player().stop();
    const fresh = body(await recentlyPlayed());

    travel(64 * MINUTE);
    const late = await recentlyPlayed();
    expect(body(late)).toEqual(fresh);
    // Its freshness ended at the run that did not come: caches revalidate.
    expect(late.headers['Cache-Control']).toBe('no-cache');

    travel(2 * MINUTE);
    service.model.failNext('recentlyPlayed', { status: 503, times: 2 });
    expect(await collect()).toMatchObject({ outcome: 'failed', reason: 'spotify_unavailable' });
    const asked = spotifyAsked();
    const behind = await recentlyPlayed();
    expect(behind.statusCode).toBe(200);
    expect(body(behind)).toEqual({ ...fresh, stale: true, reason: 'collector_behind' });
    expect(Date.parse(body(behind).fetchedAt)).toBeGreaterThanOrEqual(ranAt);
    expect(behind.headers['Cache-Control']).toBe('no-cache');
    expect(body(await nowPlaying())).toMatchObject({ isPlaying: false, item: { id: fresh.tracks[0].id }, stale: true, reason: 'collector_behind' });
    expect(spotifyAsked()).toBe(asked);
  });

  it('says Spotify\'s daily quota is why, while it is spent and the collector\'s last run failed of it', async () => {
    const { ranAt } = await collected();
    travel(66 * MINUTE);
    await recordQuotaLockout(3600);
    const lockedUntil = Date.now() + 3_600_000;
    expect(await collect()).toMatchObject({ outcome: 'failed', reason: 'quota_exceeded' });
    // Nothing was ever asked of Spotify for the public: only the history can answer.
    const json = body(await recentlyPlayed());
    expect(json).toEqual({
      tracks: player().history().slice(0, 10).map(({ track }) => expect.objectContaining({ id: track.id, url: track.external_urls.spotify })),
      limit: 10,
      fetchedAt: expect.any(String),
      stale: true,
      reason: 'quota_exceeded',
      message: `Spotify's daily quota is spent until ${clockTime(lockedUntil)}: nothing newer can be asked for before then.`,
    });
    expect(Date.parse(json.fetchedAt)).toBeGreaterThanOrEqual(ranAt);
    // A container that learnt nothing of the lockout reads it from the budget's item.
    forgetContainerMemory();
    expect(body(await recentlyPlayed())).toMatchObject({ reason: 'quota_exceeded' });
    expect((await card({ type: 'recent' })).statusCode).toBe(200);
  });
});

describe('an authorization Spotify refused', () => {
  it('marks the stored plays stale at once, and the card asks the owner to reconnect, as with every source', async () => {
    await collected();
    const fresh = body(await recentlyPlayed());
    await service.updateOwner({ reauthRequired: true });
    travel(6_000);
    expect(body(await recentlyPlayed())).toEqual({ ...fresh, stale: true, reason: 'reauthorization_required' });
    const drawn = await card({ type: 'recent' });
    expect(drawn.statusCode).toBe(200);
    expect(drawn.body).toContain('>Reconnect Spotify</text>');
  });
});

describe('Spotify is asked as before', () => {
  it('before the collector\'s first run, and from it on not', async () => {
    await service.connect();
    await recentlyPlayed();
    expect(spotifyAsked()).toBe(1);
    travel(61_000);
    await recentlyPlayed();
    expect(spotifyAsked()).toBe(2);
    await collect();
    expect(spotifyAsked()).toBe(3);
    travel(61_000);
    expect(body(await recentlyPlayed()).tracks).toHaveLength(10);
    expect(spotifyAsked()).toBe(3);
  });

  it('with HISTORY_COLLECT_MINUTES=0, whatever the history holds', async () => {
    await collected();
    process.env.HISTORY_COLLECT_MINUTES = '0';
    forgetContainerMemory();
    const asked = spotifyAsked();
    expect((await recentlyPlayed()).statusCode).toBe(200);
    player().stop();
    await nowPlaying();
    expect(spotifyAsked()).toBe(asked + 1);
  });

  it('without a history table', async () => {
    await collected();
    delete process.env.HISTORY_TABLE_NAME;
    forgetContainerMemory();
    const asked = spotifyAsked();
    expect((await recentlyPlayed()).statusCode).toBe(200);
    expect(spotifyAsked()).toBe(asked + 1);
  });
});
