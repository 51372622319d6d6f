/**
 * Every AWS call has a deadline, through the real handlers: a DynamoDB that accepts connections
 * and never answers (a real socket, tests/support/stalled-server.ts) makes a request fail fast
 * with a clear 503, and a request that timed out never leaves the refresh lease held beyond its
 * lapse. (A stalled SSM: tests/unit/platform/client-secret.test.ts.)
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterEach, describe, expect, inject, it, vi } from 'vitest';
import { FETCH_WAIT_MS } from '../../lib/listening/cached-source';
import { LEASE_MS } from '../../lib/owner/access-token';
import { AFTER_DEADLINE_MS } from '../../lib/platform/aws-calls';
import { documentClient } from '../../lib/platform/dynamo';
import { httpEvent, lambdaContext } from '../support/events';
import { useService, type Result } from '../support/service';
import { startStalledServer, type StalledServer } from '../support/stalled-server';

const service = useService();

type Handler = (event: ReturnType<typeof httpEvent>, context: ReturnType<typeof lambdaContext>) => Promise<unknown>;

/** The function's timeout (serverless.yml). */
const FUNCTION_TIMEOUT_MS = 10_000;

let stalled: StalledServer | undefined;
afterEach(async () => {
  process.env.DYNAMODB_ENDPOINT = inject('dynamoEndpoint');
  await stalled?.close();
  stalled = undefined;
});

/** The function `name` in another container (a fresh copy of every module) whose DynamoDB is at `endpoint`; it times each call. */
async function freshFunction(name: 'highlights' | 'card', endpoint: string) {
  process.env.DYNAMODB_ENDPOINT = endpoint;
  vi.resetModules();
  const { handler } = (await import(`../../handlers/http/${name}.ts`)) as { handler: Handler };
  const path = name === 'card' ? '/card.svg' : '/highlights';
  return async (remainingMs = FUNCTION_TIMEOUT_MS) => {
    const started = Date.now();
    const response = (await handler(httpEvent(path), { ...lambdaContext(name), getRemainingTimeInMillis: () => remainingMs })) as Result;
    return { response, ms: Date.now() - started };
  };
}

describe('a DynamoDB that accepts connections and never answers', () => {
  it('answers /highlights 503 storage_unavailable within 3 s, long before the function times out', async () => {
    await service.connect();
    stalled = await startStalledServer();
    const { response, ms } = await (await freshFunction('highlights', stalled.url))();
    expect(response.statusCode).toBe(503);
    expect(JSON.parse(response.body)).toEqual({ error: 'storage_unavailable', message: expect.any(String) });
    expect(stalled.connections()).toBeGreaterThan(0);
    // Measured: 2.0–2.1 s (two attempts of one second, platform/aws-calls.ts), against 10 s.
    expect(ms).toBeLessThan(3_000);
  });

  it('answers /card.svg 503 with an SVG card saying so, as fast', async () => {
    await service.connect();
    stalled = await startStalledServer();
    const { response, ms } = await (await freshFunction('card', stalled.url))();
    expect(response.statusCode).toBe(503);
    expect(response.headers['Content-Type']).toBe('image/svg+xml; charset=utf-8');
    expect(response.body).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    expect(response.body).toContain('Spotify highlights are unavailable');
    expect(response.body).toContain('The token store is not answering right now');
    expect(ms).toBeLessThan(3_000);
  });
});

describe('the request\'s deadline', () => {
  it('cuts a stalled DynamoDB call short when the function has little time left', async () => {
    await service.connect();
    stalled = await startStalledServer();
    // 1.7 s left: the deadline is 0.2 s away (route.ts), and AWS calls end a second after it.
    const { response, ms } = await (await freshFunction('highlights', stalled.url))(1_700);
    expect(response.statusCode).toBe(503);
    expect(ms).toBeGreaterThanOrEqual(200 + AFTER_DEADLINE_MS);
    expect(ms).toBeLessThan(1_700);
  });
});

/** The refresh lease as stored, read straight from dynalite. */
async function storedLease(): Promise<{ holder: string; expiresAt: number } | undefined> {
  const { Item } = await documentClient().send(new GetCommand({ TableName: process.env.TABLE_NAME, Key: { pk: 'refresh-lease' } }));
  return Item as { holder: string; expiresAt: number } | undefined;
}

describe('the refresh lease of a request that timed out', () => {
  it('when DynamoDB stalls right after the lease is taken: the request answers 503 in time, and the lease lapses on time', async () => {
    await service.connect();
    await service.updateOwner({ accessTokenExpiresAt: Date.now() - 1000 });
    const before = await service.owner();
    stalled = await startStalledServer(inject('dynamoEndpoint'));
    stalled.stallAfter('refresh-lease');
    const { response, ms } = await (await freshFunction('highlights', stalled.url))();
    expect(response.statusCode).toBe(503);
    expect(JSON.parse(response.body).error).toBe('storage_unavailable');
    // Two stalled calls (reading the owner, releasing the lease) of about 2 s each, inside the 8 s deadline.
    expect(ms).toBeLessThan(5_000);
    expect(service.model.calls.token.refresh_token).toBe(0);
    expect(await service.owner()).toEqual(before);

    // The release never reached DynamoDB: the lease is held until it lapses, LEASE_MS after it was taken, and no longer.
    const lease = await storedLease();
    const takenBy = stalled.stalledAt()!;
    expect(lease?.expiresAt).toBeGreaterThan(takenBy);
    expect(lease?.expiresAt).toBeLessThanOrEqual(takenBy + LEASE_MS);
    const other = await freshFunction('highlights', inject('dynamoEndpoint'));
    expect((await other()).response.statusCode).toBe(200);
    expect(Date.now()).toBeGreaterThanOrEqual(lease!.expiresAt);
    // It first waits, at most FETCH_WAIT_MS, for the result the stalled container held the fetch lease for.
    expect(Date.now()).toBeLessThan(lease!.expiresAt + FETCH_WAIT_MS + 1_000);
    expect(service.model.calls.token.refresh_token).toBe(1);
  });

  it('when Spotify\'s token endpoint hangs until the deadline: the lease is still released, and the failure recorded', async () => {
    await service.connect();
    await service.updateOwner({ accessTokenExpiresAt: Date.now() - 1000 });
    service.model.failNext('token', { stall: true });
    // 3 s left: the deadline is 1.5 s away, so the token call is cut at it.
    const { response, ms } = await (await freshFunction('highlights', inject('dynamoEndpoint')))(3_000);
    expect(response.statusCode).toBe(504);
    expect(JSON.parse(response.body).error).toBe('spotify_timeout');
    // Answered at the deadline, well before the function's timeout 1.5 s later.
    expect(ms).toBeGreaterThanOrEqual(1_500);
    expect(ms).toBeLessThan(2_500);
    expect(await storedLease()).toBeUndefined();
    expect(await service.owner()).toMatchObject({ lastRefreshOutcome: 'timeout', lastSpotifyError: { kind: 'timeout' } });
  });
});
