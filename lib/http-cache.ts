/**
 * HTTP caching for read endpoints: a strong ETag over the exact body, 304 Not Modified on a
 * matching If-None-Match, and Cache-Control whose max-age is the freshness the service's own
 * cache has left, so no browser or CDN keeps a response longer than the service would.
 */
import { createHash } from 'node:crypto';
import type { HttpEvent, HttpResult } from './http';

export function etagOf(body: string): string {
  return `"${createHash('sha256').update(body).digest('base64url')}"`;
}

function matches(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  return ifNoneMatch.split(',').some((candidate) => {
    const tag = candidate.trim();
    return tag === '*' || tag === etag || tag === `W/${etag}`;
  });
}

export interface Freshness {
  /** Epoch ms until which the answer is fresh; at or before now means "revalidate every time". */
  freshUntil: number;
  /** How long (s) a cache may serve it stale while it revalidates in the background. */
  staleWhileRevalidateSeconds: number;
}

export function cacheControl({ freshUntil, staleWhileRevalidateSeconds }: Freshness): string {
  const maxAge = Math.floor((freshUntil - Date.now()) / 1000);
  if (maxAge <= 0) return 'no-cache';
  return `public, max-age=${maxAge}, stale-while-revalidate=${staleWhileRevalidateSeconds}`;
}

/** Answers `body` with caching headers, or 304 when the client already has it. */
export function cachedResponse(event: HttpEvent, result: HttpResult & { body: string }, freshness: Freshness): HttpResult {
  const etag = etagOf(result.body);
  const headers = { ...result.headers, ETag: etag, 'Cache-Control': cacheControl(freshness) };
  if (matches(event.headers?.['if-none-match'], etag)) {
    const notModified: Record<string, string> = { ...(headers as Record<string, string>) };
    delete notModified['Content-Type'];
    return { statusCode: 304, headers: notModified, body: '' };
  }
  return { ...result, headers };
}
