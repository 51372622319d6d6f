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
 * The card first asks for a smaller size than the one Spotify listed (see smallerVariant), and
 * when that is not there (404, not an image, too big) for the listed URL itself. Both tries share
 * one timeout, so the fallback never makes a picture take longer than a single fetch could.
 */
import type { Deadline } from '../../platform/time';

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

// Spotify lists every image in three sizes and answers the widest first, which is all the
// service keeps. Its CDN names the size in the id's first 16 hex digits, so the card asks for
// the smallest size that stays sharp at 44 px on a 2× screen; unknown ids are fetched as they are.
// The pattern is undocumented, so a guessed id may not exist: imageDataUri falls back.
const SMALLER_VARIANT: Record<string, string> = {
  ab6761610000e5eb: 'ab6761610000f178', // artist 640 → 160
  ab67616100005174: 'ab6761610000f178', // artist 320 → 160
  ab67616d0000b273: 'ab67616d00001e02', // album 640 → 300
};

export function smallerVariant(url: string): string {
  const match = /^(https:\/\/i\.scdn\.co\/image\/)([0-9a-f]{16})([0-9a-f]+)$/.exec(url);
  const smaller = match ? SMALLER_VARIANT[match[2]!] : undefined;
  return match && smaller ? `${match[1]}${smaller}${match[3]}` : url;
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
 * The smaller variant, then the listed URL if the variant fails; undefined when the fallback had
 * too little time left to start (not the image's fault). A timeout ends both tries.
 */
async function fetchPicture(url: string, timeoutMs: number): Promise<string | null | undefined> {
  const endsAt = Date.now() + timeoutMs;
  const signal = AbortSignal.timeout(timeoutMs);
  const smaller = smallerVariant(url);
  if (smaller !== url) {
    const dataUri = await download(smaller, signal);
    if (dataUri !== null || signal.aborted) return dataUri;
    if (endsAt - Date.now() < MIN_FETCH_MS) return undefined;
  }
  return download(url, signal);
}

interface Kept {
  dataUri: string | null;
  /** Failures only; a fetched image never changes at its URL. */
  expiresAt?: number;
}

const kept = new Map<string, Kept>();
const inflight = new Map<string, Promise<string | null>>();
let keptBytes = 0;

function keep(url: string, dataUri: string | null): void {
  if (dataUri === null) {
    kept.set(url, { dataUri, expiresAt: Date.now() + FAILURE_TTL_MS });
    return;
  }
  kept.set(url, { dataUri });
  keptBytes += dataUri.length;
  // Oldest first: a Map iterates in insertion order, and a hit re-inserts (see recall).
  for (const [oldUrl, old] of kept) {
    if (keptBytes <= CACHE_BUDGET_BYTES) break;
    kept.delete(oldUrl);
    keptBytes -= old.dataUri?.length ?? 0;
  }
}

function recall(url: string): Kept | undefined {
  const entry = kept.get(url);
  if (!entry) return undefined;
  if (entry.expiresAt !== undefined && entry.expiresAt <= Date.now()) {
    kept.delete(url);
    return undefined;
  }
  kept.delete(url);
  kept.set(url, entry);
  return entry;
}

/** The data: URI of one image (null when it cannot be shown); concurrent asks share one fetch. */
export function imageDataUri(url: string, deadline: Deadline): Promise<string | null> {
  if (!isAllowedImageUrl(url)) return Promise.resolve(null);
  const known = recall(url);
  if (known) return Promise.resolve(known.dataUri);
  let pending = inflight.get(url);
  if (!pending) {
    const timeoutMs = Math.min(IMAGE_TIMEOUT_MS, deadline - Date.now());
    // Out of time is not the image's fault: nothing is remembered.
    if (timeoutMs < MIN_FETCH_MS) return Promise.resolve(null);
    pending = fetchPicture(url, timeoutMs)
      .then((dataUri) => {
        if (dataUri === undefined) return null;
        keep(url, dataUri);
        return dataUri;
      })
      .finally(() => inflight.delete(url));
    inflight.set(url, pending);
  }
  return pending;
}

/** Every distinct image at once; the map has an entry (a data: URI or null) for each URL given. */
export async function imageDataUris(urls: (string | null)[], deadline: Deadline): Promise<Map<string, string | null>> {
  const distinct = [...new Set(urls.filter((url): url is string => typeof url === 'string'))];
  const dataUris = await Promise.all(distinct.map((url) => imageDataUri(url, deadline)));
  return new Map(distinct.map((url, index) => [url, dataUris[index] ?? null]));
}

/** Forgets every kept image (tests). */
export function clearImageCache(): void {
  kept.clear();
  inflight.clear();
  keptBytes = 0;
}
