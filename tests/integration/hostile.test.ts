/**
 * Hostile input against the real handlers, each attack a test. The owner is bound first through
 * the real flow; after every attack the stored owner must be byte-for-byte what it was, and every
 * response must be free of 5xx, stack traces, secrets and redirects other than Spotify's.
 * State attacks carry a real, unused authorization code for the owner, so only the state check
 * stands between the attack and a token exchange.
 */
import { beforeEach, describe, expect, it, vi } from 'vitest';
import {
  AUTHORIZE_URL,
  encodeComponent,
  header,
  loginOnRedirectHost,
  problemsOf,
  route,
  routes,
  secretFinder,
  send,
  storedOwnerBytes,
  type HostileRequest,
  type QueryPairs,
} from '../support/hostile';
import { baseEnv, useService, type Result } from '../support/service';
import { DEFAULT_CLIENT_ID, INTRUDER_ID, OWNER_ID } from '../support/spotify-emulator';

const service = useService();
const REDIRECT_URI = baseEnv.SPOTIFY_REDIRECT_URI;
const STATE_COOKIE = 'spotify_highlights_state';
const INVALID_STATE_PAGE = 'This sign-in link is no longer valid';
const EVIL = 'evil.example';

/** What the owner's browser sent to /callback when it bound the owner, kept to replay it. */
let ownerCallback: HostileRequest;
let ownerBytes: string | undefined;
let exchangesAfterBinding: number;
let refreshesAfterBinding: number;

beforeEach(async () => {
  const browser = await service.startLogin();
  const code = service.model.approve(service.model.authorize(browser.params), OWNER_ID);
  ownerCallback = { pairs: [['code', code], ['state', browser.params.get('state') ?? '']], cookies: [browser.cookie] };
  expect((await send('/callback', ownerCallback)).statusCode).toBe(200);
  ownerBytes = await storedOwnerBytes();
  expect(ownerBytes).toContain(OWNER_ID);
  exchangesAfterBinding = service.model.calls.token.authorization_code;
  refreshesAfterBinding = service.model.calls.token.refresh_token;
});

/** An attack: a test that also proves the stored owner came through it byte-for-byte unchanged. */
function attack(name: string, run: () => Promise<void>) {
  it(name, async () => {
    await run();
    expect(await storedOwnerBytes(), 'the stored owner is byte-for-byte unchanged').toBe(ownerBytes);
  });
}

const findSecrets = secretFinder(() => service.model.issuedSecrets());

/** The response keeps every rule for hostile input; with `answers`, it is also one of those (see Route.answers). */
function expectSafe(path: string, response: Result, answers?: string[]) {
  const problems = problemsOf(response, {
    format: route(path).format,
    findSecrets,
    redirectUri: REDIRECT_URI,
    ...(route(path).opensSpotify ? { opensSpotify: true } : {}),
    ...(answers ? { answers } : {}),
  });
  expect(problems).toEqual([]);
}

function expectNoTokenCall() {
  expect(service.model.calls.token.authorization_code, 'codes exchanged').toBe(exchangesAfterBinding);
  expect(service.model.calls.token.refresh_token, 'tokens refreshed').toBe(refreshesAfterBinding);
}

/** A browser that started a login: its state, its cookie, and a fresh code Spotify issued to `userId` for it. */
async function browserWithCode(userId = OWNER_ID) {
  const { params, cookie } = await service.startLogin();
  const code = service.model.approve(service.model.authorize(params), userId);
  return { state: params.get('state') ?? '', cookie, code };
}

/** Sends a /callback that must be refused before any code is exchanged: a 400 page. */
async function expectRefusedWithoutExchange(request: HostileRequest): Promise<Result> {
  const response = await send('/callback', request);
  expectSafe('/callback', response, ['400']);
  expectNoTokenCall();
  return response;
}

/** Sends a /callback that the state check must refuse: 400, the invalid-link page, nothing exchanged. */
async function expectStateRefused(request: HostileRequest) {
  expect((await expectRefusedWithoutExchange(request)).body).toContain(INVALID_STATE_PAGE);
}

describe('state attacks', () => {
  attack('a forged state, with a cookie that agrees with it but never issued, is refused', async () => {
    const { code } = await browserWithCode();
    for (const forged of ['A'.repeat(43), 'forged', Buffer.alloc(32, 7).toString('base64url'), ' ', '%00', ',']) {
      await expectStateRefused({ pairs: [['code', code], ['state', forged]], cookies: [`${STATE_COOKIE}=${encodeURIComponent(forged)}`] });
    }
  });

  attack('a replayed state (the owner\'s own successful callback, sent again) is refused', async () => {
    await expectStateRefused(ownerCallback);
  });

  attack('a state spent by a cancelled sign-in is refused with a fresh code', async () => {
    const { state, cookie, code } = await browserWithCode();
    const cancelled = await send('/callback', { pairs: [['error', 'access_denied'], ['state', state]], cookies: [cookie] });
    expectSafe('/callback', cancelled, ['400']);
    await expectStateRefused({ pairs: [['code', code], ['state', state]], cookies: [cookie] });
  });

  attack('an expired state (consent finished just after ten minutes) is refused', async () => {
    const { params, cookie } = await service.startLogin();
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + 600_000 + 1_000 });
    try {
      // The code is issued after the delay, so it is still fresh: only the state's age refuses this.
      const code = service.model.approve(service.model.authorize(params), OWNER_ID);
      await expectStateRefused({ pairs: [['code', code], ['state', params.get('state') ?? '']], cookies: [cookie] });
    } finally {
      vi.useRealTimers();
    }
  });

  attack('a state from another browser\'s login is refused, either way round', async () => {
    const victim = await browserWithCode();
    const attacker = await browserWithCode();
    await expectStateRefused({ pairs: [['code', victim.code], ['state', victim.state]], cookies: [attacker.cookie] });
    await expectStateRefused({ pairs: [['code', attacker.code], ['state', attacker.state]], cookies: [victim.cookie] });
  });

  attack('/callback without a state cookie is refused', async () => {
    const { state, code } = await browserWithCode();
    await expectStateRefused({ pairs: [['code', code], ['state', state]] });
    await expectStateRefused({ pairs: [['code', code], ['state', state]], cookies: [] });
    await expectStateRefused({ pairs: [['code', code], ['state', state]], cookies: [`other_cookie=${state}`] });
  });
});

describe('cookie garbage', () => {
  attack('malformed cookies are refused as a missing state, never a crash', async () => {
    const { state, code } = await browserWithCode();
    const garbage = [
      [''], ['garbage'], ['='], [';;;'], ['=;=;='], [STATE_COOKIE], [`${STATE_COOKIE}=`], [`${STATE_COOKIE}=%`], [`${STATE_COOKIE}=%E0%A4%A`],
      [`${STATE_COOKIE}=%ZZ${state}`], [`${STATE_COOKIE}=${state}x`], [`${STATE_COOKIE} = ${state}x`], [`${STATE_COOKIE}=\u0000`],
      [`${STATE_COOKIE}=${state}\u0000`], [`${STATE_COOKIE}=${state.slice(1)}`], [`${STATE_COOKIE}=a; ${STATE_COOKIE}=${state}`],
      [`${STATE_COOKIE}=<script>alert(1)</script>`], ['\u0000=\u0000'], ['\ud800=\udfff'], [`__proto__=${state}`], [`constructor=${state}`],
    ];
    for (const cookies of garbage) await expectStateRefused({ pairs: [['code', code], ['state', state]], cookies });
    for (const path of ['/login', '/highlights']) {
      for (const cookies of garbage) expectSafe(path, await send(path, { cookies }));
    }
  });

  attack('hundreds of cookies, or many state cookies, are handled without a crash', async () => {
    const { state, code } = await browserWithCode();
    const junk = Array.from({ length: 500 }, (_, i) => `junk${i}=${'x'.repeat(i % 50)}`);
    await expectStateRefused({ pairs: [['code', code], ['state', state]], cookies: junk });
    // A tossed cookie of the same name ahead of the real one: refused, never mixed up.
    await expectStateRefused({
      pairs: [['code', code], ['state', state]],
      cookies: [...Array.from({ length: 50 }, (_, i) => `${STATE_COOKIE}=forged${i}`), `${STATE_COOKIE}=${state}`],
    });
    // The right cookie among 500 others still reaches the owner check (here: an intruder's code, refused).
    const intruder = await browserWithCode(INTRUDER_ID);
    const response = await send('/callback', { pairs: [['code', intruder.code], ['state', intruder.state]], cookies: [...junk, intruder.cookie] });
    expectSafe('/callback', response, ['403']);
    for (const path of ['/login', '/highlights']) expectSafe(path, await send(path, { cookies: junk }));
  });

  attack('a huge cookie is refused, never a crash', async () => {
    const { state, code } = await browserWithCode();
    const huge = 'A'.repeat(100_000);
    await expectStateRefused({ pairs: [['code', code], ['state', state]], cookies: [`${STATE_COOKIE}=${huge}`] });
    await expectRefusedWithoutExchange({ pairs: [['code', code], ['state', huge]], cookies: [`${STATE_COOKIE}=${huge}`] });
    await expectStateRefused({ pairs: [['code', code], ['state', state]], cookies: [`big=${huge}`] });
    for (const path of ['/login', '/highlights']) expectSafe(path, await send(path, { cookies: [`${STATE_COOKIE}=${huge}`, `big=${huge}`] }));
  });
});

describe('repeated and oversized query parameters', () => {
  it('builds events the way HTTP API does: repeats in rawQueryString, values joined with commas', async () => {
    const { hostileEvent } = await import('../support/hostile');
    const event = hostileEvent('/highlights', { pairs: [['limit', '5'], ['limit', '10'], ['x', 'a b']] });
    expect(event.rawQueryString).toBe('limit=5&limit=10&x=a%20b');
    expect(event.queryStringParameters).toEqual({ limit: '5,10', x: 'a b' });
  });

  attack('a repeated state is refused, even when the cookie holds the same repeat', async () => {
    const { state, cookie, code } = await browserWithCode();
    await expectStateRefused({ pairs: [['code', code], ['state', state], ['state', state]], cookies: [cookie] });
    await expectStateRefused({ pairs: [['code', code], ['state', state], ['state', 'x']], cookies: [cookie] });
    await expectStateRefused({ pairs: [['code', code], ['state', state], ['state', state]], cookies: [`${STATE_COOKIE}=${state},${state}`] });
  });

  attack('a repeated code is never exchanged as one of its parts', async () => {
    const { state, cookie, code } = await browserWithCode();
    const response = await send('/callback', { pairs: [['code', code], ['code', code], ['state', state]], cookies: [cookie] });
    expectSafe('/callback', response, ['400']);
    expect(response.body).not.toContain('Spotify is connected');
  });

  attack('a repeated error parameter is shown escaped, and stores nothing', async () => {
    const { state, cookie, code } = await browserWithCode();
    const response = await send('/callback', {
      pairs: [['code', code], ['error', 'access_denied'], ['error', '<b>x</b>'], ['state', state]],
      cookies: [cookie],
    });
    expectSafe('/callback', response, ['400']);
    expect(response.body).not.toContain('<b>');
    expectNoTokenCall();
  });

  attack('repeated limit or time_range on /highlights is a 400 naming the parameter', async () => {
    for (const [name, values] of [['limit', ['5', '10']], ['limit', ['5', '5']], ['time_range', ['short_term', 'long_term']]] as const) {
      const response = await send('/highlights', { pairs: values.map((value): [string, string] => [name, value]) });
      expectSafe('/highlights', response, ['400 invalid_parameter']);
      expect(JSON.parse(response.body).message).toMatch(new RegExp(`^${name} `));
    }
    expectSafe('/highlights', await send('/highlights', { pairs: [['limit', '5'], ['x', '1'], ['x', '2']] }), ['200']);
  });

  attack('oversized parameters get a 4xx on /callback and /highlights, and /login ignores them', async () => {
    const { state, cookie, code } = await browserWithCode();
    const sizes = [257, 2049, 65_537, 1_000_001];
    for (const size of sizes) {
      const big = 'a'.repeat(size);
      for (const pairs of [
        [['code', code], ['state', big]],
        [['code', big], ['state', state]],
        [['code', code], ['state', state], ['error', big]],
        [['code', code], ['state', state], ['error_description', big]],
        [['code', code], ['state', state], [big, big]],
      ] as QueryPairs[]) {
        const response = await send('/callback', { pairs, cookies: [cookie] });
        expectSafe('/callback', response);
        expect(response.statusCode).toBeGreaterThanOrEqual(400);
      }
      for (const name of ['limit', 'time_range']) {
        expectSafe('/highlights', await send('/highlights', { pairs: [[name, big]] }), ['400 invalid_parameter']);
      }
      expectSafe('/highlights', await send('/highlights', { pairs: [[big, big]] }), ['200']);
      expectSafe('/login', await send('/login', { pairs: [['state', big], ['redirect_uri', big], [big, big]] }), ['302']);
    }
  });
});

/** A document's markup: its tags, in order. Input that is escaped adds none. */
function tagsOf(body: string): string[] {
  return [...body.matchAll(/<\/?\s*([!a-zA-Z][\w:-]*)/g)].map((match) => (match[1] ?? '').toLowerCase());
}

function unescapeHtml(text: string): string {
  const entities: Record<string, string> = { '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#39;': "'", '&amp;': '&' };
  return text.replace(/&(?:lt|gt|quot|#39|amp);/g, (entity) => entities[entity] ?? entity);
}

const HARMLESS = 'harmless';

const MARKUP = [
  '<script>alert(1)</script>',
  '"><img src=x onerror=alert(1)>',
  "'><svg/onload=alert(1)>",
  '</p><iframe src=javascript:alert(1)></iframe>',
  '<a href="https://evil.example">Reconnect</a>',
  '</title></head><body onload=alert(1)>',
  '<!--',
  '<style>body{display:none}</style>',
];

describe('HTML and script in error and error_description', () => {
  attack('are escaped on the page Spotify\'s error lands on, never raw', async () => {
    const landing = async (error: string, description: string) => {
      const { state, cookie } = await browserWithCode();
      const response = await send('/callback', { pairs: [['error', error], ['error_description', description], ['state', state]], cookies: [cookie] });
      expectSafe('/callback', response, ['400']);
      return response;
    };
    for (const error of [HARMLESS, 'access_denied', 'server_error']) {
      // The same page with harmless text: the payload may change its text, never its markup.
      const markup = tagsOf((await landing(error, HARMLESS)).body);
      for (const payload of MARKUP) {
        const response = await landing(error === HARMLESS ? payload : error, payload);
        expect(tagsOf(response.body)).toEqual(markup);
        expect(response.body).not.toContain(payload);
        // Shown escaped, not dropped: the page's text, unescaped, holds the payload.
        if (error === HARMLESS) expect(unescapeHtml(response.body)).toContain(payload);
      }
    }
    expectNoTokenCall();
  });

  attack('are never echoed raw by any route when the state is wrong', async () => {
    const request = (text: string): HostileRequest => ({
      pairs: ['error', 'error_description', 'state', 'limit', 'time_range', 'type', 'theme'].map((name): [string, string] => [name, text]),
      cookies: [`${STATE_COOKIE}=${encodeURIComponent(text)}`],
    });
    for (const { path } of routes) {
      const markup = tagsOf((await send(path, request(HARMLESS))).body);
      for (const payload of MARKUP) {
        const response = await send(path, request(payload));
        expectSafe(path, response);
        expect(response.body).not.toContain(payload);
        expect(tagsOf(response.body), path).toEqual(markup);
      }
    }
  });
});

const REDIRECT_PARAMS: QueryPairs = [
  ['redirect_uri', `https://${EVIL}/callback`],
  ['next', `//${EVIL}`],
  ['return_to', `https://${EVIL}/`],
  ['redirect', `//${EVIL}/%2f..`],
  ['url', `https:${EVIL}`],
  ['continue', `/\\${EVIL}`],
  ['callback', `javascript:alert(1)`],
  ['client_id', 'attacker-client'],
  ['scope', 'user-read-private playlist-modify-private'],
  ['response_type', 'token'],
  ['show_dialog', 'false'],
  ['state', 'attacker-chosen-state'],
];

describe('open redirects', () => {
  attack('/login redirects only to Spotify\'s authorize page with the configured redirect_uri, whatever it is sent', async () => {
    for (const pairs of [REDIRECT_PARAMS, ...REDIRECT_PARAMS.map((pair) => [pair])]) {
      const spoofed: Record<string, string> = { 'x-forwarded-host': EVIL, 'x-forwarded-proto': 'http', referer: `https://${EVIL}/` };
      // A spoofed Host on the request /login moved itself (see the next attack): it goes ahead, as behind a proxy.
      for (const [headers, extra] of [[{}, []], [spoofed, []], [{ ...spoofed, host: EVIL }, [['moved', '1']]]] as [Record<string, string>, QueryPairs][]) {
        const response = await send('/login', { pairs: [...pairs, ...extra], headers });
        expectSafe('/login', response, ['302']);
        const location = new URL(header(response, 'Location') ?? '');
        expect(location.origin + location.pathname).toBe(AUTHORIZE_URL);
        expect(Object.fromEntries(location.searchParams)).toEqual({
          response_type: 'code',
          client_id: DEFAULT_CLIENT_ID,
          redirect_uri: REDIRECT_URI,
          scope: 'user-top-read user-read-currently-playing user-read-recently-played',
          state: expect.stringMatching(/^\d{13}\.[A-Za-z0-9_-]{32}\.[A-Za-z0-9_-]{43}$/),
        });
        expect(response.cookies?.join('\n')).not.toContain(EVIL);
        expect(response.cookies?.join('\n')).not.toContain('attacker-chosen-state');
      }
    }
  });

  attack('/login with a spoofed Host moves the browser only to the configured redirect URI\'s host, setting no cookie', async () => {
    for (const host of [EVIL, `${EVIL}:443`, `127.0.0.1:3000@${EVIL}`, '127.0.0.1:3000/x', 'localhost:3000', '', '\u0000', 'a'.repeat(10_000)]) {
      for (const pairs of [[], REDIRECT_PARAMS]) {
        const response = await send('/login', { pairs, headers: { host, 'x-forwarded-host': EVIL } });
        expectSafe('/login', response, ['302']);
        if (host === '') continue; // No Host to compare: the login goes ahead, to Spotify.
        expect(header(response, 'Location')).toBe(loginOnRedirectHost(REDIRECT_URI));
        expect(response.cookies ?? []).toEqual([]);
      }
    }
  });

  attack('/login deployed without SPOTIFY_REDIRECT_URI uses the API\'s own domain, never the Host header', async () => {
    process.env.SPOTIFY_REDIRECT_URI = '';
    const response = await send('/login', {
      pairs: REDIRECT_PARAMS,
      headers: { host: EVIL, 'x-forwarded-host': EVIL },
      domainName: 'abc123.execute-api.eu-west-1.amazonaws.com',
    });
    expect(response.statusCode).toBe(302);
    const location = new URL(header(response, 'Location') ?? '');
    expect(location.origin + location.pathname).toBe(AUTHORIZE_URL);
    expect(location.searchParams.get('redirect_uri')).toBe('https://abc123.execute-api.eu-west-1.amazonaws.com/callback');
    expect(header(response, 'Location')).not.toContain(EVIL);
  });

  attack('/callback never redirects: refused, cancelled and intruder sign-ins with redirect parameters', async () => {
    const refused = await send('/callback', { pairs: [...REDIRECT_PARAMS, ['code', 'x']] });
    const cancelled = await browserWithCode();
    const intruder = await browserWithCode(INTRUDER_ID);
    const responses: [Result, string][] = [
      [refused, '400'],
      [await send('/callback', { pairs: [...REDIRECT_PARAMS.filter(([key]) => key !== 'state'), ['error', 'access_denied'], ['state', cancelled.state]], cookies: [cancelled.cookie] }), '400'],
      [await send('/callback', { pairs: [...REDIRECT_PARAMS.filter(([key]) => key !== 'state'), ['code', intruder.code], ['state', intruder.state]], cookies: [intruder.cookie] }), '403'],
    ];
    for (const [response, answer] of responses) {
      expectSafe('/callback', response, [answer]);
      expect(header(response, 'Location')).toBeUndefined();
      expect(response.body).not.toContain(EVIL);
      expect(response.body).not.toContain('javascript:');
    }
  });

  it('/callback ignores redirect parameters on the owner\'s own successful sign-in too', async () => {
    const { state, cookie, code } = await browserWithCode();
    const response = await send('/callback', {
      pairs: [...REDIRECT_PARAMS.filter(([key]) => key !== 'state'), ['code', code], ['state', state]],
      cookies: [cookie],
    });
    expectSafe('/callback', response, ['200']);
    expect(header(response, 'Location')).toBeUndefined();
    expect(response.body).not.toContain(EVIL);
    expect(response.body).toContain('curl http://127.0.0.1:3000/highlights');
    expect((await service.owner())?.spotifyUserId).toBe(OWNER_ID);
  });
});

const OTHER_METHODS = ['POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'];

/** Every route is read-only: any other method is refused with 405 before the handler runs. */
const refusedMethod = (path: string) => (route(path).format === 'json' ? '405 method_not_allowed' : '405');

describe('other HTTP methods', () => {
  attack('POST, PUT, DELETE, PATCH and OPTIONS reaching any handler are refused with 405 (or, where the route serves one, without a session) and change nothing', async () => {
    for (const { path, serves } of routes) {
      for (const method of OTHER_METHODS) {
        const expected = serves?.methods.includes(method) ? serves.answers : [refusedMethod(path)];
        for (const body of [undefined, '{"limit":50,"refreshToken":"x"}', 'code=abc&state=def']) {
          const response = await send(path, { method, ...(body ? { body, headers: { 'content-type': 'application/json' } } : {}) });
          expectSafe(path, response, expected);
        }
      }
      // HEAD is GET without a body, answered by the same handler.
      expectSafe(path, await send(path, { method: 'HEAD' }));
    }
    expectNoTokenCall();
  });

  attack('a POSTed form_post-style callback (code and state in the body) is refused', async () => {
    const { state, cookie, code } = await browserWithCode();
    for (const method of OTHER_METHODS) {
      const response = await send('/callback', {
        method,
        cookies: [cookie],
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ code, state }).toString(),
      });
      expectSafe('/callback', response, ['405']);
    }
    expectNoTokenCall();
  });

  attack('other methods carrying a replayed state are refused, HEAD like GET', async () => {
    for (const method of OTHER_METHODS) expectSafe('/callback', await send('/callback', { ...ownerCallback, method }), ['405']);
    await expectStateRefused({ ...ownerCallback, method: 'HEAD' });
    expectNoTokenCall();
  });
});

const NASTY = [
  '\u0000', 'a\u0000b', '\u0001\u0002\u001b[31m\u007f', '\r\nSet-Cookie: spotify_highlights_state=x', '\u2028\u2029', '\ufeff',
  '\u202e', '\u200b', '\ud800', '\udfff', '\ufffd', '\uffff', '🎵'.repeat(100), 'e\u0301'.repeat(50), '\u0665', '\uff15', 'ｌｏｎｇ_ｔｅｒｍ',
];

describe('unicode, NUL and control characters', () => {
  attack('in every known parameter, as parameter names, and in cookies, on every route', async () => {
    for (const nasty of NASTY) {
      const pairs: QueryPairs = [
        ...['limit', 'time_range', 'type', 'code', 'state', 'error', 'error_description'].map((name): [string, string] => [name, nasty]),
        [nasty, nasty],
      ];
      for (const { path } of routes) {
        expectSafe(path, await send(path, { pairs, cookies: [`${STATE_COOKIE}=${nasty}`, `${nasty}=${nasty}`] }));
      }
      for (const [name, answer] of [['limit', '400 invalid_parameter'], ['time_range', '400 invalid_parameter'], ['type', '400 invalid_parameter']] as const) {
        expectSafe('/highlights', await send('/highlights', { pairs: [[name, nasty]] }), [answer]);
      }
    }
    expectNoTokenCall();
  });

  attack('as a state that agrees with its cookie: refused without a crash', async () => {
    const { code } = await browserWithCode();
    for (const nasty of NASTY) {
      await expectStateRefused({ pairs: [['code', code], ['state', nasty]], cookies: [`${STATE_COOKIE}=${encodeComponent(nasty)}`] });
    }
  });

  attack('as the code behind a valid state: Spotify refuses it, and the page says so without a 5xx', async () => {
    for (const nasty of NASTY) {
      const { state, cookie } = await browserWithCode();
      const response = await send('/callback', { pairs: [['code', nasty], ['state', state]], cookies: [cookie] });
      expectSafe('/callback', response, ['400']);
    }
  });
});
