/**
 * The watch (issue 13): the notices it sends, once per cause, threshold and channel (two runs at
 * once included), again after a reconnect; the webhook against a local HTTP server (its body, a
 * timeout, a refused redirect, a retry on the next run); email through a local stand-in for SNS.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { handler as statusHandler } from '../../handlers/http/status';
import { handler as watchHandler } from '../../handlers/scheduled/watch';
import { authorizationWindow } from '../../lib/owner/authorization-window';
import { CLAIM_MS, claimNotice } from '../../lib/owner/notice-records';
import { startSession } from '../../lib/owner/session';
import { documentClient } from '../../lib/platform/dynamo';
import { httpEvent, lambdaContext } from '../support/events';
import { STAND_IN_AWS_ENV } from '../support/aws-stand-in-env';
import { startSnsStandIn, topicArn, type SnsStandIn } from '../support/sns-stand-in';
import { startSsmStandIn } from '../support/ssm-stand-in';
import { ownerDisconnect, ownerPage, sessionCookieOf, useService, type Result } from '../support/service';

const service = useService();
const DAY = 86_400_000;

type Report = { due: string[]; sent: string[]; failed: string[]; skipped: string[] };
const watch = async (): Promise<Report> => (await (watchHandler as unknown as (event: unknown, context: unknown) => Promise<Report>)({}, lambdaContext('watch')));

/** Runs the watch at `ms` from now, as if the clock said so. */
async function watchAt(ms: number): Promise<Report> {
  vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + ms });
  try {
    return await watch();
  } finally {
    vi.useRealTimers();
  }
}

/** Milliseconds from now to Spotify's end of the stored authorization, by the service's own rule. */
async function untilEnd(): Promise<number> {
  return Date.parse(authorizationWindow((await service.owner())!.authorizedAt).expiresAt) - Date.now();
}

interface Hook {
  url: string;
  bodies: unknown[];
  /** What the next requests get: an answer, or nothing at all (the request stalls). */
  reply: (request: IncomingMessage, response: ServerResponse) => void;
  hits: string[];
}

let server: Server;
const hook: Hook = { url: '', bodies: [], reply: () => undefined, hits: [] };
let sns: SnsStandIn;

beforeAll(async () => {
  server = createServer(async (request, response) => {
    hook.hits.push(request.url ?? '');
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    if (request.url?.startsWith('/hook')) hook.bodies.push(JSON.parse(Buffer.concat(chunks).toString('utf8')));
    hook.reply(request, response);
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  hook.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook/T000/secret-path`;
  sns = await startSnsStandIn();
  sns.topics.add(topicArn('notices'));
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((done) => server.close(done));
  await sns.close();
});

beforeEach(() => {
  hook.bodies.length = 0;
  hook.hits.length = 0;
  hook.reply = (_request, response) => void response.writeHead(200).end('ok');
  sns.published.length = 0;
  sns.requests.length = 0;
  delete process.env.NOTIFY_WEBHOOK_URL;
  delete process.env.NOTIFY_TOPIC_ARN;
  delete process.env.NOTIFY_NTFY_TOPIC;
});

afterEach(() => vi.useRealTimers());

describe('the six-month end', () => {
  it('is told 14, 3 and 1 days before, each once, with the date and the link to fix it', async () => {
    await service.connect();
    const end = await untilEnd();
    expect((await watchAt(end - 15 * DAY)).due).toEqual([]);
    expect((await watchAt(end - 14 * DAY + 60_000)).sent).toEqual(['expiry-14 log']);
    expect((await watchAt(end - 13 * DAY)).skipped).toEqual(['expiry-14 log']);
    expect((await watchAt(end - 3 * DAY + 60_000)).sent).toEqual(['expiry-3 log']);
    expect((await watchAt(end - 2 * DAY)).sent).toEqual([]);
    expect((await watchAt(end - DAY + 60_000)).sent).toEqual(['expiry-1 log']);
    expect((await watchAt(end - 3_600_000)).sent).toEqual([]);
  });

  it('is sent once when two runs meet it at once (two containers)', async () => {
    await service.connect();
    process.env.NOTIFY_WEBHOOK_URL = hook.url;
    const end = await untilEnd();
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + end - 14 * DAY + 60_000 });
    vi.resetModules();
    const other = (await import('../../handlers/scheduled/watch')) as { handler: unknown };
    const otherWatch = () => (other.handler as (event: unknown, context: unknown) => Promise<Report>)({}, lambdaContext('watch'));
    const [mine, theirs] = await Promise.all([watch(), otherWatch()]);
    vi.useRealTimers();
    expect([...mine.sent, ...theirs.sent].sort()).toEqual(['expiry-14 log', 'expiry-14 webhook']);
    expect([...mine.skipped, ...theirs.skipped].sort()).toEqual(['expiry-14 log', 'expiry-14 webhook']);
    expect(hook.bodies).toHaveLength(1);
  });

  it('is told again after the owner reconnects (a new authorization), and not before', async () => {
    await service.connect();
    const end = await untilEnd();
    expect((await watchAt(end - 14 * DAY + 60_000)).sent).toEqual(['expiry-14 log']);
    const { authorizedAt } = (await service.owner())!;
    await service.connect();
    // The same six-month end, as if the reconnect were that old: the new authorization's notices start afresh.
    await service.updateOwner({ authorizedAt });
    expect((await watchAt(end - 13 * DAY)).sent).toEqual(['expiry-14 log']);
  });
});

describe('/status and the console', () => {
  const status = async () => JSON.parse(((await (statusHandler as unknown as (event: unknown, context: unknown) => Promise<Result>)(httpEvent('/status'), lambdaContext('status'))) as Result).body);

  it('show the next notice due and the last one sent', async () => {
    await service.connect();
    const end = await untilEnd();
    const endsAt = Date.now() + end;
    expect((await status()).notices).toEqual({ next: { cause: 'expiry-14', title: null, at: new Date(endsAt - 14 * DAY).toISOString() }, lastSent: null });
    vi.useFakeTimers({ toFake: ['Date'], now: endsAt - 13 * DAY });
    try {
      expect((await status()).notices.next).toMatchObject({ cause: 'expiry-14', title: expect.stringMatching(/in 14 days/) });
      await watch();
      const after = (await status()).notices;
      expect(after.next).toEqual({ cause: 'expiry-3', title: null, at: new Date(endsAt - 3 * DAY).toISOString() });
      expect(after.lastSent).toEqual({ cause: 'expiry-14', title: expect.stringMatching(/in 14 days/), at: new Date(endsAt - 13 * DAY).toISOString(), channel: 'log' });
      // A session started then (one from months before has ended).
      const owner = (await service.owner())!;
      const cookie = (await startSession({ spotifyUserId: owner.spotifyUserId, authorization: owner.authorizationId! }, false)).split(';')[0]!;
      const page = (await ownerPage({ cookies: [cookie] })).body;
      expect(page).toMatch(/Notices to you: the next is due from .* UTC, before Spotify’s end; the last one sent: “Spotify ends your site’s authorization in 14 days” at .* \(log\)\./);
    } finally {
      vi.useRealTimers();
    }
  });

  it('forget the notices sent when the owner disconnects', async () => {
    const cookie = sessionCookieOf(await service.connect())!;
    await service.updateOwner({ reauthRequired: true });
    await watch();
    const response = await ownerDisconnect({ method: 'POST', cookies: [cookie], body: 'confirm=yes', headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'http://127.0.0.1:3000' } });
    expect(response.statusCode).toBe(200);
    expect((await status()).notices).toEqual({ next: null, lastSent: null });
    const { Items } = await documentClient().send(new ScanCommand({ TableName: process.env.TABLE_NAME }));
    // Only the count of the day's Spotify calls stays: the app's, not the owner's.
    expect(Items?.map((item) => item.pk)).toEqual(['budget']);
  });
});

describe('trouble', () => {
  it('tells at once when re-authorization is required, instead of the end', async () => {
    await service.connect();
    await service.updateOwner({ reauthRequired: true, lastRefreshAt: new Date().toISOString() });
    const report = await watch();
    expect(report.sent).toEqual(['reauthorization log']);
    expect((await watch()).sent).toEqual([]);
  });

  it('tells when scopes are missing, naming the endpoints that need them', async () => {
    process.env.NOTIFY_WEBHOOK_URL = hook.url;
    await service.connect();
    await service.updateOwner({ scopes: ['user-top-read'] });
    expect((await watch()).sent).toEqual(['scopes-user-read-currently-playing+user-read-recently-played log', 'scopes-user-read-currently-playing+user-read-recently-played webhook']);
    const { message } = hook.bodies[0] as { message: string };
    expect(message).toContain('/now-playing');
    expect(message).toContain('/recently-played');
    expect(message).toContain('http://127.0.0.1:3000/login');
  });

  it('tells when refreshes have been failing for more than a day, once per failing streak', async () => {
    await service.connect();
    const since = new Date(Date.now() - 23 * 3_600_000).toISOString();
    await service.updateOwner({ refreshFailures: 12, refreshFailingSince: since, lastRefreshOutcome: 'spotify_unavailable' });
    expect((await watch()).due).toEqual([]);
    expect((await watchAt(2 * 3_600_000)).sent).toEqual([`refresh-failing-${since} log`]);
    expect((await watchAt(3 * 3_600_000)).sent).toEqual([]);
  });

  it('sends a notice a run claimed and never finished (it died), once the claim lapses after 5 minutes', async () => {
    await service.connect();
    await service.updateOwner({ reauthRequired: true });
    const owner = (await service.owner())!;
    expect(await claimNotice({ spotifyUserId: owner.spotifyUserId, authorization: owner.authorizationId! }, 'reauthorization', 'log')).toBe(true);
    expect((await watch()).skipped).toEqual(['reauthorization log']);
    expect((await watchAt(CLAIM_MS + 1_000)).sent).toEqual(['reauthorization log']);
  });

  it('runs before the Spotify app is set up (no SPOTIFY_CLIENT_ID): it needs none', async () => {
    delete process.env.SPOTIFY_CLIENT_ID;
    expect(await watch()).toEqual({ due: [], sent: [], failed: [], skipped: [] });
  });

  it('tells nothing when nobody is connected', async () => {
    expect(await watch()).toEqual({ due: [], sent: [], failed: [], skipped: [] });
  });
});

describe('the webhook', () => {
  it('gets one JSON POST that Slack (text), Discord (content) and ntfy (topic, title, message, click) accept', async () => {
    process.env.NOTIFY_WEBHOOK_URL = hook.url;
    process.env.NOTIFY_NTFY_TOPIC = 'my-site';
    await service.connect();
    await service.updateOwner({ reauthRequired: true, lastRefreshAt: '2026-12-01T10:00:00.000Z' });
    await watch();
    expect(hook.bodies).toEqual([
      {
        text: expect.stringMatching(/^Spotify no longer accepts your site’s authorization\nSince 2026-12-01, .*http:\/\/127\.0\.0\.1:3000\/login$/s),
        content: expect.stringContaining('Since 2026-12-01'),
        topic: 'my-site',
        title: 'Spotify no longer accepts your site’s authorization',
        message: expect.stringContaining('http://127.0.0.1:3000/login'),
        click: 'http://127.0.0.1:3000/login',
        notice: { cause: 'reauthorization', title: expect.any(String), text: expect.any(String), mattersAt: '2026-12-01T10:00:00.000Z', link: 'http://127.0.0.1:3000/login' },
      },
    ]);
    const owner = (await service.owner())!;
    const sent = JSON.stringify(hook.bodies);
    for (const secret of [owner.accessToken, owner.refreshToken, 'secret-path', process.env.SPOTIFY_CLIENT_SECRET!]) expect(sent).not.toContain(secret);
  });

  it('that does not answer within 5 s fails, is logged, and is tried again by the next run', async () => {
    process.env.NOTIFY_WEBHOOK_URL = hook.url;
    await service.connect();
    await service.updateOwner({ reauthRequired: true });
    hook.reply = () => undefined;
    const started = Date.now();
    const report = await watch();
    expect(Date.now() - started).toBeLessThan(9_000);
    expect(report).toMatchObject({ sent: ['reauthorization log'], failed: ['reauthorization webhook'] });
    hook.reply = (_request, response) => void response.writeHead(204).end();
    expect((await watch()).sent).toEqual(['reauthorization webhook']);
    expect((await watch()).sent).toEqual([]);
  }, 20_000);

  it('that answers a redirect is not followed: a failure, tried again next time', async () => {
    process.env.NOTIFY_WEBHOOK_URL = hook.url;
    await service.connect();
    await service.updateOwner({ reauthRequired: true });
    hook.reply = (_request, response) => void response.writeHead(302, { Location: `http://127.0.0.1:${(server.address() as AddressInfo).port}/elsewhere` }).end();
    expect((await watch()).failed).toEqual(['reauthorization webhook']);
    expect(hook.hits.filter((hit) => hit === '/elsewhere')).toEqual([]);
  });

  it('that answers an error fails the same way', async () => {
    process.env.NOTIFY_WEBHOOK_URL = hook.url;
    await service.connect();
    await service.updateOwner({ reauthRequired: true });
    hook.reply = (_request, response) => void response.writeHead(500).end('no');
    expect((await watch()).failed).toEqual(['reauthorization webhook']);
  });

  it('must be https, or plain http to a loopback address: anything else is refused before any run', async () => {
    await service.connect();
    await service.updateOwner({ reauthRequired: true });
    for (const url of ['http://hooks.example.com/x', 'ftp://127.0.0.1/x', 'not a url']) {
      process.env.NOTIFY_WEBHOOK_URL = url;
      await expect(watch()).rejects.toThrow(/NOTIFY_WEBHOOK_URL/);
    }
    expect(hook.hits).toEqual([]);
  });
});

describe('the webhook deployed: its URL a SecureString in SSM', () => {
  it('reads it from the parameter NOTIFY_WEBHOOK_URL_PARAM names and posts the notice there; none in SSM, none sent', async () => {
    const ssm = await startSsmStandIn();
    const name = '/spotify-highlights/prod/notify-webhook-url';
    Object.assign(process.env, STAND_IN_AWS_ENV, { AWS_ENDPOINT_URL_SSM: ssm.url, NOTIFY_WEBHOOK_URL_PARAM: name });
    try {
      await service.connect();
      // Nothing due: SSM is not asked.
      expect((await watch()).due).toEqual([]);
      expect(ssm.requests).toEqual([]);
      await service.updateOwner({ reauthRequired: true });
      // No such parameter: the log only, and the webhook's notice is left for a run that has its URL.
      expect((await watch()).sent).toEqual(['reauthorization log']);
      expect(hook.hits).toEqual([]);
      // Another container, once the owner has put the URL in SSM.
      ssm.parameters.set(name, hook.url);
      vi.resetModules();
      const other = (await import('../../handlers/scheduled/watch')) as { handler: (event: unknown, context: unknown) => Promise<Report> };
      expect((await other.handler({}, lambdaContext('watch'))).sent).toEqual(['reauthorization webhook']);
      expect(hook.bodies).toHaveLength(1);
      expect(ssm.requests.map((request) => request.name)).toEqual([name, name]);
    } finally {
      for (const variable of [...Object.keys(STAND_IN_AWS_ENV), 'AWS_ENDPOINT_URL_SSM', 'NOTIFY_WEBHOOK_URL_PARAM']) delete process.env[variable];
      await ssm.close();
    }
  });
});

describe('email through SNS', () => {
  beforeEach(() => {
    Object.assign(process.env, STAND_IN_AWS_ENV, { AWS_ENDPOINT_URL_SNS: sns.url });
  });
  afterEach(() => {
    for (const name of [...Object.keys(STAND_IN_AWS_ENV), 'AWS_ENDPOINT_URL_SNS']) delete process.env[name];
  });

  it('publishes the notice to the topic, its title as the subject (ASCII), once', async () => {
    process.env.NOTIFY_TOPIC_ARN = topicArn('notices');
    await service.connect();
    await service.updateOwner({ reauthRequired: true });
    expect((await watch()).sent).toEqual(['reauthorization log', 'reauthorization email']);
    expect((await watch()).sent).toEqual([]);
    expect(sns.published).toHaveLength(1);
    const [published] = sns.published;
    expect(published).toMatchObject({ topicArn: topicArn('notices'), subject: expect.stringMatching(/^Spotify no longer accepts your site.s authorization$/) });
    expect(published!.message).toContain('http://127.0.0.1:3000/login');
  });

  it('that SNS refuses is logged by name and tried again by the next run', async () => {
    process.env.NOTIFY_TOPIC_ARN = topicArn('notices');
    sns.denied.add(topicArn('notices'));
    await service.connect();
    await service.updateOwner({ reauthRequired: true });
    expect((await watch()).failed).toEqual(['reauthorization email']);
    sns.denied.clear();
    expect((await watch()).sent).toEqual(['reauthorization email']);
  });
});
