/**
 * /now-playing.svg through the real handler, dynalite, and the Spotify emulator's player and
 * image CDN: playing, paused, an episode, nothing (the last played, or no history), what Spotify
 * hides (an ad, a private session), caching, and the 200 cards when only the owner can fix it.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { forgetContainerMemory } from '../../lib/platform/memory';
import { anotherContainer, nowPlayingCard, useService, type Result } from '../support/service';
import { imagePng, OWNER_ID, sampleEpisodes, type Track } from '../support/spotify-emulator';

const service = useService();

const CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'";
const player = () => service.model.player(OWNER_ID);
const topTrack = (index = 0) => service.model.topFor(OWNER_ID, 'tracks', 'short_term')[index] as Track;
const pngOf = (url: string) => `data:image/png;base64,${imagePng(new URL(url).pathname.slice('/image/'.length)).toString('base64')}`;
const imagesIn = (svg: string) => [...svg.matchAll(/<image id="p\d+" href="(data:[^"]+)"/g)].map((match) => match[1]);
const imageRequests = () => service.model.requests.filter((request) => request.path.startsWith('/image/')).map((request) => request.path);
const escaped = (text: string) => text.replace(/&/g, '&#38;').replace(/'/g, '&#39;');

/** Where the bar is drawn (0 to 1) and how long it moves on (ms; 0 when it does not move). */
function barOf(svg: string): { fraction: number; movingMs: number } {
  const fraction = Number(/\.bar\{[^}]*transform:scaleX\(([\d.]+)\)/.exec(svg)?.[1] ?? NaN);
  return { fraction, movingMs: Number(/animation:progress (\d+)ms/.exec(svg)?.[1] ?? 0) };
}

function expectSvg(response: Result, status: number): void {
  expect(response.statusCode).toBe(status);
  expect(response.headers['Content-Type']).toBe('image/svg+xml; charset=utf-8');
  expect(response.headers['Content-Security-Policy']).toBe(CSP);
  expect(response.body.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
}

beforeEach(() => forgetContainerMemory());
afterEach(() => vi.useRealTimers());

describe('GET /now-playing.svg before anyone connected', () => {
  it('draws the "not connected" card, answered 200, never cached', async () => {
    const response = await nowPlayingCard();
    expectSvg(response, 200);
    expect(response.body).toContain('Spotify is not connected yet');
    expect(response.headers['Cache-Control']).toBe('no-store');
  });
});

describe('GET /now-playing.svg while the owner plays', () => {
  it('draws the track, its artists, its 300 px cover, the equaliser and the bar moving from where it is now', async () => {
    await service.connect();
    const track = topTrack();
    player().play(track, { positionMs: 60_000 });
    const started = Date.now();
    const response = await nowPlayingCard();
    const took = Date.now() - started;
    expectSvg(response, 200);
    expect(response.body).toContain('>Now playing</text>');
    expect(response.body).toContain(`>${escaped(track.name)}</text>`);
    expect(response.body).toContain(`>${escaped(track.artists.map((artist) => artist.name).join(', '))}</text>`);
    expect(response.body.match(/class="eq eq\d accent"/g)).toHaveLength(3);
    // The cover is drawn 108 px square: the smallest size Spotify lists that covers it at 2× is 300.
    const cover = track.album.images.find((image) => image.width === 300)!;
    expect(imagesIn(response.body)).toEqual([pngOf(cover.url)]);
    expect(imageRequests()).toEqual([new URL(cover.url).pathname]);

    const { fraction, movingMs } = barOf(response.body);
    const position = fraction * track.duration_ms;
    expect(position).toBeGreaterThanOrEqual(60_000 - 20);
    expect(position).toBeLessThanOrEqual(60_000 + took + 20);
    expect(Math.abs(position + movingMs - track.duration_ms)).toBeLessThanOrEqual(20);
  });

  it('takes a cover size that covers 108 px at 2× (216): not a 200 px one, the next larger', async () => {
    await service.connect();
    const track = topTrack(2);
    const [widest, middle, smallest] = track.album.images;
    // The same pictures, the middle one listed as 200 px: too small for the cover, big enough for a row.
    const album = { ...track.album, images: [widest!, { ...middle!, width: 200, height: 200 }, smallest!] };
    player().play({ ...track, album });
    const response = await nowPlayingCard();
    expect(imagesIn(response.body)).toEqual([pngOf(widest!.url)]);
    expect(imageRequests()).toEqual([new URL(widest!.url).pathname]);
  });

  it('is cached no longer than what plays is fresh (15 s)', async () => {
    await service.connect();
    player().play(topTrack());
    const response = await nowPlayingCard();
    const [, maxAge, whileRevalidating] = /^public, max-age=(\d+), stale-while-revalidate=(\d+)$/.exec(response.headers['Cache-Control']!)!;
    expect(Number(maxAge)).toBeGreaterThan(10);
    expect(Number(maxAge)).toBeLessThanOrEqual(15);
    expect(whileRevalidating).toBe('15');
  });

  it('nor past the item\'s end, when the card would be wrong', async () => {
    await service.connect();
    const track = topTrack();
    player().play(track, { positionMs: track.duration_ms - 6_000 });
    const response = await nowPlayingCard();
    // Six seconds of the track left when Spotify answered: kept for at most that, not 15 s.
    const [, maxAge, whileRevalidating] = /^public, max-age=(\d+), stale-while-revalidate=(\d+)$/.exec(response.headers['Cache-Control']!)!;
    expect(Number(maxAge)).toBeLessThanOrEqual(6);
    expect(Number(whileRevalidating)).toBeLessThanOrEqual(6);
  });

  it('another container draws the same answer later with the bar further on, without asking Spotify', async () => {
    await service.connect();
    const track = topTrack();
    player().play(track, { positionMs: 30_000 });
    const first = barOf((await nowPlayingCard()).body);
    const calls = service.model.calls.currentlyPlaying;
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const other = await anotherContainer();
    const later = barOf((await other.nowPlayingCard()).body);
    expect(service.model.calls.currentlyPlaying).toBe(calls);
    const movedMs = (later.fraction - first.fraction) * track.duration_ms;
    expect(movedMs).toBeGreaterThanOrEqual(1_000 - 50);
    expect(movedMs).toBeLessThan(3_000);
    expect(later.movingMs).toBeLessThan(first.movingMs);
  });

  it('draws a podcast episode with its show and its picture', async () => {
    await service.connect();
    const [episode] = sampleEpisodes(1);
    player().play(episode!, { positionMs: 10_000 });
    const response = await nowPlayingCard({ theme: 'dark' });
    expectSvg(response, 200);
    expect(response.body).toContain(`>${escaped(episode!.name)}</text>`);
    expect(response.body).toContain(`>${escaped(episode!.show.name)}</text>`);
    expect(response.body).toContain('fill="#121212"');
    expect(imagesIn(response.body)).toEqual([pngOf(episode!.images.find((image) => image.width === 300)!.url)]);
  });

  it('paused: the bar where it stopped, nothing animated, and the same card (ETag, 304) while it stays paused', async () => {
    await service.connect();
    const track = topTrack();
    player().play(track, { positionMs: 45_000, paused: true });
    const response = await nowPlayingCard();
    expectSvg(response, 200);
    expect(response.body).toContain('>Paused</text>');
    expect(response.body).not.toContain('@keyframes');
    expect(response.body).not.toContain('class="eq');
    expect(barOf(response.body)).toEqual({ fraction: Number((45_000 / track.duration_ms).toFixed(4)), movingMs: 0 });
    const again = await nowPlayingCard({}, { headers: { 'if-none-match': response.headers.ETag! } });
    expect(again.statusCode).toBe(304);
  });
});

describe('GET /now-playing.svg when nothing plays', () => {
  it('draws the last track played and when, without a bar', async () => {
    await service.connect();
    const [last] = player().history();
    const response = await nowPlayingCard();
    expectSvg(response, 200);
    expect(response.body).toMatch(/>Last played · \d+ min ago<\/text>/);
    expect(response.body).toContain(`>${escaped(last!.track.name)}</text>`);
    expect(response.body).not.toContain('class="bar"');
    expect(imagesIn(response.body)).toEqual([pngOf(last!.track.album.images.find((image) => image.width === 300)!.url)]);
  });

  it.each([
    ['an ad plays', () => player().playAd()],
    ['an unknown item plays', () => player().playUnknown()],
    ['the owner is in a private session', () => (player().play(topTrack(3)), player().setPrivateSession(true))],
  ])('draws the last track played when %s, never the hidden item', async (_what, stage) => {
    await service.connect();
    stage();
    const response = await nowPlayingCard();
    expect(response.body).toMatch(/>Last played · /);
    expect(response.body).toContain(`>${escaped(player().history()[0]!.track.name)}</text>`);
    expect(response.body).not.toContain(`>${escaped(topTrack(3).name)}</text>`);
  });

  it('says "Not playing" with no history at all', async () => {
    await service.connect();
    player().setHistory([]);
    const response = await nowPlayingCard();
    expectSvg(response, 200);
    expect(response.body).toContain('>Not playing</text>');
    expect(response.body).toContain('>♪</text>');
    expect(imageRequests()).toEqual([]);
  });
});

describe('GET /now-playing.svg when it cannot draw what plays', () => {
  it('a picture that fails: the placeholder, and caches revalidate', async () => {
    await service.connect();
    player().play(topTrack());
    service.model.failNext('image', { status: 404, body: 'Not Found' });
    const response = await nowPlayingCard();
    expectSvg(response, 200);
    expect(response.body).toContain('>♪</text>');
    expect(response.headers['Cache-Control']).toBe('no-cache');
  });

  it('an owner who never allowed reading the player: the 200 card asking to reconnect, never cached, Spotify not asked', async () => {
    await service.connect();
    await service.updateOwner({ scopes: ['user-top-read'] });
    const response = await nowPlayingCard();
    expectSvg(response, 200);
    expect(response.body).toContain('aria-label="Reconnect Spotify to show what you are playing. ');
    expect(response.body).toContain('>you are playing</text>');
    expect(response.body).toContain('/login');
    expect(response.headers['Cache-Control']).toBe('no-store');
    expect(service.model.calls.currentlyPlaying).toBe(0);
  });

  it('Spotify no longer accepting the authorization: the 200 "reconnect" card', async () => {
    await service.connect();
    service.model.revokeRefreshTokens();
    service.model.expireAccessTokens();
    await service.updateOwner({ accessTokenExpiresAt: Date.now() - 1 });
    const response = await nowPlayingCard();
    expectSvg(response, 200);
    expect(response.body).toContain('>Reconnect Spotify</text>');
    expect(response.headers['Cache-Control']).toBe('no-store');
  });

  it('draws the "Reconnect Spotify" card, never the last good answer, once Spotify refuses the authorization', async () => {
    await service.connect();
    player().play(topTrack());
    expect((await nowPlayingCard()).body).toContain('>Now playing</text>');
    service.model.revokeRefreshTokens();
    await service.updateOwner({ accessTokenExpiresAt: Date.now() - 1 });
    // Past the answer's freshness: the source asks Spotify, is refused, and has only the last good answer.
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + 300_000 });
    const response = await nowPlayingCard();
    expect(response.statusCode).toBe(200);
    expect(response.body).toContain('>Reconnect Spotify</text>');
    expect(response.body).not.toContain(`>${escaped(topTrack().name)}</text>`);
    expect(response.headers['Cache-Control']).toBe('no-store');
  });

  it('a rate limit keeps its 503 and Retry-After, drawn', async () => {
    await service.connect();
    service.model.rateLimit({ retryAfterSeconds: 9 });
    const response = await nowPlayingCard();
    expectSvg(response, 503);
    expect(response.headers['Retry-After']).toBe('9');
    expect(response.body).toContain('Spotify highlights are unavailable');
  });

  it('a bad theme is a 400 card that says why; any method but GET a 405', async () => {
    const bad = await nowPlayingCard({ theme: 'neon' });
    expectSvg(bad, 400);
    expect(bad.body).toContain('theme must be one of light, dark, spotify, midnight, paper, contrast.');
    const posted = await nowPlayingCard({}, { method: 'POST' });
    expectSvg(posted, 405);
  });
});
