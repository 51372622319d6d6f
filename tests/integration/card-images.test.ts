/**
 * The card's pictures through the real /card.svg handler and the emulator's CDN, which, like
 * Spotify's, serves only the picture ids it listed: the card's guessed smaller size may be missing.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { clearImageCache, IMAGE_TIMEOUT_MS } from '../../lib/features/card/images';
import { card, useService } from '../support/service';
import { imagePng, OWNER_ID, type Artist, type SpotifyImage } from '../support/spotify-emulator';

const service = useService();

const imagesIn = (svg: string) => [...svg.matchAll(/<image href="(data:[^"]+)"/g)].map((match) => match[1]);
const placeholders = (svg: string) => svg.match(/>♪<\/text>/g)?.length ?? 0;
const imageRequests = () => service.model.requests.filter((request) => request.path.startsWith('/image/'))
  .map(({ path, status }) => ({ path, status }));
const pathOf = (url: string) => new URL(url).pathname;
const idOf = (url: string) => pathOf(url).slice('/image/'.length);
const firstArtist = () => service.model.topFor(OWNER_ID, 'artists', 'short_term')[0]!;

// The model is shared by the file: put back the pictures a test changed.
const changed: [Artist, SpotifyImage[]][] = [];
function listOnly(artist: Artist, images: SpotifyImage[]): void {
  changed.push([artist, artist.images]);
  artist.images = images;
}

beforeEach(() => clearImageCache());
afterEach(() => {
  for (const [artist, images] of changed.splice(0)) artist.images = images;
});

describe('GET /card.svg when the smaller picture it guessed is not on the CDN', () => {
  it('draws the listed picture instead, and the card is cached as usual', async () => {
    await service.connect();
    const artist = firstArtist();
    const [listed, , small] = artist.images;
    // Only the widest size listed, as for some real artists: the CDN never issued the 160 px id.
    listOnly(artist, [listed!]);
    const response = await card({ limit: '1' });
    expect(response.statusCode).toBe(200);
    expect(imagesIn(response.body)).toEqual([`data:image/png;base64,${imagePng(idOf(listed!.url)).toString('base64')}`]);
    expect(placeholders(response.body)).toBe(0);
    expect(imageRequests()).toEqual([{ path: pathOf(small!.url), status: 404 }, { path: pathOf(listed!.url), status: 200 }]);
    expect(response.headers['Cache-Control']).toMatch(/^public, max-age=/);
  });

  it('draws the placeholder when neither size can be shown, and lets caches revalidate', async () => {
    await service.connect();
    const [listed, , small] = firstArtist().images;
    // What the CDN lists it serves, so a fault plays a listed picture that is gone or broken.
    service.model.failNext('image', { status: 200, body: '<html>not a picture</html>', contentType: 'image/jpeg', times: 2 });
    const response = await card({ limit: '1' });
    expect(response.statusCode).toBe(200);
    expect(imagesIn(response.body)).toEqual([]);
    expect(placeholders(response.body)).toBe(1);
    expect(imageRequests()).toEqual([{ path: pathOf(small!.url), status: 200 }, { path: pathOf(listed!.url), status: 200 }]);
    expect(response.headers['Cache-Control']).toBe('no-cache');
  });
});

describe('GET /card.svg when the CDN stalls', () => {
  it(`answers within one image timeout (${IMAGE_TIMEOUT_MS} ms) with placeholders, without a fallback try`, async () => {
    await service.connect();
    service.model.failNext('image', { stall: true, times: 5 });
    const started = Date.now();
    const response = await card();
    const took = Date.now() - started;
    expect(response.statusCode).toBe(200);
    expect(placeholders(response.body)).toBe(5);
    expect(took).toBeGreaterThanOrEqual(IMAGE_TIMEOUT_MS - 50);
    expect(took).toBeLessThan(IMAGE_TIMEOUT_MS + 1_000);
    // Five guessed sizes asked for, each stalled; the listed sizes were never tried.
    const guessed = service.model.topFor(OWNER_ID, 'artists', 'short_term').slice(0, 5).map((artist) => pathOf(artist.images[2]!.url));
    expect(imageRequests()).toEqual(guessed.map((path) => ({ path, status: 0 })));
    expect(response.headers['Cache-Control']).toBe('no-cache');
  });
});
