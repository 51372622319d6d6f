/**
 * The owner's console and settings (issue 12, points 3–6): GET /owner, GET and PUT
 * /owner/settings with every refusal leaving the stored settings byte for byte as they were, the
 * settings applied by every container within OWNER_RECHECK_SECONDS, and POST /owner/disconnect
 * deleting everything it names.
 */
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { documentClient } from '../../lib/platform/dynamo';
import type { EventInput } from '../support/events';
import { anotherContainer, highlights, login, ownerDisconnect, ownerPage, ownerSettings, sessionCookieOf, useService, type Result } from '../support/service';
import { OWNER_ID } from '../support/spotify-emulator';

const service = useService();
const ORIGIN = 'http://127.0.0.1:3000';

const travel = (ms: number) => vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + ms });
afterEach(() => vi.useRealTimers());

const body = (response: Result) => JSON.parse(response.body);

const SETTINGS = {
  hiddenArtists: [] as string[],
  hiddenTracks: [] as string[],
  hideExplicit: false,
  cleanTitles: true,
  defaults: { timeRange: 'long_term', limit: 3, theme: 'dark' },
};

async function connectedSession(): Promise<string> {
  const cookie = sessionCookieOf(await service.connect());
  if (!cookie) throw new Error('the owner got no session');
  return cookie;
}

function put(cookie: string | undefined, payload: unknown, input: EventInput = {}): Promise<Result> {
  return ownerSettings({
    method: 'PUT',
    ...(cookie ? { cookies: [cookie] } : {}),
    body: typeof payload === 'string' ? payload : JSON.stringify(payload),
    ...input,
    headers: { 'content-type': 'application/json', origin: ORIGIN, ...input.headers },
  });
}

async function tableItems(): Promise<Record<string, unknown>[]> {
  const { Items } = await documentClient().send(new ScanCommand({ TableName: process.env.TABLE_NAME, ConsistentRead: true }));
  return Items ?? [];
}

describe('GET /owner', () => {
  it('sends a browser without the owner\'s session to /login', async () => {
    await service.connect();
    for (const input of [{}, { cookies: ['owner-session=forged.value'] }]) {
      const response = await ownerPage(input);
      expect(response.statusCode).toBe(302);
      expect(response.headers.Location).toBe('http://127.0.0.1:3000/login');
    }
  });

  it('shows the owner their standing in words, the settings form and its script by hash', async () => {
    const cookie = await connectedSession();
    const response = await ownerPage({ cookies: [cookie] });
    expect(response.statusCode).toBe(200);
    const page = response.body;
    expect(page).toContain('Connected as <strong>Site Owner</strong>');
    expect(page).toMatch(/Spotify ends this authorization on \d{4}-\d\d-\d\d \d\d:\d\d UTC, in 18\d days/);
    expect(page).toContain('The access token has not needed a refresh yet.');
    expect(page).toContain('Everything the endpoints need is allowed.');
    expect(page).toContain('Spotify has not asked the service to slow down.');
    expect(page).toContain('<form id="settings"');
    expect(page).toContain('action="../owner/disconnect"');
    const csp = response.headers['Content-Security-Policy'] ?? '';
    expect(csp).toMatch(/script-src 'sha256-[A-Za-z0-9+/=]+'/);
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).toContain("form-action 'self'");
    // The owner's top artists, to pick one to hide.
    const top = service.model.topFor(OWNER_ID, 'artists', 'short_term')[0]!;
    expect(page).toContain(`value="${top.id}"`);
    const owner = await service.owner();
    for (const secret of [owner!.accessToken, owner!.refreshToken]) expect(page).not.toContain(secret);
  });

  it('warns from 14 days before the six-month end, and shows missing scopes with a reconnect button and a rate limit', async () => {
    const cookie = await connectedSession();
    const authorizedAt = new Date(Date.now() - 175 * 86_400_000).toISOString();
    await service.updateOwner({ authorizedAt, scopes: ['user-top-read'], notBefore: Date.now() + 60_000, lastRefreshAt: new Date().toISOString(), lastRefreshOutcome: 'ok' });
    const page = (await ownerPage({ cookies: [cookie] })).body;
    expect(page).toMatch(/<strong>\d+ days left<\/strong>: Spotify ends this authorization on/);
    expect(page).toContain('<main class="warn">');
    expect(page).toMatch(/does not allow this site to read <code>user-read-currently-playing, user-read-recently-played<\/code>/);
    expect(page).toContain('<a class="button" href="../login">Reconnect to allow it</a>');
    expect(page).toMatch(/Spotify asked the service to slow down until/);
    expect(page).toMatch(/last refreshed at .*: ok\./);
  });
});

describe('GET and PUT /owner/settings', () => {
  it('answers 401 JSON without a session', async () => {
    await service.connect();
    for (const response of [await ownerSettings(), await put(undefined, SETTINGS)]) {
      expect(response.statusCode).toBe(401);
      expect(body(response)).toEqual({ error: 'no_session', message: expect.stringMatching(/owner/) });
    }
  });

  it('answers the defaults, then what was saved, with a new version each time', async () => {
    const cookie = await connectedSession();
    expect(body(await ownerSettings({ cookies: [cookie] }))).toEqual({
      hiddenArtists: [],
      hiddenTracks: [],
      hideExplicit: false,
      cleanTitles: false,
      defaults: { timeRange: 'short_term', limit: 5, theme: 'light' },
    });
    const saved = await put(cookie, SETTINGS);
    expect(saved.statusCode).toBe(200);
    expect(body(saved)).toEqual(SETTINGS);
    expect(body(await ownerSettings({ cookies: [cookie] }))).toEqual(SETTINGS);
    expect((await service.owner())?.settingsVersion).toBe(1);
    await put(cookie, { ...SETTINGS, hideExplicit: true });
    expect((await service.owner())?.settingsVersion).toBe(2);
  });

  describe('refuses, and the stored settings stay byte for byte as they were', () => {
    const big = { ...SETTINGS, hiddenTracks: Array.from({ length: 150 }, (_, i) => `t${String(i).padStart(120, '0')}`.slice(0, 60)) };
    const cases: [string, (cookie: string) => Promise<Result>, number, string][] = [
      ['no session', () => put(undefined, SETTINGS), 401, 'no_session'],
      ['text/plain', (cookie) => put(cookie, SETTINGS, { headers: { 'content-type': 'text/plain' } }), 415, 'unsupported_media_type'],
      ['a form', (cookie) => put(cookie, 'hideExplicit=true', { headers: { 'content-type': 'application/x-www-form-urlencoded' } }), 415, 'unsupported_media_type'],
      ['no content type', (cookie) => put(cookie, SETTINGS, { headers: { 'content-type': '' } }), 415, 'unsupported_media_type'],
      ['a body over 16 kB', (cookie) => put(cookie, { ...big, pad: 'x'.repeat(17_000) }), 413, 'payload_too_large'],
      ['malformed JSON', (cookie) => put(cookie, '{"hiddenArtists": [', {}), 400, 'invalid_json'],
      ['an empty body', (cookie) => put(cookie, '', {}), 400, 'invalid_json'],
      ['another Origin', (cookie) => put(cookie, SETTINGS, { headers: { origin: 'https://evil.example' } }), 403, 'cross_site'],
      ['a look-alike Origin', (cookie) => put(cookie, SETTINGS, { headers: { origin: 'http://127.0.0.1:3000.evil.example' } }), 403, 'cross_site'],
      ['Sec-Fetch-Site: cross-site', (cookie) => put(cookie, SETTINGS, { headers: { 'sec-fetch-site': 'cross-site' } }), 403, 'cross_site'],
      ['Sec-Fetch-Site: same-site (a sibling host)', (cookie) => put(cookie, SETTINGS, { headers: { 'sec-fetch-site': 'same-site' } }), 403, 'cross_site'],
      ['Origin: null without Sec-Fetch-Site', (cookie) => put(cookie, SETTINGS, { headers: { origin: 'null' } }), 403, 'cross_site'],
      ['the own Origin but Sec-Fetch-Site: cross-site', (cookie) => put(cookie, SETTINGS, { headers: { 'sec-fetch-site': 'cross-site' } }), 403, 'cross_site'],
      ['POST', (cookie) => put(cookie, SETTINGS, { method: 'POST' }), 405, 'method_not_allowed'],
    ];
    for (const [what, send, status, code] of cases) {
      it(`${what}: ${status} ${code}`, async () => {
        const cookie = await connectedSession();
        await put(cookie, SETTINGS);
        const before = JSON.stringify(await service.owner());
        const response = await send(cookie);
        expect(response.statusCode).toBe(status);
        expect(body(response)).toMatchObject({ error: code });
        expect(JSON.stringify(await service.owner())).toBe(before);
      });
    }

    const invalid: [string, unknown, RegExp][] = [
      ['a list', [], /settings must be a JSON object/],
      ['a missing field', { ...SETTINGS, hideExplicit: undefined }, /hideExplicit must be true or false/],
      ['an unknown field', { ...SETTINGS, colour: 'red' }, /no field colour/],
      ['hiddenArtists not a list', { ...SETTINGS, hiddenArtists: 'abc' }, /hiddenArtists must be a list/],
      ['hiddenArtists with a non-id', { ...SETTINGS, hiddenArtists: ['<script>'] }, /hiddenArtists must hold Spotify ids/],
      ['too many hidden tracks', { ...SETTINGS, hiddenTracks: Array.from({ length: 201 }, (_, i) => `t${i}`) }, /hiddenTracks holds at most 200/],
      ['hideExplicit a string', { ...SETTINGS, hideExplicit: 'yes' }, /hideExplicit must be true or false/],
      ['cleanTitles a number', { ...SETTINGS, cleanTitles: 1 }, /cleanTitles must be true or false/],
      ['an unknown time range', { ...SETTINGS, defaults: { ...SETTINGS.defaults, timeRange: 'forever' } }, /defaults.timeRange must be one of/],
      ['limit 0', { ...SETTINGS, defaults: { ...SETTINGS.defaults, limit: 0 } }, /defaults.limit must be a whole number from 1 to 10/],
      ['limit 2.5', { ...SETTINGS, defaults: { ...SETTINGS.defaults, limit: 2.5 } }, /defaults.limit/],
      ['an unknown theme', { ...SETTINGS, defaults: { ...SETTINGS.defaults, theme: 'neon' } }, /defaults.theme must be one of light, dark, spotify/],
      ['an unknown default', { ...SETTINGS, defaults: { ...SETTINGS.defaults, width: 300 } }, /defaults has no field width/],
    ];
    for (const [what, payload, message] of invalid) {
      it(`a schema violation, ${what}: 400 invalid_settings naming the field`, async () => {
        const cookie = await connectedSession();
        await put(cookie, SETTINGS);
        const before = JSON.stringify(await service.owner());
        const response = await put(cookie, payload);
        expect(response.statusCode).toBe(400);
        expect(body(response)).toEqual({ error: 'invalid_settings', message: expect.stringMatching(message) });
        expect(JSON.stringify(await service.owner())).toBe(before);
      });
    }
  });

  it('takes effect in another, warm container within OWNER_RECHECK_SECONDS', async () => {
    const cookie = await connectedSession();
    const other = await anotherContainer();
    const first = body(await other.highlights());
    const hidden = first.artists[0].id;
    travel(1_000);
    await put(cookie, { ...SETTINGS, hiddenArtists: [hidden], defaults: { ...SETTINGS.defaults, limit: 5, timeRange: 'short_term' } });
    travel(5_001);
    const after = body(await other.highlights());
    expect(after.artists.map((artist: { id: string }) => artist.id)).not.toContain(hidden);
    expect(after.artists).toHaveLength(5);
  });
});

describe('POST /owner/disconnect', () => {
  const disconnect = (cookie: string | undefined, input: EventInput = {}) =>
    ownerDisconnect({
      method: 'POST',
      ...(cookie ? { cookies: [cookie] } : {}),
      body: 'confirm=yes',
      ...input,
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: ORIGIN, ...input.headers },
    });

  it('deletes the tokens, the cached results, pending logins and sessions, and links Spotify\'s apps page', async () => {
    const cookie = await connectedSession();
    await put(cookie, SETTINGS);
    expect((await highlights()).statusCode).toBe(200);
    await service.startLogin();
    const kinds = (items: Record<string, unknown>[]) => new Set(items.map((item) => String(item.pk).split('#')[0]));
    expect(kinds(await tableItems())).toEqual(new Set(['owner', 'result', 'login-key', 'used-state', 'session-key', 'budget']));

    const response = await disconnect(cookie);
    expect(response.statusCode).toBe(200);
    expect(response.body).toContain('href="https://www.spotify.com/account/apps/"');
    expect(response.cookies).toEqual([expect.stringMatching(/^owner-session=; Max-Age=0; Path=\/; HttpOnly; SameSite=Strict$/)]);
    // Only the count of the day's Spotify calls stays: the app's, not the owner's (lib/spotify/budget.ts).
    expect((await tableItems()).map((item) => item.pk)).toEqual(['budget']);

    const next = await highlights();
    expect(next.statusCode).toBe(503);
    expect(body(next)).toMatchObject({ error: 'not_authorized' });
    expect((await ownerSettings({ cookies: [cookie] })).statusCode).toBe(401);
  });

  it('makes the next /login show Spotify\'s consent page (show_dialog), so a visit to /owner cannot silently connect again', async () => {
    const cookie = await connectedSession();
    const showsDialog = async () => new URL((await login()).headers.Location ?? '').searchParams.get('show_dialog');
    expect(await showsDialog()).toBeNull();
    await disconnect(cookie);
    expect(await showsDialog()).toBe('true');
    // Spotify remembers the grant, yet asks again: nothing connects without the owner pressing Accept.
    const { params } = await service.startLogin();
    expect(service.model.hasGrant(service.model.authorize(params), OWNER_ID)).toBe(true);
    expect(params.get('show_dialog')).toBe('true');
  });

  it("accepts the form as Chromium posts it from a page with Referrer-Policy: no-referrer (Origin: null, Sec-Fetch-Site: same-origin)", async () => {
    const cookie = await connectedSession();
    const response = await disconnect(cookie, { headers: { origin: 'null', 'sec-fetch-site': 'same-origin' } });
    expect(response.statusCode).toBe(200);
    // Only the count of the day's Spotify calls stays: the app's, not the owner's (lib/spotify/budget.ts).
    expect((await tableItems()).map((item) => item.pk)).toEqual(['budget']);
  });

  it('is seen by a warm container within OWNER_RECHECK_SECONDS', async () => {
    const cookie = await connectedSession();
    const other = await anotherContainer();
    expect((await other.highlights()).statusCode).toBe(200);
    await disconnect(cookie);
    travel(5_001);
    expect(body(await other.highlights())).toMatchObject({ error: 'not_authorized' });
  });

  const refusals: [string, (cookie: string) => Promise<Result>, number][] = [
    ['no session', () => disconnect(undefined), 401],
    ['another Origin', (cookie) => disconnect(cookie, { headers: { origin: 'https://evil.example' } }), 403],
    ['text/plain', (cookie) => disconnect(cookie, { headers: { 'content-type': 'text/plain' } }), 415],
    ['a body over 16 kB', (cookie) => disconnect(cookie, { body: `confirm=${'x'.repeat(17_000)}` }), 413],
    ['GET', (cookie) => disconnect(cookie, { method: 'GET' }), 405],
  ];
  for (const [what, send, status] of refusals) {
    it(`refuses ${what} (${status}, a short page) and deletes nothing`, async () => {
      const cookie = await connectedSession();
      const before = await tableItems();
      const response = await send(cookie);
      expect(response.statusCode).toBe(status);
      expect(response.headers['Content-Type']).toBe('text/html; charset=utf-8');
      expect(response.body).not.toMatch(/at .*\.ts:\d+/);
      expect(await tableItems()).toEqual(before);
    });
  }
});

describe('before the Spotify app is set up (no SPOTIFY_CLIENT_ID)', () => {
  it('/owner still sends a browser to /login, and the settings answer 401, never a 500', async () => {
    delete process.env.SPOTIFY_CLIENT_ID;
    const page = await ownerPage();
    expect(page.statusCode).toBe(302);
    expect(page.headers.Location).toBe('http://127.0.0.1:3000/login');
    expect((await ownerSettings()).statusCode).toBe(401);
    expect((await put(undefined, SETTINGS)).statusCode).toBe(401);
  });
});
