/** The emulated image CDN: https://i.scdn.co/image/<id> answers a small PNG made from the id. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDefaultModel, imagePng, interceptSpotify, OWNER_ID, startEmulator, type RunningEmulator } from '../../support/spotify-emulator';

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
    const id = 'ab6761610000e5eb0123456789abcdef01234567';
    const response = await fetch(`https://i.scdn.co/image/${id}`);
    expect(Buffer.from(await response.arrayBuffer()).equals(imagePng(id))).toBe(true);
  });

  it('answers 404 for anything that is not an image id, and only on the CDN host', async () => {
    expect((await fetch('https://i.scdn.co/image/not-an-id')).status).toBe(404);
    expect((await fetch('https://i.scdn.co/v1/me')).status).toBe(404);
    expect((await fetch('https://api.spotify.com/image/ab6761610000e5eb0123456789abcdef01234567')).status).toBe(404);
  });
});
