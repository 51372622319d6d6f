/**
 * A failing token endpoint is called once, not once per waiter; a refused refresh token can
 * never shadow a good one (issue 10, points 4 and 5). Containers are separately loaded module
 * instances, each handling one request at a time.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { handler as statusHandler } from '../../handlers/http/status';
import { saveRefreshedTokens } from '../../lib/owner/owner-updates';
import { FIRST_REFRESH_BACKOFF_MS, MAX_REFRESH_BACKOFF_MS, refreshBackoffMs } from '../../lib/owner/spotify-trouble';
import { httpEvent, lambdaContext } from '../support/events';
import { anotherContainer, ASK_EVERY_TIME, card, highlights, type Container, type Result, useService } from '../support/service';

const service = useService({ HIGHLIGHTS_CACHE_SECONDS: '0', ...ASK_EVERY_TIME });

afterEach(() => {
  vi.useRealTimers();
});

const body = (response: Result) => JSON.parse(response.body);
const expired = () => ({ accessTokenExpiresAt: Date.now() - 1 });
const refreshCalls = () => service.model.calls.token.refresh_token;

type Handler = (event: ReturnType<typeof httpEvent>, context: ReturnType<typeof lambdaContext>) => Promise<unknown>;
const status = async () => body((await (statusHandler as Handler)(httpEvent('/status'), lambdaContext('status'))) as Result);

async function containers(count: number): Promise<Container[]> {
  const loaded: Container[] = [];
  for (let i = 0; i < count; i++) loaded.push(await anotherContainer());
  return loaded;
}

describe('a failing token endpoint', () => {
  it('is called at most twice when 50 containers meet the expired token together and it answers 500 slowly (slower than the lease)', async () => {
    await service.connect();
    const good = body(await highlights());
    const fifty = await containers(50);
    await service.updateOwner(expired());
    service.model.failNext('token', { status: 500, body: { error: 'server_error' }, delayMs: 6_000, times: 100 });

    const answers = await Promise.all(fifty.map((container) => container.highlights()));
    console.log(`token calls by 50 containers at expiry: ${refreshCalls()}`);
    expect(refreshCalls()).toBeLessThanOrEqual(2);
    for (const answer of answers) {
      expect(answer.statusCode).toBe(200);
      expect(body(answer)).toMatchObject({ artists: good.artists, stale: true });
      expect(['spotify_timeout', 'spotify_unavailable']).toContain(body(answer).reason);
    }
    const owner = await service.owner();
    expect(owner?.refreshFailures).toBe(1);
    expect(owner?.refreshRetryAt).toBeGreaterThan(Date.now());
  }, 60_000);

  it('backs off 5 s after a first failure, doubling on repeats up to a minute, and every container honours it', async () => {
    expect([1, 2, 3, 4, 5, 6, 9].map(refreshBackoffMs)).toEqual([5_000, 10_000, 20_000, 40_000, 60_000, 60_000, 60_000]);
    expect(FIRST_REFRESH_BACKOFF_MS).toBe(5_000);
    expect(MAX_REFRESH_BACKOFF_MS).toBe(60_000);

    await service.connect();
    await service.updateOwner(expired());
    service.model.failNext('token', { status: 503, body: { error: 'server_error' }, times: 2 });
    const start = Date.now();
    expect((await highlights()).statusCode).toBe(502);
    expect(refreshCalls()).toBe(1);
    expect((await service.owner())?.refreshRetryAt).toBeGreaterThanOrEqual(start + 5_000);

    vi.useFakeTimers({ toFake: ['Date'], now: start + 4_500 });
    expect((await (await anotherContainer()).highlights()).statusCode).toBe(502);
    expect(refreshCalls()).toBe(1);

    vi.useFakeTimers({ toFake: ['Date'], now: start + 5_500 });
    expect((await (await anotherContainer()).highlights()).statusCode).toBe(502);
    expect(refreshCalls()).toBe(2);
    const owner = await service.owner();
    expect(owner?.refreshFailures).toBe(2);
    expect(owner?.refreshRetryAt).toBeGreaterThanOrEqual(start + 5_500 + 10_000);
    // When the streak began, for the watch's "failing for more than a day" notice: the first failure's time.
    expect(Date.parse(owner!.refreshFailingSince!)).toBeLessThan(start + 4_500);
    expect((await status()).lastRefresh).toMatchObject({ outcome: 'unavailable' });

    // A good refresh ends the back-off and its count.
    vi.useFakeTimers({ toFake: ['Date'], now: start + 16_000 });
    expect((await highlights()).statusCode).toBe(200);
    const healed = await service.owner();
    expect(healed?.refreshFailures).toBeUndefined();
    expect(healed?.refreshRetryAt).toBeUndefined();
    expect(healed?.refreshFailingSince).toBeUndefined();
  });
});

describe('a refused refresh token cannot shadow a good one', () => {
  it('marking re-authorization required moves the version, so a refresh that started before cannot store over the mark', async () => {
    await service.connect();
    const before = await service.owner();
    service.model.revokeRefreshTokens();
    await service.updateOwner(expired());
    expect(body(await highlights()).error).toBe('reauthorization_required');
    const marked = await service.owner();
    expect(marked?.reauthRequired).toBe(true);
    expect(marked?.version).toBe((before?.version ?? 0) + 1);

    const late = await saveRefreshedTokens(before!, { accessToken: 'late', accessTokenExpiresAt: Date.now() + 3_600_000 });
    expect(late).toBeUndefined();
    expect(await service.owner()).toMatchObject({ reauthRequired: true, accessToken: marked?.accessToken });
  });

  it('a rotated token one container could not store is stored by its next request, even after another container met the refusal of the old one', async () => {
    service.model.rotateRefreshTokens = true;
    await service.connect();
    const rotatedFrom = (await service.owner())?.refreshToken;
    await service.updateOwner(expired());

    const unlucky = await anotherContainer();
    const original = unlucky.dynamo.send.bind(unlucky.dynamo) as (command: unknown) => Promise<unknown>;
    const send = vi.spyOn(unlucky.dynamo, 'send').mockImplementation(((command: { input: { UpdateExpression?: string } }) => {
      if (command.input.UpdateExpression?.includes('refreshToken = :refresh')) {
        return Promise.reject(Object.assign(new Error('boom'), { name: 'InternalServerError' }));
      }
      return original(command);
    }) as never);
    expect(body(await unlucky.highlights()).error).toBe('storage_unavailable');
    send.mockRestore();
    expect(refreshCalls()).toBe(1);

    // Spotify rotated the token: the old one, still stored, is refused to the next container.
    expect(body(await (await anotherContainer()).highlights()).error).toBe('reauthorization_required');
    expect((await service.owner())?.reauthRequired).toBe(true);

    const recovered = await unlucky.highlights();
    expect(recovered.statusCode).toBe(200);
    expect(body(recovered).stale).toBeUndefined();
    const owner = await service.owner();
    expect(owner?.reauthRequired).toBeUndefined();
    expect(owner?.refreshToken).not.toBe(rotatedFrom);
    expect(await status()).toMatchObject({ connected: true, reauthorizationRequired: false });
    expect(refreshCalls()).toBe(2);
  });

  it('a token call that timed out counts as a failure, not as "nothing rotated": when Spotify had rotated, the owner is told to reconnect', async () => {
    service.model.rotateRefreshTokens = true;
    await service.connect();
    await highlights();
    await service.updateOwner(expired());
    // Spotify serves the refresh (and rotates the token), but its answer arrives too late.
    service.model.failNext('token', { delayMs: 10_000 });
    const start = Date.now();
    const timedOut = await highlights();
    expect(timedOut.statusCode).toBe(200);
    expect(body(timedOut)).toMatchObject({ stale: true, reason: 'spotify_timeout' });
    expect(await service.owner()).toMatchObject({ lastRefreshOutcome: 'timeout', refreshFailures: 1 });
    expect((await status()).lastRefresh).toMatchObject({ outcome: 'timeout' });

    // Past the token endpoint's back-off and this container's own.
    vi.useFakeTimers({ toFake: ['Date'], now: start + 15_000 });
    const told = await highlights();
    expect(body(told)).toMatchObject({ stale: true, reason: 'reauthorization_required' });
    expect((await card()).body).toContain('>Reconnect Spotify</text>');
    expect(await status()).toMatchObject({ reauthorizationRequired: true, connected: false });
  }, 30_000);

  /** Makes `container`'s DynamoDB refuse the writes whose update expression contains `text`, until restored. */
  function failWrites(container: Container, text: string) {
    const original = container.dynamo.send.bind(container.dynamo) as (command: unknown) => Promise<unknown>;
    return vi.spyOn(container.dynamo, 'send').mockImplementation(((command: { input: { UpdateExpression?: string } }) => {
      if (command.input.UpdateExpression?.includes(text)) return Promise.reject(Object.assign(new Error('boom'), { name: 'InternalServerError' }));
      return original(command);
    }) as never);
  }

  it('tokens left in memory that were not rotated never clear a genuine refusal', async () => {
    await service.connect();
    await highlights();
    await service.updateOwner(expired());
    const unlucky = await anotherContainer();
    const writes = failWrites(unlucky, 'accessToken = :access');
    expect(body(await unlucky.highlights()).error).toBe('storage_unavailable');
    writes.mockRestore();

    // The owner revokes the app; another container meets the refusal.
    service.model.revokeRefreshTokens();
    expect(body(await (await anotherContainer()).highlights())).toMatchObject({ stale: true, reason: 'reauthorization_required' });

    const next = await unlucky.highlights();
    expect(body(next)).toMatchObject({ stale: true, reason: 'reauthorization_required' });
    expect((await service.owner())?.reauthRequired).toBe(true);
    expect((await unlucky.card()).body).toContain('>Reconnect Spotify</text>');
  });

  it('a refresh whose item moved on meanwhile still stores the refresh token Spotify rotated, as long as the item holds the one it came from', async () => {
    service.model.rotateRefreshTokens = true;
    await service.connect();
    const before = await service.owner();
    await service.updateOwner(expired());
    service.model.failNext('token', { delayMs: 1_000 });
    const inFlight = highlights();
    await new Promise((done) => setTimeout(done, 300));
    // Something else moves the version (as marking a refusal of the rotated-away token would).
    await service.updateOwner({ version: (before?.version ?? 0) + 5 });
    expect((await inFlight).statusCode).toBe(200);

    const owner = await service.owner();
    expect(owner?.refreshToken).not.toBe(before?.refreshToken);
    const refreshed = service.model.token({
      authorizationHeader: `Basic ${Buffer.from('test-client-id:test-client-secret').toString('base64')}`,
      form: { grant_type: 'refresh_token', refresh_token: owner?.refreshToken },
    });
    expect(refreshed.status).toBe(200);
  });

  it('a storage blip while marking a refusal does not hide it: the answer still says to reconnect', async () => {
    await service.connect();
    await highlights();
    service.model.revokeRefreshTokens();
    await service.updateOwner(expired());
    const container = await anotherContainer();
    const writes = failWrites(container, 'reauthRequired = :yes');
    const answered = await container.highlights();
    writes.mockRestore();
    expect(body(answered)).toMatchObject({ stale: true, reason: 'reauthorization_required' });

    const cardContainer = await anotherContainer();
    const cardWrites = failWrites(cardContainer, 'reauthRequired = :yes');
    const drawn = await cardContainer.card();
    cardWrites.mockRestore();
    expect(drawn.statusCode).toBe(200);
    expect(drawn.body).toContain('>Reconnect Spotify</text>');
  });
});

describe('the refresh lease', () => {
  it('is renewed right before the token call: a holder slowed past the lease does not call Spotify while another holds it', async () => {
    await service.connect();
    await service.updateOwner(expired());
    const slow = await anotherContainer();
    const other = await anotherContainer();
    // The slow container's first read of the owner after taking the lease takes 5.5 s (longer than the lease).
    const original = slow.dynamo.send.bind(slow.dynamo) as (command: unknown) => Promise<unknown>;
    let leaseTaken = false;
    let delayed = false;
    vi.spyOn(slow.dynamo, 'send').mockImplementation((async (command: { input: { Item?: { pk?: string }; Key?: { pk?: string } } }) => {
      if (leaseTaken && !delayed && command.input.Key?.pk === 'owner') {
        delayed = true;
        await new Promise((done) => setTimeout(done, 5_500));
      }
      const result = await original(command);
      if (command.input.Item?.pk === 'refresh-lease') leaseTaken = true;
      return result;
    }) as never);
    // The other container's refresh, once it has the lapsed lease, is answered late.
    service.model.failNext('token', { delayMs: 1_500 });
    const first = slow.highlights();
    await new Promise((done) => setTimeout(done, 200));
    const second = other.highlights();
    const answers = await Promise.all([first, second]);
    expect(delayed).toBe(true);
    expect(answers.map((answer) => answer.statusCode)).toEqual([200, 200]);
    expect(refreshCalls()).toBe(1);
  }, 20_000);
});
