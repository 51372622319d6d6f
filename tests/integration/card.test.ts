/** /card.svg through the real handler, dynalite, and the Spotify emulator (its image CDN included). */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { forgetContainerMemory } from '../../lib/platform/memory';
import { card, highlights, useService, type Result } from '../support/service';
import { imagePng, OWNER_ID, type Artist } from '../support/spotify-emulator';

const service = useService();

const CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'";
const rows = (svg: string) => svg.match(/<g class="item">/g)?.length ?? 0;
const imagesIn = (svg: string) => [...svg.matchAll(/<image id="p\d+" href="(data:[^"]+)"/g)].map((match) => match[1]);
const imageRequests = () => service.model.requests.filter((request) => request.path.startsWith('/image/'));
const pngDataUri = (url: string) => `data:image/png;base64,${imagePng(url.split('/').pop() ?? '').toString('base64')}`;

function expectSvg(response: Result, status: number): void {
  expect(response.statusCode).toBe(status);
  expect(response.headers['Content-Type']).toBe('image/svg+xml; charset=utf-8');
  expect(response.headers['Content-Security-Policy']).toBe(CSP);
  expect(response.headers['X-Content-Type-Options']).toBe('nosniff');
  expect(response.body.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
}

const topArtists = (range: 'short_term' | 'long_term' = 'short_term') => service.model.topFor(OWNER_ID, 'artists', range);

// Tests change sample artists in place (the model is shared by the file): put them back.
const changed: [Artist, Artist][] = [];
function change(artist: Artist, values: Partial<Artist>): void {
  changed.push([artist, { ...artist }]);
  Object.assign(artist, values);
}

beforeEach(() => forgetContainerMemory());
afterEach(() => {
  for (const [artist, original] of changed.splice(0).reverse()) Object.assign(artist, original);
});

describe('GET /card.svg before anyone connected', () => {
  it('draws a "not connected" card, answered 200 so an <img> shows it, never cached', async () => {
    const response = await card();
    expectSvg(response, 200);
    expect(response.body).toContain('Spotify is not connected yet');
    expect(response.body).toContain('/login');
    expect(response.headers['Cache-Control']).toBe('no-store');
  });
});

describe('GET /card.svg', () => {
  it('draws the owner\'s top 5 short-term artists with their pictures inside, cached like /highlights', async () => {
    await service.connect();
    const response = await card();
    expectSvg(response, 200);
    const expected = topArtists().slice(0, 5);
    expect(rows(response.body)).toBe(5);
    for (const artist of expected) expect(response.body).toContain(`>${artist.name}</text>`);
    // The 160 px picture of each artist (Spotify lists it third), embedded.
    expect(imagesIn(response.body)).toEqual(expected.map((artist) => pngDataUri(artist.images[2]!.url)));
    expect(imageRequests().map((request) => request.path)).toEqual(expect.arrayContaining(expected.map((artist) => new URL(artist.images[2]!.url).pathname)));
    expect(response.headers['Cache-Control']).toMatch(/^public, max-age=(29\d|300), stale-while-revalidate=300$/);
    expect(response.headers.ETag).toMatch(/^"[\w-]+"$/);

    const again = await card({}, { headers: { 'if-none-match': response.headers.ETag! } });
    expect(again.statusCode).toBe(304);
    expect(again.body).toBe('');
    // Both answers came from one Spotify call and one fetch per picture.
    expect(service.model.calls.top).toBe(1);
    expect(imageRequests()).toHaveLength(5);
  });

  it('draws tracks, up to ten, in the dark theme, for another time range', async () => {
    await service.connect();
    const response = await card({ type: 'tracks', limit: '10', theme: 'dark', time_range: 'long_term' });
    expectSvg(response, 200);
    expect(rows(response.body)).toBe(10);
    expect(response.body).toContain('fill="#121212"');
    expect(response.body).toContain('>Top tracks</text>');
    const tracks = service.model.topFor(OWNER_ID, 'tracks', 'long_term').slice(0, 10);
    for (const track of tracks) expect(response.body).toContain(`>${track.name}</text>`);
    expect(imagesIn(response.body)).toHaveLength(10);
  });

  it('shares the highlights cache with /highlights and keeps pictures in memory across themes', async () => {
    await service.connect();
    await highlights();
    await card({ theme: 'light' });
    await card({ theme: 'dark' });
    expect(service.model.calls.top).toBe(1);
    expect(imageRequests()).toHaveLength(5);
  });

  it('escapes names from Spotify', async () => {
    await service.connect();
    change(topArtists()[0]!, { name: 'Mumford & <Sons> "live"' });
    const response = await card({ limit: '1' });
    expect(response.body).toContain('>Mumford &#38; &#60;Sons&#62; &#34;live&#34;</text>');
    expect(response.body).not.toContain('<Sons>');
  });

  it('draws a placeholder for a picture that fails or is not on Spotify\'s CDN, and lets caches revalidate', async () => {
    await service.connect();
    const [first, second, third] = topArtists();
    change(first!, { images: [{ url: 'https://i.scdn.co/image/not-a-picture', height: 640, width: 640 }] });
    change(second!, { images: [{ url: 'https://metadata.internal.example/latest', height: 640, width: 640 }] });
    change(third!, { images: [] });
    const response = await card({ limit: '3' });
    expectSvg(response, 200);
    expect(imagesIn(response.body)).toEqual([]);
    expect(response.body.match(/>♪<\/text>/g)).toHaveLength(3);
    expect(imageRequests().map((request) => request.path)).toEqual(['/image/not-a-picture']);
    expect(response.headers['Cache-Control']).toBe('no-cache');
  });

  it.each([
    [{ limit: '11' }, 'limit must be a whole number from 1 to 10.'],
    [{ limit: '0' }, 'limit must be a whole number from 1 to 10.'],
    [{ theme: 'neon' }, 'theme must be one of light, dark, spotify, midnight, paper, contrast.'],
    [{ type: 'albums' }, 'type must be one of artists, tracks, recent.'],
    [{ time_range: 'forever' }, 'time_range must be one of short_term, medium_term, long_term.'],
  ])('answers 400 with the reason drawn in for %o', async (query, message) => {
    await service.connect();
    const response = await card(query);
    expectSvg(response, 400);
    expect(response.body).toContain(message);
    expect(response.headers['Cache-Control']).toBe('no-store');
    expect(service.model.calls.top).toBe(0);
  });

  it('refuses anything but GET, as an SVG', async () => {
    const response = await card({}, { method: 'POST' });
    expectSvg(response, 405);
    expect(response.headers.Allow).toBe('GET');
  });
});

describe('GET /card.svg when Spotify cannot answer', () => {
  it('draws a "reconnect" card, 200 and never cached, when Spotify no longer accepts the authorization', async () => {
    await service.connect();
    service.model.revokeRefreshTokens();
    service.model.expireAccessTokens();
    await service.updateOwner({ accessTokenExpiresAt: Date.now() - 1 });
    const response = await card({ theme: 'dark' });
    expectSvg(response, 200);
    expect(response.body).toContain('>Reconnect Spotify</text>');
    expect(response.body).toContain('/login');
    expect(response.body).toContain('fill="#121212"');
    expect(response.headers['Cache-Control']).toBe('no-store');
  });

  it('keeps a rate limit\'s 503 and Retry-After, with the reason drawn in', async () => {
    await service.connect();
    service.model.rateLimit({ retryAfterSeconds: 17 });
    const response = await card();
    expectSvg(response, 503);
    expect(response.headers['Retry-After']).toBe('17');
    expect(response.body).toContain('Spotify highlights are unavailable');
  });
});
