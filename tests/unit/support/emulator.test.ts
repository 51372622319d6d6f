import http, { createServer, type Server } from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AuthorizeError,
  createDefaultModel,
  DEFAULT_CLIENT_ID,
  DEFAULT_CLIENT_SECRET,
  DEFAULT_REDIRECT_URI,
  emulatorControl,
  interceptSpotify,
  INTRUDER_ID,
  OWNER_ID,
  sampleArtists,
  sampleTracks,
  startEmulator,
  type ModelResponse,
  type RunningEmulator,
  type SpotifyModel,
} from '../../support/spotify-emulator';

const DAY = 86_400_000;
const basic = (id = DEFAULT_CLIENT_ID, secret = DEFAULT_CLIENT_SECRET) =>
  `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;

function clockedModel() {
  const clock = { t: Date.UTC(2026, 6, 1) };
  const model = createDefaultModel({ now: () => clock.t });
  return { model, clock };
}

function authorizeParams(extra: Record<string, string> = {}) {
  return { client_id: DEFAULT_CLIENT_ID, response_type: 'code', redirect_uri: DEFAULT_REDIRECT_URI, scope: 'user-top-read', state: 'st', ...extra };
}

function codeFor(model: SpotifyModel, extra: Record<string, string> = {}) {
  return model.approve(model.authorize(authorizeParams(extra)));
}

function exchange(model: SpotifyModel, code: string, redirectUri = DEFAULT_REDIRECT_URI) {
  return model.token({ authorizationHeader: basic(), form: { grant_type: 'authorization_code', code, redirect_uri: redirectUri } });
}

function refresh(model: SpotifyModel, refreshToken: string) {
  return model.token({ authorizationHeader: basic(), form: { grant_type: 'refresh_token', refresh_token: refreshToken } });
}

function tokens(model: SpotifyModel, extra: Record<string, string> = {}) {
  const res = exchange(model, codeFor(model, extra));
  expect(res.status).toBe(200);
  return res.body as { access_token: string; refresh_token: string; scope: string; expires_in: number };
}

const top = (model: SpotifyModel, token: string, type = 'artists', query: Record<string, string> = {}) =>
  model.api({ path: `/v1/me/top/${type}`, query, authorizationHeader: `Bearer ${token}` });
const me = (model: SpotifyModel, token: string) => model.api({ path: '/v1/me', authorizationHeader: `Bearer ${token}` });

function authorizeError(model: SpotifyModel, params: Record<string, string>): AuthorizeError {
  try {
    model.authorize(params);
  } catch (error) {
    if (error instanceof AuthorizeError) return error;
    throw error;
  }
  throw new Error('authorize accepted the request');
}

const oauth = (error: string, description: string): ModelResponse => ({ status: 400, body: { error, error_description: description }, headers: undefined });

describe('sample data', () => {
  it('is distinct, development-mode shaped, and differs between the default users', () => {
    const artists = sampleArtists(60);
    expect(new Set(artists.map((a) => a.id)).size).toBe(60);
    expect(new Set(artists.map((a) => a.name)).size).toBe(60);
    expect(new Set(sampleTracks(60).map((t) => t.id)).size).toBe(60);
    for (const artist of artists) {
      expect(artist).not.toHaveProperty('followers');
      expect(artist).not.toHaveProperty('popularity');
      expect(artist.uri).toBe(`spotify:artist:${artist.id}`);
      expect(artist.id).toMatch(/^[0-9A-Za-z]{22}$/);
      const widths = artist.images.map((i) => i.width ?? 0);
      expect(widths).toEqual([...widths].sort((a, b) => b - a));
    }
    const model = createDefaultModel();
    const owner = new Set(model.users.get(OWNER_ID)!.topArtists.map((a) => a.id));
    expect(model.users.get(INTRUDER_ID)!.topArtists.some((a) => owner.has(a.id))).toBe(false);
    expect(model.users.get(OWNER_ID)!.topTracks).toHaveLength(50);
  });
});

describe('authorize', () => {
  const { model } = clockedModel();

  it('accepts a registered loopback IP redirect URI and returns the request', () => {
    expect(model.authorize(authorizeParams({ scope: 'user-top-read user-read-private' }))).toEqual({
      clientId: DEFAULT_CLIENT_ID, appName: expect.any(String), redirectUri: DEFAULT_REDIRECT_URI,
      scopes: ['user-top-read', 'user-read-private'], state: 'st', showDialog: false,
    });
  });

  it('rejects an unknown client', () => {
    expect(authorizeError(model, authorizeParams({ client_id: 'nope' })).message).toBe('INVALID_CLIENT: Invalid client');
  });

  it('rejects localhost as insecure even when it is allow-listed', () => {
    model.registerRedirectUri('http://localhost:3000/callback');
    const error = authorizeError(model, authorizeParams({ redirect_uri: 'http://localhost:3000/callback' }));
    expect(error.message).toBe('INVALID_CLIENT: Insecure redirect URI');
    expect(error.redirectTo).toBeUndefined();
  });

  it('rejects plain http to a non-loopback host as insecure', () => {
    model.registerRedirectUri('http://example.com/callback');
    expect(authorizeError(model, authorizeParams({ redirect_uri: 'http://example.com/callback' })).message)
      .toBe('INVALID_CLIENT: Insecure redirect URI');
  });

  it.each(['http://127.0.0.1:3000/callback/', 'http://127.0.0.1:3001/callback', 'http://127.0.0.1:3000/Callback', 'https://example.com/callback', ''])(
    'rejects %j: not exactly on the allow-list', (uri) => {
      expect(authorizeError(model, authorizeParams({ redirect_uri: uri })).message).toBe('INVALID_CLIENT: Invalid redirect URI');
    });

  it('accepts https and [::1] once registered', () => {
    model.registerRedirectUri('https://example.com/callback');
    model.registerRedirectUri('http://[::1]:3000/callback');
    expect(model.authorize(authorizeParams({ redirect_uri: 'https://example.com/callback' })).redirectUri).toBe('https://example.com/callback');
    expect(model.authorize(authorizeParams({ redirect_uri: 'http://[::1]:3000/callback' })).redirectUri).toBe('http://[::1]:3000/callback');
  });

  it('sends an unsupported response_type back to the app (implicit grant is gone)', () => {
    const error = authorizeError(model, authorizeParams({ response_type: 'token' }));
    expect(error.message).toBe('unsupported_response_type');
    expect(error.redirectTo).toBe(`${DEFAULT_REDIRECT_URI}?error=unsupported_response_type&state=st`);
  });

  it('rejects unknown scopes', () => {
    expect(authorizeError(model, authorizeParams({ scope: 'user-top-read everything' })).message).toBe('INVALID_SCOPE: Illegal scope');
  });

  it('deny answers access_denied', () => {
    expect(model.deny(model.authorize(authorizeParams()))).toEqual({ error: 'access_denied' });
  });
});

describe('token endpoint', () => {
  it('exchanges a code once, with Spotify’s fields', () => {
    const { model } = clockedModel();
    const code = codeFor(model, { scope: 'user-top-read user-read-private' });
    const first = exchange(model, code);
    expect(first.status).toBe(200);
    expect(first.body).toEqual({
      access_token: expect.stringMatching(/^BQ/), token_type: 'Bearer', expires_in: 3600,
      refresh_token: expect.stringMatching(/^AQ/), scope: 'user-top-read user-read-private',
    });
    expect(exchange(model, code)).toEqual(oauth('invalid_grant', 'Invalid authorization code'));
  });

  it('binds the code to its redirect URI, its client and 10 minutes', () => {
    const { model, clock } = clockedModel();
    model.registerRedirectUri('http://127.0.0.1:4000/callback');
    expect(exchange(model, codeFor(model), 'http://127.0.0.1:4000/callback')).toEqual(oauth('invalid_grant', 'Invalid redirect URI'));

    model.registerApp({ clientId: 'other', clientSecret: 'other-secret', redirectUris: [DEFAULT_REDIRECT_URI] });
    const otherClient = model.token({
      authorizationHeader: basic('other', 'other-secret'),
      form: { grant_type: 'authorization_code', code: codeFor(model), redirect_uri: DEFAULT_REDIRECT_URI },
    });
    expect(otherClient).toEqual(oauth('invalid_grant', 'Invalid authorization code'));

    const late = codeFor(model);
    clock.t += 10 * 60_000;
    expect(exchange(model, late)).toEqual(oauth('invalid_grant', 'Invalid authorization code'));
    expect(exchange(model, 'made-up')).toEqual(oauth('invalid_grant', 'Invalid authorization code'));
  });

  it('accepts client credentials in the body as well as in a Basic header', () => {
    const { model } = clockedModel();
    const res = model.token({
      form: { grant_type: 'authorization_code', code: codeFor(model), redirect_uri: DEFAULT_REDIRECT_URI, client_id: DEFAULT_CLIENT_ID, client_secret: DEFAULT_CLIENT_SECRET },
    });
    expect(res.status).toBe(200);
  });

  it('refuses bad client credentials', () => {
    const { model } = clockedModel();
    const code = codeFor(model);
    const form = { grant_type: 'authorization_code', code, redirect_uri: DEFAULT_REDIRECT_URI };
    expect(model.token({ authorizationHeader: basic(DEFAULT_CLIENT_ID, 'wrong'), form })).toEqual(oauth('invalid_client', 'Invalid client secret'));
    expect(model.token({ form: { ...form, client_id: DEFAULT_CLIENT_ID, client_secret: 'wrong' } })).toEqual(oauth('invalid_client', 'Invalid client secret'));
    expect(model.token({ authorizationHeader: basic('nobody', 'x'), form })).toEqual(oauth('invalid_client', 'Invalid client'));
    expect(model.token({ form })).toEqual(oauth('invalid_client', 'Invalid client'));
    expect(model.token({ authorizationHeader: 'Basic !!!', form })).toEqual(oauth('invalid_client', 'Invalid client'));
    // None of those spent the code.
    expect(exchange(model, code).status).toBe(200);
  });

  it('refuses missing or unsupported grant types and missing parameters', () => {
    const { model } = clockedModel();
    const auth = { authorizationHeader: basic() };
    expect(model.token({ ...auth, form: {} })).toMatchObject({ status: 400, body: { error: 'unsupported_grant_type' } });
    expect(model.token({ ...auth, form: { grant_type: 'password' } })).toMatchObject({ status: 400, body: { error: 'unsupported_grant_type' } });
    expect(model.token({ ...auth, form: { grant_type: 'authorization_code', redirect_uri: DEFAULT_REDIRECT_URI } }))
      .toMatchObject({ status: 400, body: { error: 'invalid_request' } });
    expect(model.token({ ...auth, form: { grant_type: 'refresh_token' } })).toMatchObject({ status: 400, body: { error: 'invalid_request' } });
  });

  it('keeps the refresh token when rotation is off (the default)', () => {
    const { model } = clockedModel();
    const { refresh_token } = tokens(model);
    const res = refresh(model, refresh_token);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ access_token: expect.any(String), token_type: 'Bearer', expires_in: 3600, scope: 'user-top-read' });
    expect(refresh(model, refresh_token).status).toBe(200);
  });

  it('rotates refresh tokens when asked, and the old one stops working', () => {
    const { model } = clockedModel();
    model.rotateRefreshTokens = true;
    const { refresh_token: old } = tokens(model);
    const res = refresh(model, old);
    const next = (res.body as { refresh_token?: string }).refresh_token;
    expect(next).toMatch(/^AQ/);
    expect(next).not.toBe(old);
    expect(refresh(model, old)).toEqual(oauth('invalid_grant', 'Invalid refresh token'));
    expect(refresh(model, next!).status).toBe(200);
  });

  it.each([false, true])('ends refresh tokens 6 months after authorization, however often used (rotation %s)', (rotate) => {
    const { model, clock } = clockedModel();
    model.rotateRefreshTokens = rotate;
    let current = tokens(model).refresh_token;
    const refreshOk = () => {
      const res = refresh(model, current);
      expect(res.status).toBe(200);
      current = (res.body as { refresh_token?: string }).refresh_token ?? current;
    };
    for (let day = 30; day <= 180; day += 30) {
      clock.t += 30 * DAY;
      refreshOk();
    }
    clock.t += 3 * DAY - 1; // just before day 183
    refreshOk();
    clock.t += 1;
    expect(refresh(model, current)).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
  });

  it('refuses revoked refresh tokens, only for the given user', () => {
    const { model } = clockedModel();
    const owner = tokens(model).refresh_token;
    model.signIn(INTRUDER_ID);
    const intruder = tokens(model).refresh_token;
    model.revokeRefreshTokens(OWNER_ID);
    expect(refresh(model, owner)).toEqual(oauth('invalid_grant', 'Refresh token revoked'));
    expect(refresh(model, intruder).status).toBe(200);
    expect(refresh(model, 'unknown')).toEqual(oauth('invalid_grant', 'Invalid refresh token'));
  });
});

describe('Web API', () => {
  it('expires access tokens after the TTL by the model clock', () => {
    const { model, clock } = clockedModel();
    const { access_token } = tokens(model);
    clock.t += 3599_000;
    expect(me(model, access_token).status).toBe(200);
    clock.t += 1000;
    expect(me(model, access_token)).toMatchObject({ status: 401, body: { error: { status: 401, message: 'The access token expired' } } });
    expect(me(model, 'nonsense')).toMatchObject({ status: 401, body: { error: { status: 401, message: 'Invalid access token' } } });
    expect(model.api({ path: '/v1/me' })).toMatchObject({ status: 401, body: { error: { status: 401, message: 'Invalid access token' } } });
  });

  it('honours accessTokenTtlSeconds and expireAccessTokens()', () => {
    const { model, clock } = clockedModel();
    model.accessTokenTtlSeconds = 5;
    const first = tokens(model);
    expect(first.expires_in).toBe(5);
    clock.t += 5000;
    expect(me(model, first.access_token).status).toBe(401);
    const second = (refresh(model, first.refresh_token).body as { access_token: string }).access_token;
    expect(me(model, second).status).toBe(200);
    model.expireAccessTokens();
    expect(me(model, second)).toMatchObject({ status: 401, body: { error: { message: 'The access token expired' } } });
  });

  it('answers /me with the development-mode fields only', () => {
    const { model } = clockedModel();
    const res = me(model, tokens(model).access_token);
    expect(res.body).toEqual({
      id: OWNER_ID, display_name: 'Site Owner', external_urls: { spotify: `https://open.spotify.com/user/${OWNER_ID}` },
      href: `https://api.spotify.com/v1/users/${OWNER_ID}`, images: [], type: 'user', uri: `spotify:user:${OWNER_ID}`,
      account_id: expect.stringMatching(/^[0-9a-f-]{36}$/),
    });
  });

  it('needs user-top-read for top items (403), but not for /me', () => {
    const { model } = clockedModel();
    const { access_token } = tokens(model, { scope: 'user-read-private' });
    expect(top(model, access_token)).toEqual({ status: 403, body: { error: { status: 403, message: 'Insufficient client scope' } }, headers: undefined });
    expect(me(model, access_token).status).toBe(200);
  });

  it('pages top items with defaults, and orders each time range differently', () => {
    const { model } = clockedModel();
    const { access_token } = tokens(model);
    const owner = model.users.get(OWNER_ID)!;
    const page = top(model, access_token).body as { items: { id: string }[]; limit: number; offset: number; total: number; next: string | null; previous: string | null; href: string };
    expect(page).toMatchObject({ limit: 20, offset: 0, total: 50, previous: null });
    expect(page.items.map((a) => a.id)).toEqual(owner.topArtists.slice(0, 20).map((a) => a.id));
    expect(page.next).toBe('https://api.spotify.com/v1/me/top/artists?limit=20&offset=20');

    const ids = (range: string) => (top(model, access_token, 'artists', { time_range: range, limit: '50' }).body as typeof page).items.map((a) => a.id);
    expect(ids('medium_term')).toEqual(owner.topArtists.map((a) => a.id));
    for (const range of ['short_term', 'medium_term', 'long_term'] as const) {
      expect(ids(range)).toEqual(model.topFor(OWNER_ID, 'artists', range).map((a) => a.id));
    }
    expect(model.topFor(OWNER_ID, 'tracks', 'long_term')[0]!.id).toBe(owner.topTracks[49]!.id);
    expect(new Set([ids('short_term')[0], ids('medium_term')[0], ids('long_term')[0]]).size).toBe(3);

    const last = top(model, access_token, 'tracks', { limit: '10', offset: '45' }).body as typeof page;
    expect(last.items.map((t) => t.id)).toEqual(owner.topTracks.slice(45).map((t) => t.id));
    expect(last).toMatchObject({ next: null, previous: 'https://api.spotify.com/v1/me/top/tracks?limit=10&offset=35' });
  });

  it.each([
    [{ limit: '0' }, 'Invalid limit'], [{ limit: '51' }, 'Invalid limit'], [{ limit: 'ten' }, 'Invalid limit'], [{ limit: '2.5' }, 'Invalid limit'],
    [{ time_range: 'forever' }, 'Invalid time range'], [{ time_range: '' }, 'Invalid time range'], [{ offset: '-1' }, 'Invalid offset'],
  ])('refuses %j with 400 %s', (query, message) => {
    const { model } = clockedModel();
    expect(top(model, tokens(model).access_token, 'artists', query)).toMatchObject({ status: 400, body: { error: { status: 400, message } } });
  });

  it('answers 404 in Spotify’s shape for an unknown top type', () => {
    const { model } = clockedModel();
    expect(top(model, tokens(model).access_token, 'albums')).toMatchObject({ status: 404, body: { error: { status: 404, message: expect.any(String) } } });
  });

  it('answers 403 in plain text for a user not on a development app’s allow-list', () => {
    const { model } = clockedModel();
    model.registerApp({ clientId: DEFAULT_CLIENT_ID, clientSecret: DEFAULT_CLIENT_SECRET, redirectUris: [DEFAULT_REDIRECT_URI], allowedUsers: [OWNER_ID] });
    model.signIn(INTRUDER_ID);
    const res = me(model, tokens(model).access_token);
    expect(res).toMatchObject({ status: 403, body: 'User not registered in the Developer Dashboard', headers: { 'content-type': 'text/plain; charset=utf-8' } });
  });
});

describe('rate limits and faults', () => {
  it('answers 429 with Retry-After until the time has passed', () => {
    const { model, clock } = clockedModel();
    const { access_token, refresh_token } = tokens(model);
    model.rateLimit({ retryAfterSeconds: 120 });
    expect(top(model, access_token)).toEqual({
      status: 429, body: { error: { status: 429, message: 'API rate limit exceeded' } }, headers: { 'retry-after': '120' },
    });
    expect(refresh(model, refresh_token).status).toBe(200);
    clock.t += 60_500;
    expect(me(model, access_token).headers).toEqual({ 'retry-after': '60' });
    clock.t += 59_500;
    expect(top(model, access_token).status).toBe(200);

    model.rateLimit({ retryAfterSeconds: 10, includeToken: true });
    expect(refresh(model, refresh_token)).toMatchObject({ status: 429, headers: { 'retry-after': '10' } });
  });

  it('limits calls in a rolling 30-second window when configured', () => {
    const { model, clock } = clockedModel();
    const { access_token } = tokens(model);
    model.maxCallsPer30s = 3;
    for (let i = 0; i < 3; i++) {
      expect(me(model, access_token).status).toBe(200);
      clock.t += 5000;
    }
    expect(me(model, access_token)).toMatchObject({ status: 429, headers: { 'retry-after': '15' } });
    clock.t += 15_000;
    expect(me(model, access_token).status).toBe(200);
  });

  it('injects faults for the given number of matching calls', () => {
    const { model } = clockedModel();
    const { access_token, refresh_token } = tokens(model);
    model.failNext('top', { status: 503, times: 2 });
    expect(me(model, access_token).status).toBe(200);
    const expected = { status: 503, body: { error: { status: 503, message: 'Service unavailable' } } };
    expect(top(model, access_token)).toMatchObject(expected);
    expect(top(model, access_token)).toMatchObject(expected);
    expect(top(model, access_token).status).toBe(200);

    model.failNext('api', { status: 502 });
    expect(me(model, access_token).status).toBe(502);
    expect(me(model, access_token).status).toBe(200);

    model.failNext('token', { status: 500 });
    expect(refresh(model, refresh_token).status).toBe(500);
    expect(refresh(model, refresh_token).status).toBe(200);
  });

  it('can answer plain text, malformed JSON, custom headers and delays', () => {
    const { model } = clockedModel();
    const { access_token } = tokens(model);
    model.failNext('me', { status: 403, body: 'User not registered in the Developer Dashboard' });
    expect(me(model, access_token)).toEqual({
      status: 403, body: 'User not registered in the Developer Dashboard', headers: { 'content-type': 'text/plain; charset=utf-8' }, delayMs: undefined,
    });
    model.failNext('top', { status: 200, body: '{"items": [', contentType: 'application/json', headers: { 'X-Thing': '1' }, delayMs: 30 });
    expect(top(model, access_token)).toEqual({
      status: 200, body: '{"items": [', headers: { 'content-type': 'application/json', 'x-thing': '1' }, delayMs: 30,
    });
  });

  it('counts calls, logs requests and resets', () => {
    const { model } = clockedModel();
    const { access_token, refresh_token } = tokens(model);
    refresh(model, refresh_token);
    me(model, access_token);
    top(model, access_token, 'tracks', { limit: '0' });
    expect(model.calls).toMatchObject({ token: { authorization_code: 1, refresh_token: 1 }, me: 1, top: 1 });
    expect(model.requests.map(({ method, path, grantType, status }) => ({ method, path, grantType, status }))).toEqual([
      { method: 'POST', path: '/api/token', grantType: 'authorization_code', status: 200 },
      { method: 'POST', path: '/api/token', grantType: 'refresh_token', status: 200 },
      { method: 'GET', path: '/v1/me', grantType: undefined, status: 200 },
      { method: 'GET', path: '/v1/me/top/tracks', grantType: undefined, status: 400 },
    ]);
    expect(model.requests[3]!.query).toEqual({ limit: '0' });
    model.signIn(INTRUDER_ID);
    model.failNext('api', { status: 500 });
    model.reset();
    expect(model.calls).toMatchObject({ token: { authorization_code: 0, refresh_token: 0 }, me: 0, top: 0 });
    expect(model.requests).toEqual([]);
    expect(model.signedInUser).toBe(OWNER_ID);
    expect(me(model, access_token).status).toBe(401);
  });
});

describe('HTTP server', () => {
  let emulator: RunningEmulator;
  beforeAll(async () => {
    emulator = await startEmulator();
  });
  afterAll(() => emulator.close());

  const get = (path: string, init?: RequestInit) => fetch(`${emulator.url}${path}`, { redirect: 'manual', ...init });
  const authorizeQuery = (extra: Record<string, string> = {}) => new URLSearchParams(authorizeParams(extra)).toString();

  it('shows Spotify’s error text on a 400 page for a bad redirect URI', async () => {
    const res = await get(`/authorize?${authorizeQuery({ redirect_uri: 'http://localhost:3000/callback' })}`);
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await res.text()).toContain('INVALID_CLIENT: Insecure redirect URI');
  });

  it('walks the consent page: Accept gives a code and echoes state; Cancel gives access_denied', async () => {
    emulator.model.reset();
    const page = await (await get(`/authorize?${authorizeQuery()}`)).text();
    expect(page).toContain('Accept');
    expect(page).toContain('Cancel');
    expect(page).toContain('Site Owner');
    expect(page).toContain('user-top-read');
    const fields = Object.fromEntries([...page.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)].map((m) => [m[1], m[2]]));
    const decide = (decision: string, extra: Record<string, string> = {}) =>
      get('/authorize/decision', { method: 'POST', body: new URLSearchParams({ ...fields, decision, ...extra }) });

    const accepted = await decide('accept');
    expect(accepted.status).toBe(302);
    const location = new URL(accepted.headers.get('location')!);
    expect(`${location.origin}${location.pathname}`).toBe(DEFAULT_REDIRECT_URI);
    expect(location.searchParams.get('state')).toBe('st');
    expect(exchange(emulator.model, location.searchParams.get('code')!).status).toBe(200);

    const cancelled = await decide('cancel');
    expect(cancelled.headers.get('location')).toBe(`${DEFAULT_REDIRECT_URI}?error=access_denied&state=st`);
    const withoutState = new URLSearchParams({ ...fields, decision: 'cancel' });
    withoutState.delete('state');
    const noState = await get('/authorize/decision', { method: 'POST', body: withoutState });
    expect(noState.headers.get('location')).toBe(`${DEFAULT_REDIRECT_URI}?error=access_denied`);
    // Re-validated on POST.
    const forged = await decide('accept', { redirect_uri: 'http://127.0.0.1:9999/steal' });
    expect(forged.status).toBe(400);
    expect(await forged.text()).toContain('INVALID_CLIENT: Invalid redirect URI');
  });

  it('skips the dialog once the scopes were granted, unless show_dialog=true', async () => {
    emulator.model.reset();
    emulator.model.approve(emulator.model.authorize(authorizeParams()));
    const skipped = await get(`/authorize?${authorizeQuery()}`);
    expect(skipped.status).toBe(302);
    expect(skipped.headers.get('location')).toMatch(/\?code=AQ[^&]+&state=st$/);
    expect((await get(`/authorize?${authorizeQuery({ show_dialog: 'true' })}`)).status).toBe(200);
  });

  it('reads the token request only as a form', async () => {
    const res = await get('/api/token', {
      method: 'POST', headers: { authorization: basic(), 'content-type': 'application/json' }, body: JSON.stringify({ grant_type: 'refresh_token' }),
    });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(await res.json()).toMatchObject({ error: 'unsupported_grant_type' });
  });

  it('serves faults over HTTP as-is, and a hang can be cut short by the client and by close()', async () => {
    emulator.model.reset();
    const { access_token } = emulator.model.issueTokens(OWNER_ID);
    const control = emulatorControl(emulator.url);
    await control.failNext('me', { status: 403, body: 'User not registered in the Developer Dashboard' });
    const plain = await get('/v1/me', { headers: { authorization: `Bearer ${access_token}` } });
    expect(plain.status).toBe(403);
    expect(plain.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(await plain.text()).toBe('User not registered in the Developer Dashboard');

    await control.failNext('me', { status: 200, delayMs: 60_000 });
    const hung = get('/v1/me', { headers: { authorization: `Bearer ${access_token}` }, signal: AbortSignal.timeout(200) });
    await expect(hung).rejects.toThrow();
  });

  it('adds latencyMs to every answer', async () => {
    emulator.model.latencyMs = 150;
    try {
      const started = Date.now();
      expect((await get('/v1/me')).status).toBe(401);
      expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    } finally {
      emulator.model.latencyMs = 0;
    }
  });

  it.each([
    ['a late answer', { status: 200, delayMs: 60_000 }],
    ['a stall', { stall: true }],
  ])('closes promptly while a response hangs (%s)', async (_kind, fault) => {
    const other = await startEmulator();
    other.model.failNext('api', fault);
    const hung = fetch(`${other.url}/v1/me`).then(() => 'answered', () => 'cut');
    await new Promise((resolve) => setTimeout(resolve, 50));
    const started = Date.now();
    await other.close();
    expect(Date.now() - started).toBeLessThan(1000);
    expect(await hung).toBe('cut');
  });

  it('is driven by the control plane', async () => {
    const control = emulatorControl(emulator.url);
    await control.reset();
    const { access_token, refresh_token } = await control.issueTokens(OWNER_ID);
    await control.rateLimit({ retryAfterSeconds: 30 });
    const limited = await get('/v1/me/top/artists', { headers: { authorization: `Bearer ${access_token}` } });
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('30');
    await control.advanceClock(30_000);
    expect((await get('/v1/me', { headers: { authorization: `Bearer ${access_token}` } })).status).toBe(200);

    await control.setRotate(true);
    const refreshed = await get('/api/token', { method: 'POST', headers: { authorization: basic() }, body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token }) });
    expect(await refreshed.json()).toHaveProperty('refresh_token');

    await control.signIn(INTRUDER_ID);
    await control.registerRedirectUri('https://example.com/cb');
    expect(emulator.model.authorize(authorizeParams({ redirect_uri: 'https://example.com/cb' })).redirectUri).toBe('https://example.com/cb');
    const state = await control.state();
    expect(state).toMatchObject({ signedInUser: INTRUDER_ID, rotateRefreshTokens: true, calls: { me: 1, top: 1, token: { refresh_token: 1 } } });
    expect(state.requests.map((r) => r.status)).toEqual([429, 200, 200]);
    await expect(control.signIn('nobody')).rejects.toThrow(/Unknown user/);
    await control.reset();
  });
});

describe('forwarding through intercept.ts', () => {
  let emulator: RunningEmulator;
  let interceptor: ReturnType<typeof interceptSpotify>;
  beforeAll(async () => {
    emulator = await startEmulator();
    interceptor = interceptSpotify(emulator.url);
  });
  afterAll(async () => {
    interceptor.close();
    await emulator.close();
  });

  function httpsRequest(url: string, options: https.RequestOptions, body?: string) {
    return new Promise<{ status: number; headers: Record<string, unknown>; body: string }>((resolve, reject) => {
      const req = https.request(url, options, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: text }));
      });
      req.on('error', reject);
      req.end(body);
    });
  }

  it('carries node https.request to the token endpoint and the Web API', async () => {
    emulator.model.reset();
    const code = codeFor(emulator.model);
    const tokenRes = await httpsRequest('https://accounts.spotify.com/api/token', {
      method: 'POST',
      headers: { Authorization: basic(), 'Content-Type': 'application/x-www-form-urlencoded' },
    }, new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: DEFAULT_REDIRECT_URI }).toString());
    expect(tokenRes.status).toBe(200);
    expect(tokenRes.headers['content-type']).toBe('application/json; charset=utf-8');
    const { access_token } = JSON.parse(tokenRes.body) as { access_token: string };

    const topRes = await httpsRequest('https://api.spotify.com/v1/me/top/artists?limit=5&time_range=long_term', {
      headers: { Authorization: `Bearer ${access_token}` },
    });
    expect(topRes.status).toBe(200);
    const page = JSON.parse(topRes.body) as { items: { id: string }[]; limit: number };
    expect(page.limit).toBe(5);
    expect(page.items.map((a) => a.id)).toEqual([...emulator.model.users.get(OWNER_ID)!.topArtists].reverse().slice(0, 5).map((a) => a.id));
    expect(emulator.model.calls).toMatchObject({ token: { authorization_code: 1 }, top: 1 });

    const refused = await httpsRequest('https://accounts.spotify.com/api/token', {
      method: 'POST', headers: { Authorization: basic(DEFAULT_CLIENT_ID, 'wrong'), 'Content-Type': 'application/x-www-form-urlencoded' },
    }, 'grant_type=refresh_token&refresh_token=x');
    expect(refused).toMatchObject({ status: 400, body: '{"error":"invalid_client","error_description":"Invalid client secret"}' });
  });

  it('carries fetch, returns redirects unfollowed and 429 headers intact', async () => {
    emulator.model.reset();
    const decision = await fetch('https://accounts.spotify.com/authorize/decision', {
      method: 'POST', redirect: 'manual', body: new URLSearchParams({ ...authorizeParams(), decision: 'cancel' }),
    });
    expect(decision.status).toBe(302);
    expect(decision.headers.get('location')).toBe(`${DEFAULT_REDIRECT_URI}?error=access_denied&state=st`);

    emulator.model.rateLimit({ retryAfterSeconds: 7200 });
    const limited = await fetch('https://api.spotify.com/v1/me', { headers: { authorization: 'Bearer x' } });
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('7200');
    expect(await limited.json()).toEqual({ error: { status: 429, message: 'API rate limit exceeded' } });
  });

  it('keeps each path on its own Spotify host', async () => {
    const wrongHost = await fetch('https://api.spotify.com/api/token', { method: 'POST', body: new URLSearchParams({ grant_type: 'refresh_token' }) });
    expect(wrongHost.status).toBe(404);
    expect((await fetch('https://accounts.spotify.com/v1/me')).status).toBe(404);
    expect((await fetch('https://api.spotify.com/__emulator/state')).status).toBe(404);
  });

  it('blocks every other host but lets loopback through', async () => {
    // 127.0.0.2 is reachable here but is not one of the loopback names msw lets through,
    // so it stands in for the internet (which this machine cannot reach anyway).
    const outside = createServer((_req, res) => res.end('reached'));
    await new Promise<void>((resolve) => outside.listen(0, '127.0.0.2', resolve));
    const { port } = outside.address() as AddressInfo;
    try {
      await expect(fetch(`http://127.0.0.2:${port}/`)).rejects.toThrow();
      await expect(new Promise((resolve, reject) => http.get(`http://127.0.0.2:${port}/`, resolve).on('error', reject))).rejects.toThrow();
      await expect(fetch('https://example.com/')).rejects.toThrow();
      await expect(httpsRequest('https://example.com/', {})).rejects.toThrow();
      expect((await fetch(`${emulator.url}/__emulator/state`)).status).toBe(200);
    } finally {
      outside.close();
    }
  });
});

describe('forwarding fidelity', () => {
  const seen: { method?: string; url?: string; headers: Record<string, unknown>; body: string }[] = [];
  let target: Server;
  let interceptor: ReturnType<typeof interceptSpotify>;
  beforeAll(async () => {
    // Answers gzip whatever the client asked, to check the forwarder hands back a plain body.
    target = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        seen.push({ method: req.method, url: req.url, headers: req.headers, body });
        res.writeHead(201, { 'content-type': 'application/json', 'content-encoding': 'gzip', 'x-answer': 'yes' });
        res.end(gzipSync('{"ok":true}'));
      });
    });
    await new Promise<void>((resolve) => target.listen(0, '127.0.0.1', resolve));
    interceptor = interceptSpotify(`http://127.0.0.1:${(target.address() as AddressInfo).port}`);
  });
  afterAll(() => {
    interceptor.close();
    target.close();
  });

  it('forwards method, path, query, headers and body, and returns a decoded body', async () => {
    const res = await new Promise<{ status: number; headers: Record<string, unknown>; body: string }>((resolve, reject) => {
      const req = https.request('https://accounts.spotify.com/api/token?x=1&y=two', {
        method: 'POST',
        headers: { Authorization: basic(), 'Content-Type': 'application/x-www-form-urlencoded', 'X-Custom': 'abc', 'Accept-Encoding': 'gzip, deflate' },
      }, (response) => {
        let text = '';
        response.on('data', (chunk: Buffer) => (text += chunk.toString()));
        response.on('end', () => resolve({ status: response.statusCode!, headers: response.headers, body: text }));
      });
      req.on('error', reject);
      req.end('grant_type=refresh_token&refresh_token=abc%2F%3D');
    });
    expect(res.status).toBe(201);
    expect(res.body).toBe('{"ok":true}');
    expect(res.headers['x-answer']).toBe('yes');
    expect(res.headers['content-encoding']).toBeUndefined();

    const got = seen.at(-1)!;
    expect(got).toMatchObject({ method: 'POST', url: '/api/token?x=1&y=two', body: 'grant_type=refresh_token&refresh_token=abc%2F%3D' });
    expect(got.headers).toMatchObject({
      authorization: basic(), 'content-type': 'application/x-www-form-urlencoded', 'x-custom': 'abc',
      'x-emulator-forwarded-host': 'accounts.spotify.com',
    });
    expect(String(got.headers.accept ?? '')).not.toContain('msw');
  });

  it('keeps a fetch’s Authorization header when the body sets its own content type', async () => {
    await fetch('https://accounts.spotify.com/api/token', {
      method: 'POST', headers: { authorization: basic() }, body: new URLSearchParams({ grant_type: 'refresh_token' }),
    });
    expect(seen.at(-1)!.headers).toMatchObject({
      authorization: basic(), 'content-type': 'application/x-www-form-urlencoded;charset=UTF-8',
    });
  });
});
