/** /highlights through the real handler, dynalite and the Spotify emulator. */
import { describe, expect, it } from 'vitest';
import { askSpotifyEveryTime, highlights, useService } from '../support/service';
import { OWNER_ID } from '../support/spotify-emulator';

const service = useService();

function json(response: { body: string }) {
  return JSON.parse(response.body);
}

describe('GET /highlights before anyone connected', () => {
  it('answers 503 not_authorized, pointing the owner to /login', async () => {
    const response = await highlights();
    expect(response.statusCode).toBe(503);
    expect(response.headers['Content-Type']).toBe('application/json; charset=utf-8');
    expect(json(response)).toEqual({ error: 'not_authorized', message: expect.stringContaining('/login') });
    expect(service.model.calls.top).toBe(0);
  });
});

describe('GET /highlights', () => {
  it('answers the owner\'s top 5 short-term artists as clean JSON', async () => {
    await service.connect();
    const response = await highlights();
    expect(response.statusCode).toBe(200);
    expect(response.headers['Content-Type']).toBe('application/json; charset=utf-8');
    const body = json(response);
    expect(Object.keys(body).sort()).toEqual(['artists', 'fetchedAt', 'limit', 'timeRange']);
    expect(body.timeRange).toBe('short_term');
    expect(body.limit).toBe(5);
    expect(new Date(body.fetchedAt).toISOString()).toBe(body.fetchedAt);

    const expected = service.model.topFor(OWNER_ID, 'artists', 'short_term').slice(0, 5);
    expect(body.artists).toEqual(
      expected.map((artist) => ({
        id: artist.id,
        name: artist.name,
        url: artist.external_urls.spotify,
        image: artist.images[0]?.url ?? null,
        genres: artist.genres,
      })),
    );
  });

  it('answers the owner\'s top tracks with type=tracks', async () => {
    await service.connect();
    const response = await highlights({ type: 'tracks', limit: '3', time_range: 'medium_term' });
    expect(response.statusCode).toBe(200);
    const body = json(response);
    expect(Object.keys(body).sort()).toEqual(['fetchedAt', 'limit', 'timeRange', 'tracks']);
    const expected = service.model.topFor(OWNER_ID, 'tracks', 'medium_term').slice(0, 3);
    expect(body.tracks).toEqual(
      expected.map((track) => ({
        id: track.id,
        name: track.name,
        url: track.external_urls.spotify,
        artists: track.artists.map((artist) => artist.name),
        album: track.album.name,
        image: track.album.images[0]?.url ?? null,
      })),
    );
  });

  it('caches artists and tracks separately', async () => {
    await service.connect();
    await highlights();
    await highlights({ type: 'tracks' });
    await highlights({ type: 'tracks', limit: '20' });
    expect(service.model.calls.top).toBe(2);
  });

  it('serves limit and time_range', async () => {
    await service.connect();
    const body = json(await highlights({ limit: '12', time_range: 'long_term' }));
    expect(body.limit).toBe(12);
    expect(body.timeRange).toBe('long_term');
    const expected = service.model.topFor(OWNER_ID, 'artists', 'long_term').slice(0, 12).map((artist) => artist.id);
    expect(body.artists.map((artist: { id: string }) => artist.id)).toEqual(expected);
  });

  it.each([
    [{ limit: '0' }, 'limit'],
    [{ limit: '51' }, 'limit'],
    [{ limit: 'abc' }, 'limit'],
    [{ time_range: 'yesterday' }, 'time_range'],
    [{ type: 'albums' }, 'type'],
  ])('refuses %j with a 400 naming %s, without calling Spotify', async (query, parameter) => {
    await service.connect();
    const response = await highlights(query);
    expect(response.statusCode).toBe(400);
    expect(json(response)).toEqual({ error: 'invalid_parameter', message: expect.stringMatching(new RegExp(`^${parameter} `)) });
    expect(service.model.calls.top).toBe(0);
  });

  it('uses the stored access token while it is valid', async () => {
    await service.connect();
    await highlights();
    expect(service.model.calls.token.refresh_token).toBe(0);
    expect(service.model.calls.top).toBe(1);
  });

  it('fetches one page per time range and serves every limit from it, within HIGHLIGHTS_CACHE_SECONDS', async () => {
    await service.connect();
    await highlights({ limit: '3' });
    await highlights({ limit: '10' });
    await highlights();
    expect(service.model.calls.top).toBe(1);
    await highlights({ time_range: 'medium_term' });
    expect(service.model.calls.top).toBe(2);
  });

  it('asks Spotify every time when HIGHLIGHTS_CACHE_SECONDS=0', async () => {
    askSpotifyEveryTime('HIGHLIGHTS_CACHE_SECONDS');
    await service.connect();
    await highlights();
    await highlights();
    expect(service.model.calls.top).toBe(2);
  });

  it('refreshes an expired access token, stores it and keeps the refresh token Spotify did not rotate', async () => {
    await service.connect();
    const before = await service.owner();
    await service.updateOwner({ accessTokenExpiresAt: Date.now() - 1000 });

    const response = await highlights();
    expect(response.statusCode).toBe(200);
    expect(service.model.calls.token.refresh_token).toBe(1);
    const after = await service.owner();
    expect(after?.accessToken).not.toBe(before?.accessToken);
    expect(after?.accessTokenExpiresAt).toBeGreaterThan(Date.now() + 3000_000);
    expect(after?.refreshToken).toBe(before?.refreshToken);
  });

  it('refreshes a token that expires within the safety margin', async () => {
    await service.connect();
    await service.updateOwner({ accessTokenExpiresAt: Date.now() + 30_000 });
    expect((await highlights()).statusCode).toBe(200);
    expect(service.model.calls.token.refresh_token).toBe(1);
  });

  it('stores a rotated refresh token, and the next refresh uses it', async () => {
    askSpotifyEveryTime('HIGHLIGHTS_CACHE_SECONDS');
    service.model.rotateRefreshTokens = true;
    await service.connect();
    const before = await service.owner();
    await service.updateOwner({ accessTokenExpiresAt: Date.now() - 1000 });
    expect((await highlights()).statusCode).toBe(200);
    const rotated = await service.owner();
    expect(rotated?.refreshToken).not.toBe(before?.refreshToken);

    await service.updateOwner({ accessTokenExpiresAt: Date.now() - 1000 });
    expect((await highlights()).statusCode).toBe(200);
    expect(service.model.calls.token.refresh_token).toBe(2);
  });

  it('answers Spotify\'s 401 with one refresh and one retry', async () => {
    await service.connect();
    service.model.expireAccessTokens();
    const response = await highlights();
    expect(response.statusCode).toBe(200);
    expect(service.model.calls.token.refresh_token).toBe(1);
    expect(service.model.calls.top).toBe(2);
  });

  it('gives up after one retry when Spotify keeps answering 401', async () => {
    await service.connect();
    service.model.failNext('top', { status: 401, body: { error: { status: 401, message: 'Invalid access token' } }, times: 5 });
    const response = await highlights();
    expect(response.statusCode).toBe(502);
    expect(service.model.calls.token.refresh_token).toBe(1);
    expect(service.model.calls.top).toBe(2);
  });

  it('tells the owner to visit /login again when Spotify refuses the refresh token', async () => {
    await service.connect();
    service.model.revokeRefreshTokens();
    await service.updateOwner({ accessTokenExpiresAt: Date.now() - 1000 });
    const response = await highlights();
    expect(response.statusCode).toBe(503);
    expect(json(response)).toEqual({ error: 'reauthorization_required', message: expect.stringContaining('/login') });
    expect((await service.owner())?.refreshToken).toBeTruthy();
  });

  it('answers Spotify\'s 429 with 503 and its Retry-After', async () => {
    await service.connect();
    service.model.rateLimit({ retryAfterSeconds: 17 });
    const response = await highlights();
    expect(response.statusCode).toBe(503);
    expect(response.headers['Retry-After']).toBe('17');
    expect(json(response).error).toBe('rate_limited');
  });

  it.each([500, 502, 503])('answers Spotify\'s %i with 502 JSON', async (status) => {
    await service.connect();
    service.model.failNext('top', { status, body: { error: { status, message: 'Service unavailable' } }, times: 2 });
    const response = await highlights();
    expect(response.statusCode).toBe(502);
    expect(json(response).error).toBe('spotify_unavailable');
  });

  it('answers a plain-text 403 (user not registered) with a clear 502', async () => {
    await service.connect();
    service.model.failNext('top', { status: 403, body: 'User not registered in the Developer Dashboard', contentType: 'text/plain' });
    const response = await highlights();
    expect(response.statusCode).toBe(502);
    expect(json(response)).toEqual({ error: 'spotify_forbidden', message: expect.stringContaining('developer dashboard') });
  });

  it('retries a malformed Spotify body once', async () => {
    await service.connect();
    service.model.failNext('top', { status: 200, body: '{"items": [', contentType: 'application/json' });
    const response = await highlights();
    expect(response.statusCode).toBe(200);
    expect(service.model.calls.top).toBe(2);
  });

  it('answers a Spotify body that stays malformed with 502, not 500', async () => {
    await service.connect();
    service.model.failNext('top', { status: 200, body: '{"items": [', contentType: 'application/json', times: 2 });
    const response = await highlights();
    expect(response.statusCode).toBe(502);
    expect(service.model.calls.top).toBe(2);
  });

  it('answers a hung Spotify with 504 well before the function\'s 10 s timeout', async () => {
    await service.connect();
    service.model.failNext('top', { status: 200, body: {}, delayMs: 20_000, times: 2 });
    const started = Date.now();
    const response = await highlights();
    expect(response.statusCode).toBe(504);
    expect(json(response).error).toBe('spotify_timeout');
    expect(Date.now() - started).toBeLessThan(8_500);
  });

  it('answers a missing configuration value with JSON naming it', async () => {
    delete process.env.SPOTIFY_CLIENT_ID;
    const response = await highlights();
    expect(response.statusCode).toBe(500);
    expect(json(response)).toEqual({ error: 'configuration_error', message: expect.stringContaining('SPOTIFY_CLIENT_ID') });
  });
});
