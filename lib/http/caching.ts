/**
 * HTTP caching for read endpoints: a strong ETag over the exact body, 304 Not Modified on a
 * matching If-None-Match, and Cache-Control whose max-age is the freshness the service's own
 * cache has left, so no browser or CDN keeps a response longer than the service would.
 */
import { createHash } from 'node:crypto';
import type { Freshness } from '../platform/time';
import type { HttpEvent, HttpResult } from './responses';

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

/**
 * Fresh: public, for the freshness left, and a cache may keep serving it while it revalidates for
 * as long again as the service's own cache period (fetchedAt to freshUntil; an answer whose
 * freshness was cut short has no freshness left, so this never shortens a cacheable one). Stale,
 * or no freshness left: revalidate every time.
 */
export function cacheControl({ fetchedAt, freshUntil, stale }: Freshness): string {
  const maxAge = Math.floor((freshUntil - Date.now()) / 1000);
  if (stale || maxAge <= 0) return 'no-cache';
  return `public, max-age=${maxAge}, stale-while-revalidate=${Math.round((freshUntil - fetchedAt) / 1000)}`;
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
