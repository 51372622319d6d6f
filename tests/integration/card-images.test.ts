/**
 * The card's pictures through the real /card.svg handler and the emulator's CDN, which, like
 * Spotify's, serves only the picture ids it listed: which listed size the card asks for, what it
 * does when that one fails or stalls, and results stored before the sizes were kept.
 */
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { IMAGE_TIMEOUT_MS } from '../../lib/features/card/images';
import { documentClient } from '../../lib/platform/dynamo';
import { forgetContainerMemory } from '../../lib/platform/memory';
import { card, useService } from '../support/service';
import { imagePng, OWNER_ID, type Artist, type SpotifyImage } from '../support/spotify-emulator';

const service = useService();

const imagesIn = (svg: string) => [...svg.matchAll(/<image id="p\d+" href="(data:[^"]+)"/g)].map((match) => match[1]);
const placeholders = (svg: string) => svg.match(/>♪<\/text>/g)?.length ?? 0;
const imageRequests = () => service.model.requests.filter((request) => request.path.startsWith('/image/'))
  .map(({ path, status }) => ({ path, status }));
const pathOf = (url: string) => new URL(url).pathname;
const pngOf = (url: string) => `data:image/png;base64,${imagePng(pathOf(url).slice('/image/'.length)).toString('base64')}`;
const topArtists = () => service.model.topFor(OWNER_ID, 'artists', 'short_term') as Artist[];

// The model is shared by the file: put back the pictures a test changed.
const changed: [Artist, SpotifyImage[]][] = [];
function listOnly(artist: Artist, images: SpotifyImage[]): void {
  changed.push([artist, artist.images]);
  artist.images = images;
}

beforeEach(() => forgetContainerMemory());
afterEach(() => {
  for (const [artist, images] of changed.splice(0)) artist.images = images;
});

describe('GET /card.svg picks each picture\'s size from those Spotify lists', () => {
  it('asks only for the smallest that covers a 44 px row at 2×: an artist\'s 160 px, an album\'s 300 px', async () => {
    await service.connect();
    await card({ limit: '3' });
    await card({ limit: '3', type: 'tracks' });
    const artists = topArtists().slice(0, 3);
    const tracks = service.model.topFor(OWNER_ID, 'tracks', 'short_term').slice(0, 3) as { album: { images: SpotifyImage[] } }[];
    expect(artists.every((artist) => artist.images[2]!.width === 160)).toBe(true);
    expect(tracks.every((track) => track.album.images[1]!.width === 300)).toBe(true);
    expect(imageRequests()).toEqual([
      ...artists.map((artist) => ({ path: pathOf(artist.images[2]!.url), status: 200 })),
      ...tracks.map((track) => ({ path: pathOf(track.album.images[1]!.url), status: 200 })),
    ]);
  });

  it('takes the one size listed, or a size Spotify does not state, and asks for nothing else', async () => {
    await service.connect();
    const [first, second] = topArtists();
    const [widest] = first!.images;
    listOnly(first!, [widest!]);
    listOnly(second!, [{ url: second!.images[0]!.url, width: null, height: null }]);
    const response = await card({ limit: '2' });
    expect(imagesIn(response.body)).toEqual([pngOf(widest!.url), pngOf(second!.images[0]!.url)]);
    expect(imageRequests()).toEqual([{ path: pathOf(widest!.url), status: 200 }, { path: pathOf(second!.images[0]!.url), status: 200 }]);
    expect(response.headers['Cache-Control']).toMatch(/^public, max-age=/);
  });

  it('draws `image` for a list stored before every size was kept', async () => {
    await service.connect();
    await card({ limit: '1' });
    // The stored result as an earlier version wrote it: items with `image` (the widest) and no `pictures`.
    const owner = await service.owner();
    const Key = { pk: `result#${OWNER_ID}#${owner!.authorizationId}#artists#short_term` };
    const TableName = process.env.TABLE_NAME;
    const { Item } = await documentClient().send(new GetCommand({ TableName, Key }));
    const items = (Item!.items as { pictures?: unknown }[]).map(({ pictures: _dropped, ...rest }) => rest);
    await documentClient().send(new PutCommand({ TableName, Item: { ...Item, items } }));
    forgetContainerMemory();
    service.model.requests = [];

    const response = await card({ limit: '1' });
    const widest = topArtists()[0]!.images[0]!.url;
    expect(imagesIn(response.body)).toEqual([pngOf(widest)]);
    expect(imageRequests()).toEqual([{ path: pathOf(widest), status: 200 }]);
  });
});

describe('GET /card.svg when a picture cannot be shown', () => {
  it('draws the placeholder after one try (a listed picture has no other size to fall back to) and lets caches revalidate', async () => {
    await service.connect();
    const small = topArtists()[0]!.images[2]!;
    service.model.failNext('image', { status: 200, body: '<html>not a picture</html>', contentType: 'image/jpeg', times: 1 });
    const response = await card({ limit: '1' });
    expect(response.statusCode).toBe(200);
    expect(imagesIn(response.body)).toEqual([]);
    expect(placeholders(response.body)).toBe(1);
    expect(imageRequests()).toEqual([{ path: pathOf(small.url), status: 200 }]);
    expect(response.headers['Cache-Control']).toBe('no-cache');
  });

  it(`answers within one image timeout (${IMAGE_TIMEOUT_MS} ms) with placeholders when the CDN stalls`, async () => {
    await service.connect();
    service.model.failNext('image', { stall: true, times: 5 });
    const started = Date.now();
    const response = await card();
    const took = Date.now() - started;
    expect(response.statusCode).toBe(200);
    expect(placeholders(response.body)).toBe(5);
    expect(took).toBeGreaterThanOrEqual(IMAGE_TIMEOUT_MS - 50);
    expect(took).toBeLessThan(IMAGE_TIMEOUT_MS + 1_000);
    const chosen = topArtists().slice(0, 5).map((artist) => pathOf(artist.images[2]!.url));
    expect(imageRequests()).toEqual(chosen.map((path) => ({ path, status: 0 })));
    expect(response.headers['Cache-Control']).toBe('no-cache');
  });
});
