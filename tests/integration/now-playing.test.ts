/**
 * GET /now-playing, /now-playing/open and /recently-played through the real handlers, dynalite
 * and the emulator's player: exact shapes, what Spotify hides (204, a private session, an ad,
 * an episode), the last played, caching and coalescing across containers, stale answers.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { anotherContainer, askSpotifyEveryTime, nowPlaying, nowPlayingOpen, recentlyPlayed, type Result, useService } from '../support/service';
import { OWNER_ID, sampleEpisodes, type Track } from '../support/spotify-emulator';

const service = useService();

afterEach(() => {
  vi.useRealTimers();
});

const body = (response: Result) => JSON.parse(response.body);
const player = () => service.model.player(OWNER_ID);
const topTrack = (index = 0) => service.model.topFor(OWNER_ID, 'tracks', 'short_term')[index] as Track;
const travel = (ms: number) => vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + ms });

/** The public shape of a track, from the emulator's raw one. */
function trackJson(track: Track) {
  return {
    type: 'track',
    id: track.id,
    name: track.name,
    url: track.external_urls.spotify,
    artists: track.artists.map((artist) => artist.name),
    album: track.album.name,
    image: track.album.images[0]?.url ?? null,
    durationMs: track.duration_ms,
    explicit: track.explicit,
  };
}

describe('GET /now-playing', () => {
  it('answers the track playing, its position when fetched, and nothing else', async () => {
    await service.connect();
    const track = topTrack();
    player().play(track, { positionMs: 73_000 });
    const response = await nowPlaying();
    expect(response.statusCode).toBe(200);
    const json = body(response);
    expect(Object.keys(json).sort()).toEqual(['fetchedAt', 'isPlaying', 'item', 'playedAt', 'progressMs']);
    expect(json).toMatchObject({ isPlaying: true, item: trackJson(track), playedAt: null });
    expect(json.progressMs).toBeGreaterThanOrEqual(73_000);
    expect(json.progressMs).toBeLessThan(75_000);
    expect(Date.parse(json.fetchedAt)).toBeLessThanOrEqual(Date.now());
    // Asked for episodes too.
    expect(service.model.requests.find((request) => request.path === '/v1/me/player/currently-playing')?.query).toMatchObject({ additional_types: 'track,episode' });
  });

  it('answers an episode with its show', async () => {
    await service.connect();
    const [episode] = sampleEpisodes(1);
    player().play(episode!, { positionMs: 1_000 });
    const { item } = body(await nowPlaying());
    expect(item).toEqual({
      type: 'episode',
      id: episode!.id,
      name: episode!.name,
      url: episode!.external_urls.spotify,
      show: episode!.show.name,
      image: (episode!.images[0] ?? episode!.show.images[0])?.url ?? null,
      durationMs: episode!.duration_ms,
      explicit: episode!.explicit,
    });
  });

  it('answers a paused item with its position, not playing', async () => {
    await service.connect();
    player().play(topTrack(1), { positionMs: 30_000, paused: true });
    expect(body(await nowPlaying())).toMatchObject({ isPlaying: false, item: trackJson(topTrack(1)), progressMs: 30_000, playedAt: null });
  });

  it.each([
    ['nothing plays (204)', () => player().stop()],
    ['a private session', () => { player().play(topTrack(2)); player().setPrivateSession(true); }],
    ['an ad', () => player().playAd()],
    ['an unknown item', () => player().playUnknown()],
  ])('when %s: not playing, and the last track played with its play time', async (_, happen) => {
    await service.connect();
    happen();
    const [last] = player().history();
    const json = body(await nowPlaying());
    expect(json).toMatchObject({ isPlaying: false, progressMs: null, playedAt: new Date(last!.playedAt).toISOString() });
    expect(json.item).toEqual(trackJson(last!.track));
  });

  it('answers item null only when there is no history at all', async () => {
    await service.connect();
    player().stop();
    player().setHistory([]);
    expect(body(await nowPlaying())).toMatchObject({ isPlaying: false, item: null, progressMs: null, playedAt: null });
  });

  it('is fresh for NOW_PLAYING_CACHE_SECONDS (15): asked once, with ETag and Cache-Control counting down', async () => {
    await service.connect();
    player().play(topTrack());
    const first = await nowPlaying();
    expect(first.headers['Cache-Control']).toMatch(/^public, max-age=(14|15), stale-while-revalidate=15$/);
    travel(10_000);
    const again = await nowPlaying({ headers: { 'if-none-match': first.headers.ETag ?? '' } });
    expect(again.statusCode).toBe(304);
    expect(service.model.calls.currentlyPlaying).toBe(1);
    travel(15_000);
    await nowPlaying();
    expect(service.model.calls.currentlyPlaying).toBe(2);
  });

  it('asks every time with NOW_PLAYING_CACHE_SECONDS=0', async () => {
    askSpotifyEveryTime('NOW_PLAYING_CACHE_SECONDS');
    await service.connect();
    player().play(topTrack());
    const response = await nowPlaying();
    await nowPlaying();
    expect(response.headers['Cache-Control']).toBe('no-cache');
    expect(service.model.calls.currentlyPlaying).toBe(2);
  });

  it('four containers asking at once make one call to Spotify', async () => {
    await service.connect();
    player().play(topTrack());
    const containers = [await anotherContainer(), await anotherContainer(), await anotherContainer(), await anotherContainer()];
    service.model.latencyMs = 200;
    const answers = await Promise.all(containers.map((container) => container.nowPlaying()));
    expect(answers.map((answer) => answer.statusCode)).toEqual([200, 200, 200, 200]);
    expect(service.model.calls.currentlyPlaying).toBe(1);
  });

  it('a container that takes the fetch lease just after another stored a fresh answer serves that answer, not a second call', async () => {
    await service.connect();
    player().play(topTrack());
    const [early, late] = [await anotherContainer(), await anotherContainer()];
    await early.nowPlaying();
    travel(16_000);
    // `late` has read the stored answer (now old) and is about to take the lease; before it
    // does, `early` asks, fetches, stores and releases the lease.
    const send = late.dynamo.send.bind(late.dynamo);
    let raced = false;
    vi.spyOn(late.dynamo, 'send').mockImplementation((async (command: { input: { Item?: { pk?: string } } }) => {
      if (!raced && String(command.input.Item?.pk).startsWith('fetch-lease#')) {
        raced = true;
        expect((await early.nowPlaying()).statusCode).toBe(200);
      }
      return send(command as never);
    }) as never);
    const answer = await late.nowPlaying();
    expect(raced).toBe(true);
    expect(answer.statusCode).toBe(200);
    expect(service.model.calls.currentlyPlaying).toBe(2);
  });

  it('serves the last answer, stale with its reason, while Spotify rate-limits; and the error once none is stored', async () => {
    askSpotifyEveryTime('NOW_PLAYING_CACHE_SECONDS');
    await service.connect();
    player().play(topTrack());
    const good = body(await nowPlaying());
    service.model.rateLimit({ retryAfterSeconds: 60 });
    const stale = await nowPlaying();
    expect(stale.statusCode).toBe(200);
    expect(body(stale)).toEqual({ ...good, stale: true, reason: 'rate_limited' });
    expect(stale.headers['Cache-Control']).toBe('no-cache');
  });
});

describe('GET /now-playing/open', () => {
  it('redirects to what plays, cached like the JSON', async () => {
    await service.connect();
    player().play(topTrack());
    const response = await nowPlayingOpen();
    expect(response.statusCode).toBe(302);
    expect(response.headers.Location).toBe(topTrack().external_urls.spotify);
    expect(response.headers['Cache-Control']).toMatch(/^public, max-age=(14|15), stale-while-revalidate=15$/);
  });

  it('redirects to the last played when nothing plays, and to the owner\'s profile with no history at all', async () => {
    await service.connect();
    player().stop();
    const [last] = player().history();
    expect((await nowPlayingOpen()).headers.Location).toBe(last!.track.external_urls.spotify);

    travel(61_000);
    player().setHistory([]);
    expect((await nowPlayingOpen()).headers.Location).toBe(`https://open.spotify.com/user/${OWNER_ID}`);
  });

  it('answers a page, not a redirect, when nobody is connected', async () => {
    const response = await nowPlayingOpen();
    expect(response.statusCode).toBe(503);
    expect(response.headers['Content-Type']).toBe('text/html; charset=utf-8');
    expect(response.body).toContain('/login');
  });
});

describe('GET /recently-played', () => {
  it('answers the last 10 plays by default, newest first, in the exact shape', async () => {
    await service.connect();
    const history = player().history();
    const response = await recentlyPlayed();
    expect(response.statusCode).toBe(200);
    const json = body(response);
    expect(Object.keys(json).sort()).toEqual(['fetchedAt', 'limit', 'tracks']);
    expect(json.limit).toBe(10);
    expect(json.tracks).toHaveLength(10);
    const first: Record<string, unknown> = { ...trackJson(history[0]!.track), playedAt: new Date(history[0]!.playedAt).toISOString() };
    delete first.type;
    expect(json.tracks[0]).toEqual(first);
    const times = json.tracks.map((track: { playedAt: string }) => Date.parse(track.playedAt));
    expect([...times].sort((a, b) => b - a)).toEqual(times);
  });

  it('serves every limit from 1 to 50 from one page of 50', async () => {
    await service.connect();
    expect(body(await recentlyPlayed({ limit: '1' })).tracks).toHaveLength(1);
    expect(body(await recentlyPlayed({ limit: '50' })).tracks).toHaveLength(50);
    expect(service.model.calls.recentlyPlayed).toBe(1);
    expect(service.model.requests.find((request) => request.path === '/v1/me/player/recently-played')?.query).toMatchObject({ limit: '50' });
  });

  it.each(['0', '51', 'ten', '1.5', ''])('refuses limit=%j with a 400 that names limit', async (limit) => {
    const response = await recentlyPlayed({ limit });
    expect(response.statusCode).toBe(400);
    expect(body(response)).toEqual({ error: 'invalid_parameter', message: 'limit must be a whole number from 1 to 50.' });
  });

  it('is fresh for RECENTLY_PLAYED_CACHE_SECONDS (60)', async () => {
    await service.connect();
    const first = await recentlyPlayed();
    expect(first.headers['Cache-Control']).toMatch(/^public, max-age=(59|60), stale-while-revalidate=60$/);
    travel(59_000);
    await recentlyPlayed();
    expect(service.model.calls.recentlyPlayed).toBe(1);
    travel(61_000);
    await recentlyPlayed();
    expect(service.model.calls.recentlyPlayed).toBe(2);
  });
});
