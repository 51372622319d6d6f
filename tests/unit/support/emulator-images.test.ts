/**
 * The emulated image CDN: https://i.scdn.co/image/<id> answers a small PNG made from the id, for
 * exactly the ids the emulator's answers list, and a 404 for any other.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  createDefaultModel,
  emulatorControl,
  imagePng,
  interceptSpotify,
  OWNER_ID,
  startEmulator,
  type Artist,
  type RunningEmulator,
} from '../../support/spotify-emulator';

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

let emulator: RunningEmulator;
let interceptor: ReturnType<typeof interceptSpotify>;

beforeAll(async () => {
  emulator = await startEmulator(createDefaultModel());
  interceptor = interceptSpotify(emulator.url);
});

afterAll(async () => {
  interceptor.close();
  await emulator.close();
});
beforeEach(() => emulator.model.reset());

const owner = () => emulator.model.users.get(OWNER_ID)!;
const idOf = (url: string) => url.slice('https://i.scdn.co/image/'.length);
const sizes = (images: { url: string; width: number | null }[]) => images.map(({ url, width }) => [idOf(url).slice(0, 16), width]);

async function expectMissing(url: string): Promise<void> {
  const response = await fetch(url);
  expect(response.status).toBe(404);
  expect(response.headers.get('content-type')).toBe('text/plain; charset=utf-8');
  expect(await response.text()).toBe('Not Found');
}

describe('i.scdn.co, emulated', () => {
  it('serves every sample artist and album image URL as a PNG of its own', async () => {
    const owner = emulator.model.users.get(OWNER_ID)!;
    const urls = [owner.topArtists[0]!.images[0]!.url, owner.topArtists[1]!.images[0]!.url, owner.topTracks[0]!.album.images[0]!.url];
    expect(urls.every((url) => url.startsWith('https://i.scdn.co/image/'))).toBe(true);
    const bodies = [];
    for (const url of urls) {
      const response = await fetch(url);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('image/png');
      const body = Buffer.from(await response.arrayBuffer());
      expect([...body.subarray(0, 8)]).toEqual(PNG_SIGNATURE);
      expect(body.length).toBeLessThan(8_000);
      bodies.push(body.toString('base64'));
    }
    expect(new Set(bodies).size).toBe(3);
    expect(emulator.model.requests.filter((request) => request.path.startsWith('/image/'))).toHaveLength(3);
  });

  it('draws every size of one picture alike', () => {
    const [large, , small] = emulator.model.users.get(OWNER_ID)!.topArtists[0]!.images.map((image) => image.url.split('/').pop()!);
    // Same colours, so the same pixels: only the CDN's size prefix differs in the id.
    expect(imagePng(large!).equals(imagePng(small!))).toBe(true);
    expect(imagePng(large!).equals(imagePng('ab6761610000e5eb000000000000000000000000'))).toBe(false);
  });

  it('gives the same bytes for the same id', async () => {
    const id = idOf(owner().topArtists[0]!.images[0]!.url);
    const response = await fetch(`https://i.scdn.co/image/${id}`);
    expect(Buffer.from(await response.arrayBuffer()).equals(imagePng(id))).toBe(true);
  });

  it('lists each picture in Spotify’s sizes, widest first, under the CDN’s size prefixes', () => {
    expect(sizes(owner().topArtists[0]!.images)).toEqual([['ab6761610000e5eb', 640], ['ab67616100005174', 320], ['ab6761610000f178', 160]]);
    expect(sizes(owner().topTracks[0]!.album.images)).toEqual([['ab67616d0000b273', 640], ['ab67616d00001e02', 300], ['ab67616d00004851', 64]]);
  });

  it('serves exactly the ids its answers list, every listed size included', async () => {
    const listed = [...emulator.model.users.values()].flatMap((user) => [
      ...user.topArtists.flatMap((artist) => artist.images), ...user.topTracks.flatMap((track) => track.album.images),
    ]).map((image) => idOf(image.url));
    expect(emulator.model.imageIds()).toEqual(new Set(listed));
    for (const image of [...owner().topArtists[0]!.images, ...owner().topTracks[0]!.album.images]) {
      expect((await fetch(image.url)).status).toBe(200);
    }
  });

  it('answers 404 in plain text for a well-formed id it never issued, such as a size it does not list', async () => {
    await expectMissing('https://i.scdn.co/image/ab6761610000e5eb0123456789abcdef01234567');
    // The sample artist with a single picture of unknown size: its smaller sizes were never issued.
    const single = owner().topArtists[21]!;
    expect(single.images).toHaveLength(1);
    await expectMissing(`https://i.scdn.co/image/ab6761610000f178${idOf(single.images[0]!.url).slice(16)}`);
    expect((await fetch(single.images[0]!.url)).status).toBe(200);
  });

  it('follows the answers as they change: a picture no longer listed is gone', async () => {
    const artist: Artist = owner().topArtists[0]!;
    const images = artist.images;
    const small = images[2]!.url;
    try {
      artist.images = images.slice(0, 1);
      await expectMissing(small);
    } finally {
      artist.images = images;
    }
    expect((await fetch(small)).status).toBe(200);
  });

  it('fails, answers late or stalls on an injected CDN fault, over the control plane', async () => {
    const url = owner().topArtists[0]!.images[2]!.url;
    const control = emulatorControl(emulator.url);
    await control.failNext('image', { status: 503 });
    expect((await fetch(url)).status).toBe(503);
    await control.failNext('image', { delayMs: 300 });
    const started = Date.now();
    const late = await fetch(url);
    expect(late.status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    await control.failNext('image', { stall: true });
    await expect(fetch(url, { signal: AbortSignal.timeout(300) })).rejects.toThrow();
    expect((await fetch(url)).status).toBe(200);
    // A Web API fault is not a CDN fault.
    await control.failNext('api', { status: 500 });
    expect((await fetch(url)).status).toBe(200);
    const statuses = (await control.state()).requests.map((request) => request.status);
    expect(statuses).toEqual([503, 200, 0, 200, 200]);
  });

  it('answers 404 for anything that is not an image id, and only on the CDN host', async () => {
    expect((await fetch('https://i.scdn.co/image/not-an-id')).status).toBe(404);
    expect((await fetch('https://i.scdn.co/v1/me')).status).toBe(404);
    expect((await fetch('https://api.spotify.com/image/ab6761610000e5eb0123456789abcdef01234567')).status).toBe(404);
  });
});
