/**
 * The card's pictures: which listed size it takes, and its image fetches: only Spotify's CDN, over
 * https, with a timeout and a size cap, in parallel, kept in memory. Spotify's CDN is played by
 * msw here, so each failure can be staged.
 */
import { delay, http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { forgetContainerMemory } from '../../../../lib/platform/memory';
import { withRequest } from '../../../../lib/platform/request-context';
import {
  CACHE_BUDGET_BYTES,
  FAILURE_TTL_MS,
  imageDataUri,
  imageDataUris,
  isAllowedImageUrl,
  loadPictures,
  MAX_IMAGE_BYTES,
  pickPicture,
} from '../../../../lib/features/card/images';

const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]);
const JPEG = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 9, 9]);
const png = (size: number) => Buffer.concat([PNG, Buffer.alloc(size - PNG.length)]);

const requested: string[] = [];

/** How this stand-in CDN answers an image id; ids name what they do. */
async function answerFor(id: string): Promise<Response> {
  const image = (body: Buffer, type = 'image/png') => new HttpResponse(body, { headers: { 'content-type': type } });
  if (id === 'slow') await delay(1_000);
  if (id.endsWith('missing')) return new HttpResponse('Not Found', { status: 404 });
  if (id.startsWith('wait')) await delay(150);
  if (id === 'jpeg') return image(JPEG, 'image/jpeg');
  if (id === 'html') return new HttpResponse('<html>hi</html>', { headers: { 'content-type': 'image/png' } });
  if (id === 'moved') return new HttpResponse(null, { status: 302, headers: { location: 'https://elsewhere.example/image.png' } });
  if (id === 'huge') return image(png(MAX_IMAGE_BYTES + 1));
  if (id === 'huge-stream') {
    const chunk = new Uint8Array(64 * 1024);
    chunk.set(PNG);
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        sent += chunk.length;
        controller.enqueue(chunk);
        if (sent > 2 * MAX_IMAGE_BYTES) controller.close();
      },
    });
    return new HttpResponse(body, { headers: { 'content-type': 'image/png' } });
  }
  if (id.startsWith('big')) return image(png(200 * 1024));
  if (id === 'limit') return image(png(MAX_IMAGE_BYTES));
  return image(PNG);
}

const server = setupServer(
  http.get('https://:host/image/:id', ({ request, params }) => {
    requested.push(request.url);
    return answerFor(String(params.id));
  }),
  http.all('*', ({ request }) => {
    requested.push(request.url);
    return HttpResponse.error();
  }),
);

/** `work` inside a request whose deadline is `ms` away. */
const inRequest = <T>(work: () => T, ms = 1_500): T => withRequest({ deadline: Date.now() + ms, caller: 'public' }, work);

const dataUriOf = (bytes: Buffer, type = 'image/png') => `data:${type};base64,${bytes.toString('base64')}`;

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterAll(() => server.close());
beforeEach(() => {
  forgetContainerMemory();
  requested.length = 0;
});
afterEach(() => server.resetHandlers());

describe('which images may be fetched', () => {
  it.each([
    'https://i.scdn.co/image/ab6761610000e5eb0123',
    'https://mosaic.scdn.co/640/ab67616d0000b273',
    'https://image-cdn-fa.spotifycdn.com/image/ab67',
    'https://I.SCDN.CO/image/x',
  ])('allows %s', (url) => expect(isAllowedImageUrl(url)).toBe(true));

  it.each([
    'http://i.scdn.co/image/x',
    'https://i.scdn.co:8443/image/x',
    'https://user:pass@i.scdn.co/image/x',
    'https://i.scdn.co@evil.example/image/x',
    'https://i.scdn.co.evil.example/image/x',
    'https://evilscdn.co/image/x',
    'https://scdn.co/image/x',
    'https://spotifycdn.com.evil.example/x',
    'https://127.0.0.1/image/x',
    'https://169.254.169.254/latest/meta-data',
    'file:///etc/passwd',
    'not a url',
  ])('refuses %s, without a request', async (url) => {
    expect(isAllowedImageUrl(url)).toBe(false);
    expect(await inRequest(() => imageDataUri(url))).toBeNull();
    expect(requested).toEqual([]);
  });
});

describe('which size of a picture', () => {
  const picture = (size: number | null, name = String(size)) => ({ url: `https://i.scdn.co/image/${name}`, width: size, height: size });
  // As Spotify lists an artist's and an album's pictures: widest first.
  const artist = { image: 'https://i.scdn.co/image/640', pictures: [picture(640), picture(320), picture(160)] };
  const album = { image: 'https://i.scdn.co/image/640', pictures: [picture(640), picture(300), picture(64)] };

  it('takes the smallest that still covers the drawn size on a 2× screen', () => {
    expect(pickPicture(artist, 44)).toBe('https://i.scdn.co/image/160');
    expect(pickPicture(album, 44)).toBe('https://i.scdn.co/image/300');
    expect(pickPicture(artist, 80)).toBe('https://i.scdn.co/image/160');
    expect(pickPicture(artist, 81)).toBe('https://i.scdn.co/image/320');
    expect(pickPicture(album, 108)).toBe('https://i.scdn.co/image/300');
    expect(pickPicture(album, 151)).toBe('https://i.scdn.co/image/640');
    expect(pickPicture(album, 16)).toBe('https://i.scdn.co/image/64');
  });

  it('takes the largest when none covers it, and a crop\'s side for a picture that is not square', () => {
    expect(pickPicture({ image: null, pictures: [picture(120), picture(64)] }, 108)).toBe('https://i.scdn.co/image/120');
    const wide = { url: 'https://i.scdn.co/image/wide', width: 400, height: 80 };
    expect(pickPicture({ image: null, pictures: [wide, picture(100)] }, 44)).toBe('https://i.scdn.co/image/100');
  });

  it('puts pictures of unknown size after the known ones', () => {
    expect(pickPicture({ image: null, pictures: [picture(null, 'unknown'), picture(300), picture(64)] }, 44)).toBe('https://i.scdn.co/image/300');
    expect(pickPicture({ image: null, pictures: [picture(null, 'unknown'), picture(64)] }, 44)).toBe('https://i.scdn.co/image/64');
    expect(pickPicture({ image: null, pictures: [picture(null, 'first'), picture(null, 'second')] }, 44)).toBe('https://i.scdn.co/image/first');
  });

  it('takes `image` for a result stored before pictures were kept, and nothing when there is none', () => {
    expect(pickPicture({ image: 'https://i.scdn.co/image/stored' }, 44)).toBe('https://i.scdn.co/image/stored');
    expect(pickPicture({ image: 'https://i.scdn.co/image/stored', pictures: [] }, 44)).toBe('https://i.scdn.co/image/stored');
    expect(pickPicture({ image: null, pictures: [] }, 44)).toBeNull();
  });

  it('loads the chosen size of each item\'s picture, and says whether every one came', async () => {
    const broken = { image: null, pictures: [picture(300, 'missing')] };
    const none = { image: null, pictures: [] };
    const pictures = await inRequest(() => loadPictures([artist, album, none], 44));
    expect(requested.sort()).toEqual(['https://i.scdn.co/image/160', 'https://i.scdn.co/image/300']);
    expect(pictures.of(artist)).toBe(dataUriOf(PNG));
    expect(pictures.of(none)).toBeNull();
    // An item without a picture is not a failure; a picture that failed is.
    expect(pictures.complete).toBe(true);
    const withBroken = await inRequest(() => loadPictures([artist, broken], 44));
    expect(withBroken.of(broken)).toBeNull();
    expect(withBroken.complete).toBe(false);
  });
});

describe('fetching', () => {
  it('answers a data: URI typed by the bytes, fetching exactly the URL given', async () => {
    expect(await inRequest(() => imageDataUri('https://i.scdn.co/image/jpeg'))).toBe(dataUriOf(JPEG, 'image/jpeg'));
    const artist = 'https://i.scdn.co/image/ab6761610000e5eb0123456789abcdef01234567';
    expect(await inRequest(() => imageDataUri(artist))).toBe(dataUriOf(PNG));
    expect(requested).toEqual(['https://i.scdn.co/image/jpeg', artist]);
  });

  it.each([
    ['missing', 'a 404'],
    ['html', 'bytes that are not an image'],
    ['moved', 'a redirect (even to look elsewhere)'],
    ['huge', `more than ${MAX_IMAGE_BYTES} bytes, announced`],
    ['huge-stream', `more than ${MAX_IMAGE_BYTES} bytes, streamed`],
  ])('gives null for %s (%s)', async (id) => {
    expect(await inRequest(() => imageDataUri(`https://i.scdn.co/image/${id}`))).toBeNull();
    expect(requested.every((url) => url.startsWith('https://i.scdn.co/'))).toBe(true);
  });

  it(`accepts an image of exactly ${MAX_IMAGE_BYTES} bytes`, async () => {
    expect(await inRequest(() => imageDataUri('https://i.scdn.co/image/limit'))).toBe(dataUriOf(png(MAX_IMAGE_BYTES)));
  });

  it('gives up at the request deadline, and does not start a fetch without time left', async () => {
    const started = Date.now();
    expect(await inRequest(() => imageDataUri('https://i.scdn.co/image/slow'), 300)).toBeNull();
    expect(Date.now() - started).toBeLessThan(800);
    expect(await inRequest(() => imageDataUri('https://i.scdn.co/image/plain'), 50)).toBeNull();
    expect(requested).toEqual(['https://i.scdn.co/image/slow']);
    // Running out of time is not the image's fault: the next request tries it.
    expect(await inRequest(() => imageDataUri('https://i.scdn.co/image/plain'))).toBe(dataUriOf(PNG));
  });

  it('fetches all of a card\'s images at once, each distinct URL once', async () => {
    const urls = ['https://i.scdn.co/image/wait1', 'https://i.scdn.co/image/wait2', 'https://i.scdn.co/image/wait3', 'https://i.scdn.co/image/wait1', null];
    const started = Date.now();
    const images = await inRequest(() => imageDataUris(urls));
    expect(Date.now() - started).toBeLessThan(400);
    expect([...images.keys()]).toEqual(urls.slice(0, 3));
    expect([...images.values()].every((value) => value === dataUriOf(PNG))).toBe(true);
    expect(requested).toHaveLength(3);
  });
});

describe('kept in memory', () => {
  it('fetches an image once, however many requests ask, at once or later', async () => {
    const url = 'https://i.scdn.co/image/wait-shared';
    await Promise.all([inRequest(() => imageDataUri(url)), inRequest(() => imageDataUri(url))]);
    await inRequest(() => imageDataUri(url));
    expect(requested).toHaveLength(1);
  });

  it(`remembers a failure for ${FAILURE_TTL_MS / 1000} s, then tries again`, async () => {
    const url = 'https://i.scdn.co/image/missing';
    await inRequest(() => imageDataUri(url));
    await inRequest(() => imageDataUri(url));
    expect(requested).toHaveLength(1);
    const now = Date.now();
    vi.spyOn(Date, 'now').mockReturnValue(now + FAILURE_TTL_MS + 1);
    await inRequest(() => imageDataUri(url));
    expect(requested).toHaveLength(2);
  });

  it(`keeps at most ${CACHE_BUDGET_BYTES / 1024 / 1024} MiB, forgetting the least recently used first`, async () => {
    const url = (i: number) => `https://i.scdn.co/image/big${i}`;
    const perImage = dataUriOf(png(200 * 1024)).length;
    const fits = Math.floor(CACHE_BUDGET_BYTES / perImage);
    for (let i = 0; i < fits; i++) await inRequest(() => imageDataUri(url(i)));
    await inRequest(() => imageDataUri(url(0))); // used again: now the most recent
    await inRequest(() => imageDataUri(url(fits))); // one too many: big1 goes
    requested.length = 0;
    await inRequest(() => imageDataUri(url(0)));
    await inRequest(() => imageDataUri(url(2)));
    expect(requested).toEqual([]);
    await inRequest(() => imageDataUri(url(1)));
    expect(requested).toEqual([url(1)]);
  });
});
