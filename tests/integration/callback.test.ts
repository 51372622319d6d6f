/** /login and /callback through the real handlers, dynalite and the Spotify emulator. */
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it, vi } from 'vitest';
import { deletePendingLogins } from '../../lib/owner/login-state';
import { documentClient } from '../../lib/platform/dynamo';
import { callback, cookiePair, highlights, highlightsInAnotherContainer, login, useService } from '../support/service';
import { INTRUDER_ID, OWNER_ID, UNREGISTERED_ID } from '../support/spotify-emulator';

const service = useService();

describe('GET /login', () => {
  it('redirects to Spotify with the code flow, the registered redirect URI, the three read scopes and a state', async () => {
    const response = await login();
    expect(response.statusCode).toBe(302);
    const location = new URL(response.headers.Location ?? '');
    expect(location.origin + location.pathname).toBe('https://accounts.spotify.com/authorize');
    expect(location.searchParams.get('response_type')).toBe('code');
    expect(location.searchParams.get('client_id')).toBe('test-client-id');
    expect(location.searchParams.get('redirect_uri')).toBe('http://127.0.0.1:3000/callback');
    expect(location.searchParams.get('scope')?.split(' ')).toEqual(['user-top-read', 'user-read-currently-playing', 'user-read-recently-played']);
    // Its expiry, a random nonce, and their signature.
    expect(location.searchParams.get('state')).toMatch(/^\d{13}\.[A-Za-z0-9_-]{32}\.[A-Za-z0-9_-]{43}$/);
    // Spotify (emulated) accepts the request as built.
    expect(() => service.model.authorize(location.searchParams)).not.toThrow();
  });

  it('binds the state to this browser with a short-lived HttpOnly, SameSite=Lax cookie', async () => {
    const response = await login();
    const state = new URL(response.headers.Location ?? '').searchParams.get('state');
    const [cookie] = response.cookies ?? [];
    expect(cookiePair(cookie ?? '')).toBe(`spotify_highlights_state=${state}`);
    expect(cookie).toContain('HttpOnly');
    expect(cookie).toContain('SameSite=Lax');
    expect(cookie).toContain('Path=/callback');
    expect(cookie).toContain('Max-Age=600');
    expect(cookie).not.toContain('Secure');
    expect(response.headers['Cache-Control']).toBe('no-store');
  });

  it('marks the cookie Secure when served over https', async () => {
    process.env.SPOTIFY_REDIRECT_URI = 'https://example.test/callback';
    // Served on that host, as a browser reaches it (on another, /login first moves the browser there).
    const response = await login({ domainName: 'example.test' });
    expect(response.cookies?.[0]).toContain('Secure');
  });

  it('uses the API\'s own https /callback when no redirect URI is configured (deployed)', async () => {
    process.env.SPOTIFY_REDIRECT_URI = '';
    const response = await login({ domainName: 'abc123.execute-api.eu-west-1.amazonaws.com' });
    expect(new URL(response.headers.Location ?? '').searchParams.get('redirect_uri')).toBe(
      'https://abc123.execute-api.eu-west-1.amazonaws.com/callback',
    );
  });

  it('gives every login its own state', async () => {
    const states = new Set<string>();
    for (let i = 0; i < 5; i++) states.add((await service.startLogin()).params.get('state') ?? '');
    expect(states.size).toBe(5);
  });

  it('answers a missing client id with a page naming the variable', async () => {
    delete process.env.SPOTIFY_CLIENT_ID;
    const response = await login();
    expect(response.statusCode).toBe(500);
    expect(response.headers['Content-Type']).toContain('text/html');
    expect(response.body).toContain('SPOTIFY_CLIENT_ID is not set');
    expect(response.body).not.toMatch(/at .*\.ts:\d+/);
  });
});

describe('GET /login on another host than the redirect URI\'s', () => {
  const storedKeys = async () => {
    const { Items = [] } = await documentClient().send(new ScanCommand({ TableName: process.env.TABLE_NAME, ConsistentRead: true }));
    return Items.map((item) => String(item.pk));
  };

  it('moves a browser that came by localhost to 127.0.0.1 first, with no cookie and nothing stored, so the state\'s cookie lands where Spotify returns', async () => {
    const response = await login({ headers: { host: 'localhost:3000' } });
    expect(response.statusCode).toBe(302);
    expect(response.headers.Location).toBe('http://127.0.0.1:3000/login?moved=1');
    expect(response.headers['Cache-Control']).toBe('no-store');
    expect(response.cookies).toBeUndefined();
    expect(await storedKeys()).toEqual([]);
  });

  it('compares the host with its port, and without regard to case', async () => {
    expect((await login({ headers: { host: '127.0.0.1:3001' } })).headers.Location).toBe('http://127.0.0.1:3000/login?moved=1');
    process.env.SPOTIFY_REDIRECT_URI = 'https://Music.Example/site/callback';
    expect((await login({ headers: { host: 'MUSIC.example' } })).headers.Location).toMatch(/^https:\/\/accounts\.spotify\.com\/authorize\?/);
    // The redirect URI's own path: /login beside its /callback.
    expect((await login({ headers: { host: 'abc123.execute-api.eu-west-1.amazonaws.com' } })).headers.Location).toBe('https://music.example/site/login?moved=1');
  });

  it('lets the moved request go ahead even when its Host still differs (a proxy rewriting it), so it never loops', async () => {
    const response = await login({ headers: { host: 'origin.internal' }, query: { moved: '1' } });
    const location = new URL(response.headers.Location ?? '');
    expect(location.origin + location.pathname).toBe('https://accounts.spotify.com/authorize');
    expect(location.searchParams.get('redirect_uri')).toBe('http://127.0.0.1:3000/callback');
    expect(response.cookies).toHaveLength(1);
  });

  it('never moves when deployed without SPOTIFY_REDIRECT_URI: the redirect URI is then on the request\'s own domain', async () => {
    process.env.SPOTIFY_REDIRECT_URI = '';
    const response = await login({ domainName: 'abc123.execute-api.eu-west-1.amazonaws.com', headers: { host: 'other.example' } });
    expect(new URL(response.headers.Location ?? '').searchParams.get('redirect_uri')).toBe('https://abc123.execute-api.eu-west-1.amazonaws.com/callback');
  });
});

describe('GET /callback', () => {
  it('stores the owner\'s tokens and profile, and shows the curl command', async () => {
    const before = Date.now();
    const response = await service.connect();
    expect(response.statusCode).toBe(200);
    expect(response.headers['Content-Type']).toContain('text/html');
    expect(response.body).toContain('Spotify is connected');
    expect(response.body).toContain('curl http://127.0.0.1:3000/highlights');
    expect(response.body).toContain(`Your Spotify user id is <strong>${OWNER_ID}</strong>`);
    expect(response.body).toContain(`<pre>OWNER_SPOTIFY_ID=${OWNER_ID}</pre>`);
    expect(response.cookies?.[0]).toMatch(/^spotify_highlights_state=;.*Max-Age=0/);

    const owner = await service.owner();
    expect(owner).toMatchObject({ spotifyUserId: OWNER_ID, displayName: 'Site Owner', scopes: ['user-top-read', 'user-read-currently-playing', 'user-read-recently-played'], version: 1 });
    expect(owner?.refreshToken).toEqual(expect.any(String));
    expect(owner?.accessToken).toEqual(expect.any(String));
    expect(owner?.accessTokenExpiresAt).toBeGreaterThanOrEqual(before + 3600_000);
    expect(Date.parse(owner?.authorizedAt ?? '')).toBeGreaterThanOrEqual(before - 1);
    expect(service.model.calls.token.authorization_code).toBe(1);
    expect(service.model.calls.me).toBe(1);
    for (const secret of [owner?.refreshToken, owner?.accessToken, 'test-client-secret']) {
      expect(response.body).not.toContain(secret);
    }
  });

  async function refusedWithoutExchange(query: Record<string, string>, cookies?: string[]) {
    const response = await callback({ query, ...(cookies ? { cookies } : {}) });
    expect(response.statusCode).toBe(400);
    expect(response.headers['Content-Type']).toContain('text/html');
    expect(response.body).toContain('This sign-in link is no longer valid');
    expect(response.body).toContain('href="login"');
    expect(service.model.calls.token.authorization_code).toBe(0);
    expect(await service.owner()).toBeUndefined();
  }

  it('refuses a callback without a state', async () => {
    const { cookie } = await service.startLogin();
    await refusedWithoutExchange({ code: 'abc' }, [cookie]);
  });

  it('refuses a callback without the state cookie (another browser)', async () => {
    const { params } = await service.startLogin();
    await refusedWithoutExchange({ code: 'abc', state: params.get('state') ?? '' });
  });

  it('refuses a state that does not match this browser\'s cookie', async () => {
    const first = await service.startLogin();
    const second = await service.startLogin();
    await refusedWithoutExchange({ code: 'abc', state: first.params.get('state') ?? '' }, [second.cookie]);
  });

  it('refuses a forged state even when the cookie matches it', async () => {
    const forged = 'A'.repeat(43);
    await refusedWithoutExchange({ code: 'abc', state: forged }, [`spotify_highlights_state=${forged}`]);
  });

  it('refuses an expired state: ten minutes and a second later', async () => {
    const { params, cookie } = await service.startLogin();
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + 601_000 });
    try {
      await refusedWithoutExchange({ code: 'abc', state: params.get('state') ?? '' }, [cookie]);
    } finally {
      vi.useRealTimers();
    }
  });

  it('refuses a state whose expiry was changed: it is signed', async () => {
    const { params } = await service.startLogin();
    const [expiry, nonce, signature] = (params.get('state') ?? '').split('.');
    const stretched = `${Number(expiry) + 86_400_000}.${nonce}.${signature}`;
    await refusedWithoutExchange({ code: 'abc', state: stretched }, [`spotify_highlights_state=${stretched}`]);
  });

  it('stores nothing for a login that is only started: anonymous /login calls pile nothing up', async () => {
    for (let i = 0; i < 20; i++) expect((await login()).statusCode).toBe(302);
    const { Items = [] } = await documentClient().send(new ScanCommand({ TableName: process.env.TABLE_NAME, ConsistentRead: true }));
    expect(Items.map((item) => item.pk)).toEqual(['login-key']);
  });

  it('refuses a login started before a disconnect: the key that signed it is gone', async () => {
    const { params, cookie } = await service.startLogin();
    await deletePendingLogins();
    await refusedWithoutExchange({ code: 'abc', state: params.get('state') ?? '' }, [cookie]);
  });

  it('refuses a state that was already used, and keeps what the first use stored', async () => {
    const { params, cookie } = await service.startLogin();
    const code = service.model.approve(service.model.authorize(params), OWNER_ID);
    const query = { code, state: params.get('state') ?? '' };
    expect((await callback({ query, cookies: [cookie] })).statusCode).toBe(200);
    const stored = await service.owner();

    const replay = await callback({ query, cookies: [cookie] });
    expect(replay.statusCode).toBe(400);
    expect(replay.body).toContain('This sign-in link is no longer valid');
    expect(service.model.calls.token.authorization_code).toBe(1);
    expect(await service.owner()).toEqual(stored);
  });

  it('shows a friendly page when the owner cancels, and stores nothing', async () => {
    const { params, cookie } = await service.startLogin();
    const response = await callback({
      query: { error: 'access_denied', state: params.get('state') ?? '' },
      cookies: [cookie],
    });
    expect(response.statusCode).toBe(400);
    expect(response.body).toContain('Spotify is not connected');
    expect(response.body).toContain('You chose not to connect Spotify');
    expect(await service.owner()).toBeUndefined();
  });

  it('escapes whatever Spotify\'s error parameter says', async () => {
    const { params, cookie } = await service.startLogin();
    const response = await callback({
      query: { error: '<script>alert(1)</script>', error_description: '<img src=x onerror=alert(1)>', state: params.get('state') ?? '' },
      cookies: [cookie],
    });
    expect(response.statusCode).toBe(400);
    expect(response.body).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(response.body).not.toContain('<script>');
    expect(response.body).not.toContain('<img');
  });

  it('refuses a code Spotify no longer accepts, storing nothing', async () => {
    const { params, cookie } = await service.startLogin();
    const code = service.model.approve(service.model.authorize(params), OWNER_ID);
    // The code is spent elsewhere first (e.g. a double submit).
    service.model.token({
      authorizationHeader: `Basic ${Buffer.from('test-client-id:test-client-secret').toString('base64')}`,
      form: { grant_type: 'authorization_code', code, redirect_uri: 'http://127.0.0.1:3000/callback' },
    });
    const response = await callback({ query: { code, state: params.get('state') ?? '' }, cookies: [cookie] });
    expect(response.statusCode).toBe(400);
    expect(response.body).toContain('Spotify could not connect');
    expect(await service.owner()).toBeUndefined();
  });

  it('refuses a callback with no code', async () => {
    const { params, cookie } = await service.startLogin();
    const response = await callback({ query: { state: params.get('state') ?? '' }, cookies: [cookie] });
    expect(response.statusCode).toBe(400);
    expect(await service.owner()).toBeUndefined();
  });

  it('refuses oversized parameters with a 400, not a 500', async () => {
    const { params, cookie } = await service.startLogin();
    const response = await callback({ query: { code: 'x'.repeat(5000), state: params.get('state') ?? '' }, cookies: [cookie] });
    expect(response.statusCode).toBe(400);
  });
});

describe('owner lock', () => {
  it('makes the first account the owner and refuses any other, leaving the owner\'s tokens untouched', async () => {
    expect((await service.connect(OWNER_ID)).statusCode).toBe(200);
    const stored = await service.owner();

    const intruder = await service.connect(INTRUDER_ID);
    expect(intruder.statusCode).toBe(403);
    expect(intruder.body).toContain('This site belongs to another Spotify account');
    expect(await service.owner()).toEqual(stored);
  });

  it('lets the owner authorize again, replacing the tokens', async () => {
    await service.connect(OWNER_ID);
    const first = await service.owner();
    expect((await service.connect(OWNER_ID)).statusCode).toBe(200);
    const second = await service.owner();
    expect(second?.spotifyUserId).toBe(OWNER_ID);
    expect(second?.refreshToken).not.toBe(first?.refreshToken);
    expect(second?.accessToken).not.toBe(first?.accessToken);
    expect(second?.version).toBe((first?.version ?? 0) + 1);
  });
});

describe('an account the Spotify app does not allow', () => {
  it('gets a clear 403 page about User Management, and nothing is stored', async () => {
    const response = await service.connect(UNREGISTERED_ID);
    expect(response.statusCode).toBe(403);
    expect(response.headers['Content-Type']).toBe('text/html; charset=utf-8');
    expect(response.body).toContain('This Spotify account cannot use this site’s app');
    expect(response.body).toContain('User Management');
    expect(response.body).not.toContain('Something went wrong');
    expect(await service.owner()).toBeUndefined();
  });
});

describe('owner lock with OWNER_SPOTIFY_ID', () => {
  it('refuses any other account even before anyone is bound', async () => {
    process.env.OWNER_SPOTIFY_ID = OWNER_ID;
    const response = await service.connect(INTRUDER_ID);
    expect(response.statusCode).toBe(403);
    expect(await service.owner()).toBeUndefined();
  });

  it('forgets the previous owner\'s results when the site changes hands', async () => {
    process.env.HIGHLIGHTS_CACHE_SECONDS = '300';
    await service.connect(INTRUDER_ID);
    const before = JSON.parse((await highlights()).body);
    process.env.OWNER_SPOTIFY_ID = OWNER_ID;
    expect((await service.connect(OWNER_ID)).statusCode).toBe(200);

    const expected = service.model.topFor(OWNER_ID, 'artists', 'short_term').slice(0, 5).map((artist) => artist.id);
    const here = JSON.parse((await highlights()).body);
    const elsewhere = JSON.parse((await (await highlightsInAnotherContainer())()).body);
    for (const body of [here, elsewhere]) {
      expect(body.artists.map((artist: { id: string }) => artist.id)).toEqual(expected);
      expect(body.artists).not.toEqual(before.artists);
    }
  });

  it('lets the configured owner bind, even over an account bound before the setting', async () => {
    await service.connect(INTRUDER_ID);
    process.env.OWNER_SPOTIFY_ID = OWNER_ID;
    expect((await service.connect(OWNER_ID)).statusCode).toBe(200);
    expect((await service.owner())?.spotifyUserId).toBe(OWNER_ID);
  });
});
