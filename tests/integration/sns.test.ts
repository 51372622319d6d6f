/**
 * Publishing a notice through lib/platform/sns.ts, with the real SDK client: SNS's query API played
 * by the local stand-in (tests/support/sns-stand-in.ts), a stalled SNS by a socket that never
 * answers. Each test loads the module afresh, as a new container would (its client is per container).
 */
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { startSnsStandIn, topicArn, type SnsStandIn } from '../support/sns-stand-in';
import { startStalledServer, type StalledServer } from '../support/stalled-server';
import { STAND_IN_AWS_ENV } from '../support/aws-stand-in-env';

const TOPIC = topicArn('spotify-highlights-prod-notices', 'eu-west-1');

const AWS_ENV = { ...STAND_IN_AWS_ENV, AWS_REGION: 'eu-west-1' };
const saved = { ...process.env };

let sns: SnsStandIn;
beforeAll(async () => {
  sns = await startSnsStandIn();
});
afterAll(() => sns.close());

afterEach(() => {
  for (const name of Object.keys(process.env)) if (!(name in saved)) delete process.env[name];
  Object.assign(process.env, saved);
  sns.topics.clear();
  sns.denied.clear();
  sns.failures.clear();
  sns.requests.length = 0;
  sns.published.length = 0;
});

function useEndpoint(endpoint: string): void {
  for (const name of Object.keys(process.env)) if (name.startsWith('AWS_')) delete process.env[name];
  Object.assign(process.env, AWS_ENV, { AWS_ENDPOINT_URL_SNS: endpoint });
}

/** publishNotice of a fresh container whose SNS is at `endpoint`. */
async function container(endpoint = sns.url) {
  useEndpoint(endpoint);
  vi.resetModules();
  const { publishNotice } = await import('../../lib/platform/sns');
  const { withRequest } = await import('../../lib/platform/request-context');
  const withDeadline = <T>(deadline: number, work: () => T): T => withRequest({ deadline, caller: 'public' }, work);
  return { publishNotice, withDeadline };
}

async function failure(publish: () => Promise<void>): Promise<Error> {
  const error = await publish().then(
    () => undefined,
    (caught: unknown) => caught as Error,
  );
  if (!error) throw new Error('expected the publish to fail');
  return error;
}

describe('publishing a notice', () => {
  it('reaches SNS with the topic, the subject and the message, signed for the region', async () => {
    sns.topics.add(TOPIC);
    const { publishNotice } = await container();
    const message = 'Spotify will stop honouring this site\'s authorization on 3 March.\n\nReconnect: https://music.example/login';
    await publishNotice(TOPIC, 'Reconnect Spotify within 14 days', message);
    expect(sns.published).toEqual([{ topicArn: TOPIC, subject: 'Reconnect Spotify within 14 days', message, region: 'eu-west-1' }]);
  });

  it('carries a message of any text, up to SNS\'s 256 KB', async () => {
    sns.topics.add(TOPIC);
    const { publishNotice } = await container();
    const message = `Café — “quoted” & <tagged> 🎵\n${'x'.repeat(262_144 - 40)}`;
    expect(Buffer.byteLength(message)).toBeLessThanOrEqual(262_144);
    await publishNotice(TOPIC, 'Notice', message);
    expect(sns.published[0]?.message).toBe(message);
  });

  it.each([
    ['a long subject: cut to 99 characters, ending in "..."', `Spotify highlights: ${'the authorization ends soon '.repeat(6)}`, `Spotify highlights: ${'the authorization ends soon '.repeat(6)}`.slice(0, 96).trimEnd() + '...'],
    ['a multi-line subject: one line', 'Refreshes are failing\r\nsince 3 March\n\tcheck Spotify', 'Refreshes are failing since 3 March check Spotify'],
    ['accents and typographic punctuation: as ASCII', 'Café’s “six-month” window — ends…', 'Cafe\'s "six-month" window - ends...'],
    ['other characters outside ASCII: left out', 'Spotify 🎵 notice: 東京 owner', 'Spotify notice: owner'],
    ['control characters: spaces', 'Missing\u0000scopes\u007f now', 'Missing scopes now'],
  ])('%s', async (_case, subject, sent) => {
    sns.topics.add(TOPIC);
    const { publishNotice } = await container();
    await publishNotice(TOPIC, subject, 'message');
    expect(sns.published.map((request) => request.subject)).toEqual([sent]);
    expect(sent.length).toBeLessThan(100);
  });

  it('sends no Subject when nothing of it is left (SNS then uses its own)', async () => {
    sns.topics.add(TOPIC);
    const { publishNotice } = await container();
    await publishNotice(TOPIC, ' 🎵\n ', 'message');
    expect(sns.published).toEqual([expect.objectContaining({ subject: null, message: 'message' })]);
  });
});

describe('the stand-in is as strict as SNS', () => {
  /** A plain client, sending exactly what it is given. */
  const raw = (input: { Subject?: string; Message: string }) => {
    useEndpoint(sns.url);
    return new SNSClient({ maxAttempts: 1 }).send(new PublishCommand({ TopicArn: TOPIC, ...input }));
  };

  it.each([
    ['a line break', 'two\nlines'],
    ['100 characters', 'x'.repeat(100)],
    ['a character outside ASCII', 'Café'],
  ])('refuses a Subject with %s', async (_case, subject) => {
    sns.topics.add(TOPIC);
    await expect(raw({ Subject: subject, Message: 'message' })).rejects.toMatchObject({ name: 'InvalidParameterException' });
    expect(sns.published).toEqual([]);
  });

  it('refuses a Message over 256 KB, and an empty one', async () => {
    sns.topics.add(TOPIC);
    await expect(raw({ Message: 'é'.repeat(131_073) })).rejects.toMatchObject({ name: 'InvalidParameterException' });
    await expect(raw({ Message: '' })).rejects.toMatchObject({ name: 'InvalidParameterException' });
    await expect(raw({ Subject: 'x'.repeat(99), Message: 'm' })).resolves.toMatchObject({ MessageId: expect.any(String) });
  });

  it('refuses a request without a SigV4 signature', async () => {
    sns.topics.add(TOPIC);
    const response = await fetch(sns.url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ Action: 'Publish', Version: '2010-03-31', TopicArn: TOPIC, Message: 'm' }),
    });
    expect(response.status).toBe(403);
    expect(await response.text()).toContain('<Code>MissingAuthenticationToken</Code>');
    expect(sns.published).toEqual([]);
  });
});

describe('a publish SNS refuses', () => {
  /** The thrown error names only the error's name: not the topic, nor what SNS said. */
  function expectOnlyTheName(error: Error, name: string): void {
    expect(error.message).toBe(`SNS Publish failed: ${name}`);
    expect(error.message).not.toContain(TOPIC);
  }

  it('an unknown topic: NotFoundException (SNS\'s NotFound, as the SDK names it)', async () => {
    const { publishNotice } = await container();
    expectOnlyTheName(await failure(() => publishNotice(TOPIC, 'Subject', 'message')), 'NotFoundException');
    expect(sns.requests).toHaveLength(1);
  });

  it('a topic the role may not publish to: AuthorizationErrorException (SNS\'s 403 AuthorizationError)', async () => {
    sns.topics.add(TOPIC);
    sns.denied.add(TOPIC);
    const { publishNotice } = await container();
    expectOnlyTheName(await failure(() => publishNotice(TOPIC, 'Subject', 'message')), 'AuthorizationErrorException');
  });

  it('a message over 256 KB: InvalidParameterException, never its text', async () => {
    sns.topics.add(TOPIC);
    const { publishNotice } = await container();
    const error = await failure(() => publishNotice(TOPIC, 'Subject', `secret-part ${'x'.repeat(262_144)}`));
    expectOnlyTheName(error, 'InvalidParameterException');
    expect(error.message).not.toContain('secret-part');
  });

  it('throttling, and SNS\'s own fault after its one retry: their names', async () => {
    sns.topics.add(TOPIC);
    const { publishNotice } = await container();
    sns.failures.set(TOPIC, { code: 'Throttled', status: 400 });
    expectOnlyTheName(await failure(() => publishNotice(TOPIC, 'Subject', 'message')), 'ThrottledException');
    sns.requests.length = 0;
    sns.failures.set(TOPIC, { code: 'InternalError', status: 500 });
    expectOnlyTheName(await failure(() => publishNotice(TOPIC, 'Subject', 'message')), 'InternalErrorException');
    // Two attempts (platform/aws-calls.ts), then the error.
    expect(sns.requests).toHaveLength(2);
    expect(sns.published).toEqual([]);
  });
});

describe('a stalled SNS', () => {
  let stalled: StalledServer;
  beforeAll(async () => {
    stalled = await startStalledServer();
  });
  afterAll(() => stalled.close());

  it('fails the publish in about 2 s after two attempts, naming the timeout', async () => {
    const { publishNotice } = await container(stalled.url);
    const before = stalled.connections();
    const started = Date.now();
    const error = await failure(() => publishNotice(TOPIC, 'Subject', 'message'));
    const ms = Date.now() - started;
    expect(error.message).toBe('SNS Publish failed: TimeoutError');
    expect(stalled.connections() - before).toBe(2);
    expect(ms).toBeGreaterThanOrEqual(2_000);
    expect(ms).toBeLessThan(3_000);
  });

  it('inside a deadline, gives up one second after it', async () => {
    const { publishNotice, withDeadline } = await container(stalled.url);
    const started = Date.now();
    const error = await failure(() => withDeadline(started + 200, () => publishNotice(TOPIC, 'Subject', 'message')));
    const ms = Date.now() - started;
    expect(error.message).toMatch(/^SNS Publish failed: \w+$/);
    expect(ms).toBeGreaterThanOrEqual(1_200);
    expect(ms).toBeLessThan(1_700);
  });
});
