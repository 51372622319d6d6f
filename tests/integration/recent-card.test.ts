/**
 * /card.svg?type=recent through the real handler, dynalite and the emulator's play history and
 * CDN: the last plays with when each was played, their covers once each, caching, refusals; and
 * the cards' size budget with pictures as heavy as Spotify's.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { forgetContainerMemory } from '../../lib/platform/memory';
import { card, useService } from '../support/service';
import { OWNER_ID, type Play, type Track } from '../support/spotify-emulator';

const service = useService();

const rows = (svg: string) => svg.match(/<g class="item">/g)?.length ?? 0;
const timesIn = (svg: string) => [...svg.matchAll(/text-anchor="end" class="detail">([^<]+)<\/text>/g)].map((match) => match[1]);
const escaped = (text: string) => text.replace(/&/g, '&#38;').replace(/'/g, '&#39;');
const player = () => service.model.player(OWNER_ID);
const topTrack = (index: number) => service.model.topFor(OWNER_ID, 'tracks', 'short_term')[index] as Track;
const MINUTE = 60_000;

beforeEach(() => forgetContainerMemory());
afterEach(() => vi.useRealTimers());

describe('GET /card.svg?type=recent', () => {
  it('draws the last 5 plays, newest first, each with when it was played, cached as long as the plays are fresh', async () => {
    await service.connect();
    const now = service.model.now();
    const plays: Play[] = [3, 50, 60 * 5, 60 * 30, 60 * 24 * 3].map((minutes, i) => ({ track: topTrack(i), playedAt: now - minutes * MINUTE, context: null }));
    player().setHistory(plays);
    const response = await card({ type: 'recent' });
    expect(response.statusCode).toBe(200);
    expect(rows(response.body)).toBe(5);
    expect(response.body).toContain('>Recently played</text>');
    for (const play of plays) expect(response.body).toContain(`>${escaped(play.track.name)}</text>`);
    expect(timesIn(response.body)).toEqual(['3 min ago', '50 min ago', '5 h ago', 'yesterday', '3 days ago']);
    expect(response.body).not.toContain('class="rank"');
    expect(response.headers['Cache-Control']).toMatch(/^public, max-age=(59|60), stale-while-revalidate=60$/);
    expect(service.model.calls.recentlyPlayed).toBe(1);
  });

  it('draws up to ten, in the dark theme, an album played track after track with its cover in the file once', async () => {
    await service.connect();
    const now = service.model.now();
    const same = topTrack(0);
    player().setHistory(Array.from({ length: 12 }, (_, i) => ({ track: i < 6 ? same : topTrack(i), playedAt: now - (i + 1) * 4 * MINUTE, context: null })));
    const response = await card({ type: 'recent', limit: '10', theme: 'dark' });
    expect(rows(response.body)).toBe(10);
    expect(response.body).toContain('fill="#121212"');
    // Six plays of one track, four others: five pictures, ten drawn.
    expect(response.body.match(/<image /g)).toHaveLength(5);
    expect(response.body.match(/<use href="#p\d+"/g)).toHaveLength(10);
  });

  it('says so when Spotify has no plays to show', async () => {
    await service.connect();
    player().setHistory([]);
    const response = await card({ type: 'recent' });
    expect(response.statusCode).toBe(200);
    expect(response.body).toContain('Spotify has no plays to show.');
  });

  it('refuses a time range with a 400 card that says why, without asking Spotify', async () => {
    await service.connect();
    const response = await card({ type: 'recent', time_range: 'long_term' });
    expect(response.statusCode).toBe(400);
    expect(response.body).toContain('time_range does not apply to type=recent');
    expect(service.model.calls.recentlyPlayed).toBe(0);
  });

  it('asks the owner to reconnect, in a 200 card, when they never allowed reading their plays', async () => {
    await service.connect();
    await service.updateOwner({ scopes: ['user-top-read'] });
    const response = await card({ type: 'recent' });
    expect(response.statusCode).toBe(200);
    expect(response.body).toContain('>Reconnect Spotify to show what</text>');
    expect(response.headers['Cache-Control']).toBe('no-store');
    expect(service.model.calls.recentlyPlayed).toBe(0);
  });
  it('draws the "Reconnect Spotify" card, never the last good plays, once Spotify refuses the authorization', async () => {
    await service.connect();
    expect((await card({ type: 'recent' })).body).toContain('>Recently played</text>');
    service.model.revokeRefreshTokens();
    await service.updateOwner({ accessTokenExpiresAt: Date.now() - 1 });
    // Past the plays' freshness: the source asks Spotify, is refused, and has only the last good plays.
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + 300_000 });
    const response = await card({ type: 'recent' });
    expect(response.statusCode).toBe(200);
    expect(response.body).toContain('>Reconnect Spotify</text>');
    expect(response.body).not.toContain('>Recently played</text>');
    expect(response.headers['Cache-Control']).toBe('no-store');
  });
});

describe('the cards\' size budget', () => {
  // About what Spotify's JPEG of that size weighs; GIF bytes here (the card keeps any image type), each its own.
  const picture = (bytes: number, n: number) => `GIF89a${String(n).repeat(bytes - 6)}`;

  it('a 5-row card of artists with 8 kB pictures (Spotify\'s 160 px) is under 60 kB; without pictures, under 4 kB', async () => {
    await service.connect();
    const bodies = [1, 2, 3, 4, 5].map((n) => picture(8 * 1024, n));
    for (const body of bodies) service.model.failNext('image', { status: 200, body, contentType: 'image/gif' });
    const response = await card();
    expect(response.body.match(/<image /g)).toHaveLength(5);
    const size = Buffer.byteLength(response.body);
    expect(size).toBeLessThan(60_000);
    const markup = Buffer.byteLength(response.body.replace(/href="data:[^"]+"/g, 'href=""'));
    expect(markup).toBeLessThan(4_000);
    // Each picture is in the file once: the rest is its base64 (4/3 of its bytes).
    const dataUris = bodies.map((body) => `data:image/gif;base64,${Buffer.from(body).toString('base64')}`);
    expect(size - markup).toBe(dataUris.reduce((sum, uri) => sum + uri.length, 0));
  });
});
