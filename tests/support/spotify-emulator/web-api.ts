// Pure builders for Web API payloads: /v1/me and the top-items paging object.
import type { Artist, ModelResponse, TimeRange, Track, UserSpec } from './types';
import { TIME_RANGES } from './types';
import { apiError, hash, json } from './util';

export function meBody(user: UserSpec, apiBase: string): object {
  return {
    display_name: user.displayName,
    external_urls: { spotify: `https://open.spotify.com/user/${user.id}` },
    href: `${apiBase}/v1/users/${user.id}`,
    id: user.id,
    images: [],
    type: 'user',
    uri: `spotify:user:${user.id}`,
    account_id: user.accountId ?? accountIdFor(user.id),
  };
}

/** Stable UUID-looking id, so tests can link accounts by it. */
export function accountIdFor(userId: string): string {
  const h = (salt: string) => hash(salt + userId).toString(16).padStart(8, '0');
  const raw = h('a') + h('b') + h('c') + h('d');
  return `${raw.slice(0, 8)}-${raw.slice(8, 12)}-${raw.slice(12, 16)}-${raw.slice(16, 20)}-${raw.slice(20, 32)}`;
}

/**
 * medium_term is the order the user was given; the other ranges are stable
 * reorderings so tests can tell which range was asked for.
 */
export function orderFor<T extends Artist | Track>(items: T[], range: TimeRange): T[] {
  if (range === 'medium_term') return [...items];
  if (range === 'long_term') return [...items].reverse();
  return [...items].sort((a, b) => hash(`short:${a.id}`) - hash(`short:${b.id}`));
}

export interface PageQuery {
  type: 'artists' | 'tracks';
  limit: number;
  offset: number;
  timeRange?: string;
}

export function pagingBody(items: (Artist | Track)[], q: PageQuery, apiBase: string): object {
  const link = (offset: number) => {
    const params = new URLSearchParams();
    if (q.timeRange !== undefined) params.set('time_range', q.timeRange);
    params.set('limit', String(q.limit));
    params.set('offset', String(offset));
    return `${apiBase}/v1/me/top/${q.type}?${params.toString()}`;
  };
  const total = items.length;
  return {
    href: link(q.offset),
    items: items.slice(q.offset, q.offset + q.limit),
    limit: q.limit,
    next: q.offset + q.limit < total ? link(q.offset + q.limit) : null,
    offset: q.offset,
    previous: q.offset > 0 ? link(Math.max(0, q.offset - q.limit)) : null,
    total,
  };
}

/** GET /v1/me/top/{type} for an authenticated user with user-top-read. */
export function topResponse(user: UserSpec, type: 'artists' | 'tracks', query: URLSearchParams, apiBase: string): ModelResponse {
  const timeRange = query.get('time_range') ?? undefined;
  if (timeRange !== undefined && !TIME_RANGES.includes(timeRange as TimeRange)) return apiError(400, 'Invalid time range');
  const limit = query.get('limit');
  if (limit !== null && (!/^\d+$/.test(limit) || Number(limit) < 1 || Number(limit) > 50)) return apiError(400, 'Invalid limit');
  const offset = query.get('offset');
  if (offset !== null && !/^\d+$/.test(offset)) return apiError(400, 'Invalid offset');
  const range = (timeRange ?? 'medium_term') as TimeRange;
  const items: (Artist | Track)[] = type === 'artists' ? orderFor(user.topArtists, range) : orderFor(user.topTracks, range);
  return json(200, pagingBody(items, {
    type, limit: limit === null ? 20 : Number(limit), offset: offset === null ? 0 : Number(offset), timeRange,
  }, apiBase));
}
