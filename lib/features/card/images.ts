/**
 * The card's pictures, fetched from Spotify's image CDN and turned into data: URIs.
 *
 * Only https URLs on Spotify's CDN hosts are ever fetched (the URLs come from Spotify's answers,
 * but nothing else may make this service fetch an arbitrary address): i.scdn.co and any other
 * *.scdn.co or *.spotifycdn.com host, default port, no credentials, no redirects. Each fetch has a
 * timeout within the request's deadline and a size cap, all run in parallel, and only PNG, JPEG,
 * GIF or WebP bytes are kept (by their signature, not the Content-Type). Images are immutable on
 * the CDN, so they are kept in this container's memory (bounded); a failure is remembered
 * briefly so a broken image does not cost every request a timeout. A failure gives null: the
 * card then draws a placeholder.
 *
 * Which picture: Spotify lists each one in several sizes (widest first); the card takes the
 * smallest that still covers the size it is drawn at on a 2× screen (pickPicture), so the file
 * stays small and the picture sharp. Every URL it asks for is one Spotify listed.
 */
import { ContainerMemory } from '../../platform/memory';
import { requestDeadline } from '../../platform/request-context';
import type { Picture } from '../../spotify/types';

export const IMAGE_TIMEOUT_MS = 2_000;
export const MAX_IMAGE_BYTES = 256 * 1024;
/** Memory for kept images (their data: URIs), per container. */
export const CACHE_BUDGET_BYTES = 8 * 1024 * 1024;
export const FAILURE_TTL_MS = 60_000;
/** No fetch is started with less time than this before the deadline. */
const MIN_FETCH_MS = 100;

const ALLOWED_HOST = /^(?:[a-z0-9-]+\.)+(?:scdn\.co|spotifycdn\.com)$/;

export function isAllowedImageUrl(text: string): boolean {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return false;
  }
  return url.protocol === 'https:' && url.port === '' && !url.username && !url.password && ALLOWED_HOST.test(url.hostname);
}

/** What a card knows of an item's picture; results stored by an earlier version have only `image`. */
export interface Pictured {
  image: string | null;
  pictures?: Picture[];
}

/** Screens at 2× draw a picture with twice as many pixels as its CSS size. */
const SHARP = 2;

/** The side a square crop of the picture keeps, when its size is known. */
function side(picture: Picture): number | null {
  const known = [picture.width, picture.height].filter((value): value is number => typeof value === 'number' && value > 0);
  return known.length ? Math.min(...known) : null;
}

/**
 * The URL of the smallest listed picture that covers `drawnPx` square at 2×; when none does, the
 * largest known; pictures of unknown size only after those; `image` when nothing is listed.
 */
export function pickPicture(item: Pictured, drawnPx: number): string | null {
  const listed = item.pictures ?? [];
  const known = listed.filter((picture) => side(picture) !== null).sort((a, b) => side(a)! - side(b)!);
  const chosen = known.find((picture) => side(picture)! >= drawnPx * SHARP) ?? known.at(-1) ?? listed[0];
  return chosen?.url ?? item.image;
}

function imageType(bytes: Uint8Array): string | undefined {
  const starts = (...signature: number[]) => signature.every((byte, index) => bytes[index] === byte);
  if (starts(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)) return 'image/png';
  if (starts(0xff, 0xd8, 0xff)) return 'image/jpeg';
  if (starts(0x47, 0x49, 0x46, 0x38)) return 'image/gif';
  if (starts(0x52, 0x49, 0x46, 0x46) && String.fromCharCode(...bytes.subarray(8, 12)) === 'WEBP') return 'image/webp';
  return undefined;
}

// Unwanted bodies are cancelled without waiting: a body that never ends must not hold the request.
async function readCapped(response: Response): Promise<Uint8Array | undefined> {
  if (Number(response.headers.get('content-length') ?? 0) > MAX_IMAGE_BYTES || !response.body) {
    void response.body?.cancel().catch(() => undefined);
    return undefined;
  }
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > MAX_IMAGE_BYTES) {
      void reader.cancel().catch(() => undefined);
      return undefined;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}

async function download(url: string, signal: AbortSignal): Promise<string | null> {
  try {
    const response = await fetch(url, { redirect: 'error', signal, headers: { accept: 'image/*' } });
    if (response.status !== 200) {
      void response.body?.cancel().catch(() => undefined);
      return null;
    }
    const bytes = await readCapped(response);
    const type = bytes && imageType(bytes);
    return bytes && type ? `data:${type};base64,${Buffer.from(bytes).toString('base64')}` : null;
  } catch {
    return null;
  }
}

/**
 * Each URL's data: URI (for ever: a fetched image never changes at its URL), or null: it failed
 * (for FAILURE_TTL_MS). Weighed by its length, so the budget bounds the memory the URIs take.
 */
const kept = new ContainerMemory<string | null>({ bound: CACHE_BUDGET_BYTES, weigh: (dataUri) => dataUri?.length ?? 0 });

/** The data: URI of one image (null when it cannot be shown); concurrent asks share one fetch. */
export function imageDataUri(url: string): Promise<string | null> {
  if (!isAllowedImageUrl(url)) return Promise.resolve(null);
  const known = kept.get(url);
  if (known !== undefined) return Promise.resolve(known);
  return kept.load(url, async () => {
    const timeoutMs = Math.min(IMAGE_TIMEOUT_MS, requestDeadline() - Date.now());
    // Out of time is not the image's fault: nothing is remembered.
    if (timeoutMs < MIN_FETCH_MS) return null;
    const dataUri = await download(url, AbortSignal.timeout(timeoutMs));
    kept.set(url, dataUri, dataUri === null ? Date.now() + FAILURE_TTL_MS : Number.POSITIVE_INFINITY);
    return dataUri;
  });
}

/** Every distinct image at once; the map has an entry (a data: URI or null) for each URL given. */
export async function imageDataUris(urls: (string | null)[]): Promise<Map<string, string | null>> {
  const distinct = [...new Set(urls.filter((url): url is string => typeof url === 'string'))];
  const dataUris = await Promise.all(distinct.map((url) => imageDataUri(url)));
  return new Map(distinct.map((url, index) => [url, dataUris[index] ?? null]));
}

/** A card's pictures: each item's data: URI (null draws the placeholder), and whether every picture asked for came. */
export interface CardPictures {
  of(item: Pictured): string | null;
  complete: boolean;
}

/** The picture of each item, drawn `drawnPx` square, all fetched at once. */
export async function loadPictures(items: Pictured[], drawnPx: number): Promise<CardPictures> {
  const urls = new Map(items.map((item) => [item, pickPicture(item, drawnPx)]));
  const dataUris = await imageDataUris([...urls.values()]);
  return {
    of: (item) => dataUris.get(urls.get(item) ?? '') ?? null,
    complete: [...dataUris.values()].every(Boolean),
  };
}

/** Forgets every kept image (tests). */
export function clearImageCache(): void {
  kept.clear();
}
