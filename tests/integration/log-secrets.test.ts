/**
 * Every flow, with the logger at DEBUG and everything written to stdout, stderr and the console
 * captured: no access token, refresh token, authorization code, state, client secret, owner's
 * session, the key that signs sessions, or the owner's webhook URL appears
 * in it, whole or in part. Each flow also proves its logs were captured (the lines it must
 * produce are there, as JSON with a request id), so the test cannot pass on silence.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { format } from 'node:util';
import { Logger } from '@aws-lambda-powertools/logger';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { handler as highlightsHandler } from '../../handlers/http/highlights';
import { handler as collectHandler } from '../../handlers/scheduled/collect';
import { handler as watchHandler } from '../../handlers/scheduled/watch';
import { httpEvent, lambdaContext } from '../support/events';
import { redact, secretFinder, send } from '../support/hostile';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient } from '../../lib/platform/dynamo';
import { askSpotifyEveryTime, baseEnv, callback, highlights, login, ownerDisconnect, ownerPage, ownerSettings, sessionCookieOf, useService } from '../support/service';
import { INTRUDER_ID, OWNER_ID } from '../support/spotify-emulator';

// Before lib/platform/logger.ts is imported: a level set later with logger.setLogLevel() is reset to the
// initial one by injectLambdaContext on every warm invocation. Event logging is switched on as an
// operator might: the events carry codes, states and cookies, so the service must refuse it.
const previous = vi.hoisted(() => {
  const saved = { level: process.env.POWERTOOLS_LOG_LEVEL, logEvent: process.env.POWERTOOLS_LOGGER_LOG_EVENT };
  process.env.POWERTOOLS_LOG_LEVEL = 'DEBUG';
  process.env.POWERTOOLS_LOGGER_LOG_EVENT = 'true';
  return saved;
});

afterAll(() => {
  process.env.POWERTOOLS_LOG_LEVEL = previous.level;
  if (previous.logEvent === undefined) delete process.env.POWERTOOLS_LOGGER_LOG_EVENT;
  else process.env.POWERTOOLS_LOGGER_LOG_EVENT = previous.logEvent;
});

const service = useService();

/** State values handed to browsers in this file: secrets too, though Spotify never issued them. */
const states = new Set<string>();
const WRONG_SECRET = 'wrong-client-secret-0123456789';
const basicHeader = (secret: string) => Buffer.from(`${baseEnv.SPOTIFY_CLIENT_ID}:${secret}`).toString('base64');

/** The owner's session cookies and the key that signs them, seen in this file. */
const sessions = new Set<string>();
/** A webhook's URL is a secret too (Slack's and Discord's carry their key in the path). */
const WEBHOOK_SECRET = 'T0HOOKSECRET/B0SECRET/xoxsecretpath';

const findSecrets = secretFinder(() => [
  ...service.model.issuedSecrets(),
  ...states,
  ...sessions,
  WEBHOOK_SECRET,
  WRONG_SECRET,
  basicHeader(baseEnv.SPOTIFY_CLIENT_SECRET),
  basicHeader(WRONG_SECRET),
]);

const CONSOLE_METHODS = ['log', 'info', 'warn', 'error', 'debug', 'trace', 'dir', 'table'] as const;

interface Capture {
  /** Everything written, one entry per write or console call. */
  chunks: string[];
  /** The entries that are JSON log records. */
  records: Record<string, unknown>[];
}

/** Runs `flow` while capturing everything written to process.stdout, process.stderr and the console. */
async function captured(flow: () => Promise<void>): Promise<Capture> {
  const chunks: string[] = [];
  const spies = [
    ...[process.stdout, process.stderr].map((stream) =>
      vi.spyOn(stream, 'write').mockImplementation((chunk: unknown, ...rest: unknown[]) => {
        chunks.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8'));
        const done = rest.find((arg) => typeof arg === 'function') as (() => void) | undefined;
        done?.();
        return true;
      }),
    ),
    ...CONSOLE_METHODS.map((method) => vi.spyOn(console, method).mockImplementation((...args: unknown[]) => void chunks.push(format(...args)))),
  ];
  try {
    await flow();
  } finally {
    spies.forEach((spy) => spy.mockRestore());
  }
  const records = chunks.flatMap((chunk) => {
    try {
      const record: unknown = JSON.parse(chunk);
      return record && typeof record === 'object' ? [record as Record<string, unknown>] : [];
    } catch {
      return [];
    }
  });
  return { chunks, records };
}

/** Walks /login → consent as `userId` → /callback, remembering the state. */
async function signIn(userId = OWNER_ID, extra: { code?: string } = {}) {
  const { params, cookie } = await service.startLogin();
  const state = params.get('state') ?? '';
  states.add(state);
  service.model.signIn(userId);
  const code = extra.code ?? service.model.approve(service.model.authorize(params), userId);
  const response = await callback({ query: { code, state }, cookies: [cookie] });
  return { response, state, cookie, code };
}

async function connectOwner() {
  expect((await signIn()).response.statusCode).toBe(200);
}

async function expireAccessToken() {
  await service.updateOwner({ accessTokenExpiresAt: Date.now() - 1000 });
}

/** A log record matcher: the fields it must have (strings match as regular expressions on the text). */
type Expected = Record<string, string | number>;

function matches(record: Record<string, unknown>, expected: Expected): boolean {
  return Object.entries(expected).every(([key, value]) =>
    typeof value === 'number' ? record[key] === value : new RegExp(value, 'i').test(String(record[key] ?? '')),
  );
}

const signedIn: Expected = { message: 'authori[sz]ed' };
const refused = (status: number, code: string): Expected => ({ level: 'WARN', status, code });
const refreshed: Expected = { message: 'refresh' };

interface Flow {
  name: string;
  run: () => Promise<void>;
  /** Log records the flow must produce. */
  logs: Expected[];
}

const flows: Flow[] = [
  {
    name: 'login, then a successful callback',
    run: async () => {
      const response = await login();
      states.add(new URL(response.headers.Location ?? '').searchParams.get('state') ?? '');
      await connectOwner();
    },
    logs: [signedIn],
  },
  {
    name: 'the home page, and /login moving a browser that came by another host',
    run: async () => {
      expect((await send('/')).statusCode).toBe(200);
      const moved = await login({ headers: { host: 'localhost:3000' } });
      expect([moved.statusCode, moved.cookies]).toEqual([302, undefined]);
    },
    logs: [{ level: 'INFO', message: 'moved to the redirect URI', requestHost: 'localhost:3000', redirectHost: '127.0.0.1:3000' }],
  },
  {
    name: 'a cancelled callback',
    run: async () => {
      const { params, cookie } = await service.startLogin();
      states.add(params.get('state') ?? '');
      const response = await callback({ query: { error: 'access_denied', state: params.get('state') ?? '' }, cookies: [cookie] });
      expect(response.statusCode).toBe(400);
    },
    logs: [refused(400, 'access_denied')],
  },
  {
    name: 'a reused code and a replayed state',
    run: async () => {
      const first = await signIn();
      expect(first.response.statusCode).toBe(200);
      expect((await signIn(OWNER_ID, { code: first.code })).response.statusCode).toBe(400);
      expect((await callback({ query: { code: first.code, state: first.state }, cookies: [first.cookie] })).statusCode).toBe(400);
    },
    logs: [signedIn, refused(400, 'authorization_failed'), refused(400, 'invalid_state')],
  },
  {
    name: 'an intruder refused with 403',
    run: async () => {
      await connectOwner();
      expect((await signIn(INTRUDER_ID)).response.statusCode).toBe(403);
    },
    logs: [signedIn, { level: 'WARN', message: 'not the owner' }, refused(403, 'not_owner')],
  },
  {
    name: '/highlights with a valid access token',
    run: async () => {
      await connectOwner();
      expect((await highlights()).statusCode).toBe(200);
    },
    logs: [signedIn],
  },
  {
    name: '/highlights with a refresh',
    run: async () => {
      await connectOwner();
      await expireAccessToken();
      expect((await highlights()).statusCode).toBe(200);
      expect(service.model.calls.token.refresh_token).toBe(1);
    },
    logs: [signedIn, refreshed],
  },
  {
    name: '/highlights with a refresh that rotates the refresh token',
    run: async () => {
      service.model.rotateRefreshTokens = true;
      await connectOwner();
      askSpotifyEveryTime('HIGHLIGHTS_CACHE_SECONDS');
      for (let i = 0; i < 2; i++) {
        await expireAccessToken();
        expect((await highlights()).statusCode).toBe(200);
      }
      expect(service.model.calls.token.refresh_token).toBe(2);
    },
    logs: [signedIn, refreshed],
  },
  {
    name: 'Spotify answering 401 (refresh and retry)',
    run: async () => {
      await connectOwner();
      service.model.expireAccessTokens();
      expect((await highlights()).statusCode).toBe(200);
    },
    logs: [signedIn, refreshed],
  },
  {
    name: 'Spotify answering 429',
    run: async () => {
      await connectOwner();
      service.model.rateLimit({ retryAfterSeconds: 30, includeToken: true });
      expect((await highlights()).statusCode).toBe(503);
    },
    logs: [signedIn, refused(503, 'rate_limited')],
  },
  {
    name: 'Spotify answering 5xx, on the Web API and on the token endpoint',
    run: async () => {
      await connectOwner();
      service.model.failNext('top', { status: 503, times: 5 });
      expect((await highlights()).statusCode).toBe(502);
      await expireAccessToken();
      service.model.failNext('token', { status: 500, body: { error: 'server_error', error_description: 'Internal' }, times: 5 });
      expect((await highlights({ time_range: 'long_term' })).statusCode).toBe(502);
    },
    logs: [signedIn, refused(502, 'spotify_unavailable')],
  },
  {
    name: 'Spotify refusing the refresh token (invalid_grant)',
    run: async () => {
      await connectOwner();
      service.model.revokeRefreshTokens();
      await expireAccessToken();
      expect((await highlights()).statusCode).toBe(503);
    },
    logs: [signedIn, refused(503, 'reauthorization_required')],
  },
  {
    name: 'a wrong client secret (invalid_client)',
    run: async () => {
      await connectOwner();
      await expireAccessToken();
      process.env.SPOTIFY_CLIENT_SECRET = WRONG_SECRET;
      expect((await highlights()).statusCode).toBe(500);
    },
    logs: [signedIn, refused(500, 'configuration_error')],
  },
  {
    name: 'DynamoDB not answering',
    run: async () => {
      await connectOwner();
      process.env.TABLE_NAME = 'no-such-table';
      expect((await highlights()).statusCode).toBe(503);
    },
    logs: [signedIn, refused(503, 'storage_unavailable')],
  },
  {
    name: 'the last good result served stale while Spotify fails',
    run: async () => {
      askSpotifyEveryTime('HIGHLIGHTS_CACHE_SECONDS');
      await connectOwner();
      expect((await highlights()).statusCode).toBe(200);
      service.model.failNext('top', { status: 502, times: 5 });
      const stale = await highlights();
      expect([stale.statusCode, JSON.parse(stale.body).stale]).toEqual([200, true]);
    },
    logs: [signedIn, { level: 'WARN', message: 'stale' }],
  },
  {
    name: '/status and /card.svg, ten days before Spotify ends the authorization',
    run: async () => {
      await connectOwner();
      const authorizedAt = new Date();
      authorizedAt.setUTCMonth(authorizedAt.getUTCMonth() - 6);
      authorizedAt.setUTCDate(authorizedAt.getUTCDate() + 10);
      await service.updateOwner({ authorizedAt: authorizedAt.toISOString() });
      expect((await send('/status')).statusCode).toBe(200);
      expect((await send('/card.svg')).statusCode).toBe(200);
    },
    logs: [signedIn, { level: 'WARN', message: 'will end this authorization' }],
  },
  {
    name: "the owner's console: a session, the page, settings saved and refused, a forged session, disconnecting",
    run: async () => {
      const { response } = await signIn();
      const cookie = sessionCookieOf(response)!;
      sessions.add(cookie.split('=')[1]!);
      const { Item } = await documentClient().send(new GetCommand({ TableName: process.env.TABLE_NAME, Key: { pk: 'session-key' } }));
      sessions.add(String(Item?.secret));
      expect((await ownerPage({ cookies: [cookie] })).statusCode).toBe(200);
      const json = { 'content-type': 'application/json', origin: 'http://127.0.0.1:3000' };
      const settings = { hiddenArtists: ['abc'], hiddenTracks: [], hideExplicit: true, cleanTitles: true, defaults: { timeRange: 'short_term', limit: 5, theme: 'dark' } };
      expect((await ownerSettings({ method: 'PUT', cookies: [cookie], headers: json, body: JSON.stringify(settings) })).statusCode).toBe(200);
      expect((await ownerSettings({ method: 'PUT', cookies: [cookie], headers: json, body: '{"hiddenArtists": [' })).statusCode).toBe(400);
      expect((await ownerSettings({ method: 'PUT', cookies: [`${cookie}x`], headers: json, body: JSON.stringify(settings) })).statusCode).toBe(401);
      const form = { 'content-type': 'application/x-www-form-urlencoded', origin: 'http://127.0.0.1:3000' };
      expect((await ownerDisconnect({ method: 'POST', cookies: [cookie], headers: form, body: 'confirm=yes' })).statusCode).toBe(200);
    },
    logs: [signedIn, { level: 'INFO', message: 'settings changed' }, refused(400, 'invalid_json'), refused(401, 'no_session'), { level: 'INFO', message: 'disconnected' }],
  },
  {
    name: "the owner's notices: the watch logs them and sends them to a webhook, which answers, then fails",
    run: async () => {
      await connectOwner();
      await service.updateOwner({ reauthRequired: true, scopes: ['user-top-read'] });
      let answer = 200;
      const server = createServer((request, response) => {
        request.resume();
        request.on('end', () => void response.writeHead(answer).end());
      });
      await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
      process.env.NOTIFY_WEBHOOK_URL = `http://127.0.0.1:${(server.address() as AddressInfo).port}/${WEBHOOK_SECRET}`;
      try {
        const run = () => (watchHandler as unknown as (event: unknown, context: unknown) => Promise<{ sent: string[]; failed: string[] }>)({}, lambdaContext('watch'));
        expect((await run()).sent).toHaveLength(4);
        await service.updateOwner({ refreshFailures: 3, refreshFailingSince: new Date(Date.now() - 2 * 86_400_000).toISOString() });
        answer = 500;
        expect((await run()).failed).toHaveLength(1);
      } finally {
        delete process.env.NOTIFY_WEBHOOK_URL;
        server.closeAllConnections();
        await new Promise((done) => server.close(done));
      }
    },
    logs: [signedIn, { level: 'WARN', message: 'Notice for the owner', cause: 'reauthorization' }, { level: 'WARN', message: 'could not be delivered', channel: 'webhook', reason: 'answered 500' }],
  },
  {
    name: "the history's collector: a run that stores plays, /history, and a run Spotify refuses",
    run: async () => {
      await connectOwner();
      const run = () => (collectHandler as unknown as (event: unknown, context: unknown) => Promise<{ outcome: string }>)({}, lambdaContext('collect'));
      expect((await run()).outcome).toBe('collected');
      expect((await send('/history')).statusCode).toBe(200);
      service.model.revokeRefreshTokens();
      await service.updateOwner({ accessTokenExpiresAt: Date.now() - 1000 });
      expect((await run()).outcome).toBe('failed');
    },
    logs: [signedIn, { level: 'INFO', message: 'Collected the recent plays' }, { level: 'WARN', message: 'could not read the recent plays', reason: 'reauthorization_required' }],
  },
  {
    name: 'what the owner plays: /now-playing, its card and link, /recently-played, and a scope Spotify refuses',
    run: async () => {
      askSpotifyEveryTime('RECENTLY_PLAYED_CACHE_SECONDS');
      await connectOwner();
      service.model.player(OWNER_ID).play(undefined, { positionMs: 10_000 });
      for (const path of ['/now-playing', '/now-playing.svg', '/recently-played']) expect((await send(path)).statusCode).toBe(200);
      expect((await send('/now-playing/open')).statusCode).toBe(302);
      // A token without the player scopes, as Spotify sees it: refused after one refresh and one retry.
      const tokens = service.model.issueTokens(OWNER_ID, { scopes: ['user-top-read'] });
      await service.updateOwner({ accessToken: tokens.access_token, refreshToken: tokens.refresh_token });
      expect((await send('/recently-played')).statusCode).toBe(503);
    },
    logs: [signedIn, { level: 'WARN', message: 'refuses the owner\'s token for a scope' }, refused(503, 'scope_missing')],
  },
  {
    name: 'a hung Spotify',
    run: async () => {
      await connectOwner();
      service.model.failNext('top', { status: 200, body: {}, delayMs: 8000, times: 2 });
      // A function with three seconds left gives Spotify only part of them.
      const context = { ...lambdaContext('highlights'), getRemainingTimeInMillis: () => 3000 };
      const response = (await highlightsHandler(httpEvent('/highlights'), context)) as { statusCode: number };
      expect(response.statusCode).toBe(504);
    },
    logs: [signedIn, refused(504, 'spotify_timeout')],
  },
];

describe('no token, code, state or secret in any log line, at DEBUG', () => {
  it.each(flows)('$name', async ({ run, logs }) => {
    const { chunks, records } = await captured(run);

    const leaked = findSecrets(chunks.join('\n'));
    expect(leaked.map(redact), 'secrets in the logs').toEqual([]);

    expect(chunks.length, 'logs were captured').toBeGreaterThan(0);
    for (const expected of logs) {
      expect(records.some((record) => matches(record, expected)), `a log record like ${JSON.stringify(expected)}`).toBe(true);
    }
    for (const record of records) expect(record.function_request_id, 'every record carries the request id').toEqual(expect.any(String));
  });
});

describe('the capture itself', () => {
  it('would see a secret logged through the service logger, the console or the raw streams', async () => {
    const { logger } = await import('../../lib/platform/logger');
    const token = service.model.issueTokens(OWNER_ID).access_token;
    const original = process.env.POWERTOOLS_DEV;
    delete process.env.POWERTOOLS_DEV;
    // The deployed logger writes through its own Console straight to process.stdout.
    const deployed = new Logger({ serviceName: 'capture-check', logLevel: 'DEBUG' });
    process.env.POWERTOOLS_DEV = original;

    const writers: (() => void)[] = [
      () => logger.debug('check', { token }),
      () => deployed.info('check', { nested: { value: `Bearer ${token}` } }),
      () => console.log(`token=${token}`),
      () => process.stderr.write(`raw ${token}\n`),
    ];
    for (const write of writers) {
      const { chunks } = await captured(async () => write());
      expect(findSecrets(chunks.join('\n')), write.toString()).toHaveLength(1);
    }
    // A piece of a token is a leak too.
    expect(findSecrets(`…${token.slice(10, 30)}…`)).toHaveLength(1);
  });
});
