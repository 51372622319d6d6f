/**
 * The owner's listening is always the owner's, and a lost authorization always shows (issue 10,
 * points 1–3). Each container is a separately loaded module instance handling one request at a
 * time; the clock moves only where a test says so (Date alone: timers and I/O stay real).
 */
import { DeleteCommand, GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { documentClient } from '../../lib/platform/dynamo';
import { anotherContainer, askSpotifyEveryTime, card, highlights, type Result, useService } from '../support/service';
import { INTRUDER_ID, OWNER_ID } from '../support/spotify-emulator';

const service = useService({ HIGHLIGHTS_CACHE_SECONDS: '300', OWNER_RECHECK_SECONDS: '5' });

afterEach(() => {
  vi.useRealTimers();
});

/** Moves the clock (Date only) by `ms` from where it is now. */
function travel(ms: number) {
  vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + ms });
}

const body = (response: Result) => JSON.parse(response.body);
const artistIds = (response: Result): string[] => body(response).artists.map((artist: { id: string }) => artist.id);
const topOf = (userId: string) => service.model.topFor(userId, 'artists', 'short_term').slice(0, 5).map((artist) => artist.id);
const expired = () => ({ accessTokenExpiresAt: Date.now() - 1 });

/** The site changes hands: OWNER_SPOTIFY_ID names the new owner, who connects. */
async function handOverTo(userId: string) {
  process.env.OWNER_SPOTIFY_ID = userId;
  expect((await service.connect(userId)).statusCode).toBe(200);
}

describe('results belong to one owner', () => {
  it('a container warm before the site changed hands serves the new owner within OWNER_RECHECK_SECONDS, never the previous one after', async () => {
    await service.connect(INTRUDER_ID);
    const warm = await anotherContainer();
    expect(artistIds(await warm.highlights())).toEqual(topOf(INTRUDER_ID));

    await handOverTo(OWNER_ID);
    travel(5_000);
    expect(artistIds(await warm.highlights())).toEqual(topOf(OWNER_ID));
    expect(artistIds(await (await anotherContainer()).highlights())).toEqual(topOf(OWNER_ID));
  });

  it('between re-reads of the owner a warm hit does no I/O; at OWNER_RECHECK_SECONDS one consistent read of the owner', async () => {
    await service.connect();
    const warm = await anotherContainer();
    // The clock stands still from the owner's read, so a slow first request on a busy machine moves nothing.
    const readAt = Date.now();
    vi.useFakeTimers({ toFake: ['Date'], now: readAt });
    await warm.highlights();
    const send = vi.spyOn(warm.dynamo, 'send');
    vi.setSystemTime(readAt + 4_900);
    await warm.highlights();
    expect(send).not.toHaveBeenCalled();
    vi.setSystemTime(readAt + 5_100);
    await warm.highlights();
    expect(send).toHaveBeenCalledTimes(1);
    expect((send.mock.calls[0]?.[0] as { input: unknown }).input).toMatchObject({ Key: { pk: 'owner' }, ConsistentRead: true });
  });

  it('a request in flight with the previous owner\'s token when the site changed hands: its late answer is never stored or served as the new owner\'s', async () => {
    await service.connect(INTRUDER_ID);
    await service.updateOwner(expired());
    // The previous owner's Spotify answer arrives only after the new owner has connected.
    service.model.failNext('top', { delayMs: 1_500 });
    const inFlight = (await anotherContainer()).highlights();
    await new Promise((done) => setTimeout(done, 300));
    await handOverTo(OWNER_ID);
    const late = await inFlight;
    expect(late.statusCode).toBe(200);
    expect(artistIds(late)).toEqual(topOf(INTRUDER_ID));

    const topCalls = service.model.calls.top;
    expect(artistIds(await (await anotherContainer()).highlights())).toEqual(topOf(OWNER_ID));
    expect(artistIds(await highlights())).toEqual(topOf(OWNER_ID));
    expect(service.model.calls.top).toBe(topCalls + 1);
  });

  it('a slow request (longer than OWNER_RECHECK_SECONDS) that read the previous owner checks again before answering, and answers the new owner\'s', async () => {
    await service.connect(INTRUDER_ID);
    // The first call fails after 2.6 s and its one retry answers after 2.6 s more: 5.2 s in all, past
    // OWNER_RECHECK_SECONDS, with room left in the request's 10 s for the new owner's call on a slow machine.
    service.model.failNext('top', { status: 503, body: { error: { status: 503, message: 'Service unavailable' } }, delayMs: 2_600 });
    service.model.failNext('top', { delayMs: 2_600 });
    const inFlight = (await anotherContainer()).highlights();
    await new Promise((done) => setTimeout(done, 300));
    await handOverTo(OWNER_ID);
    const answered = await inFlight;
    expect(answered.statusCode).toBe(200);
    expect(artistIds(answered)).toEqual(topOf(OWNER_ID));
  }, 20_000);

  it('a refresh in flight for the previous owner when the item was deleted and another account connected never writes over the new owner\'s tokens', async () => {
    await service.connect(INTRUDER_ID);
    await service.updateOwner(expired());
    // The previous owner's refresh is answered only after the new owner has connected (at version 1 again).
    service.model.failNext('token', { delayMs: 1_500 });
    const inFlight = (await anotherContainer()).highlights();
    await new Promise((done) => setTimeout(done, 300));
    await documentClient().send(new DeleteCommand({ TableName: process.env.TABLE_NAME, Key: { pk: 'owner' } }));
    await service.connect(OWNER_ID);
    const bound = await service.owner();
    await inFlight;

    const owner = await service.owner();
    expect(owner).toMatchObject({ spotifyUserId: OWNER_ID, accessToken: bound?.accessToken, refreshToken: bound?.refreshToken, authorizationId: bound?.authorizationId });
    expect(owner?.reauthRequired).toBeUndefined();
    expect(artistIds(await (await anotherContainer()).highlights())).toEqual(topOf(OWNER_ID));
  });

  it('the owner item deleted by hand: no container serves the previous owner\'s results, then the next account to connect gets its own', async () => {
    await service.connect(INTRUDER_ID);
    const warm = await anotherContainer();
    await warm.highlights();
    await documentClient().send(new DeleteCommand({ TableName: process.env.TABLE_NAME, Key: { pk: 'owner' } }));
    travel(5_000);
    const gone = await warm.highlights();
    expect(gone.statusCode).toBe(503);
    expect(body(gone).error).toBe('not_authorized');
    expect((await (await anotherContainer()).highlights()).statusCode).toBe(503);

    await service.connect(OWNER_ID);
    expect(artistIds(await warm.highlights())).toEqual(topOf(OWNER_ID));
  });

  it('forgets the previous owner\'s stored results when the site changes hands', async () => {
    await service.connect(INTRUDER_ID);
    const previous = await service.owner();
    await highlights();
    await handOverTo(OWNER_ID);
    const { Item } = await documentClient().send(
      new GetCommand({
        TableName: process.env.TABLE_NAME,
        Key: { pk: `result#${INTRUDER_ID}#${previous?.authorizationId}#artists#short_term` },
      }),
    );
    expect(Item).toBeUndefined();
  });
});

describe('after the owner reconnects', () => {
  it('the next request is fresh in a container that was serving the refused authorization\'s last result', async () => {
    await service.connect();
    const container = await anotherContainer();
    await container.highlights();
    service.model.revokeRefreshTokens();
    await service.updateOwner(expired());
    travel(300_000);
    const refused = await container.highlights();
    expect(body(refused)).toMatchObject({ stale: true, reason: 'reauthorization_required' });

    expect((await service.connect()).statusCode).toBe(200);
    const fresh = await container.highlights();
    expect(fresh.statusCode).toBe(200);
    expect(body(fresh).stale).toBeUndefined();
    expect(body(fresh).reason).toBeUndefined();
  });

  it('the next request is fresh in a container inside its failure back-off, which spares Spotify, not DynamoDB', async () => {
    askSpotifyEveryTime('HIGHLIGHTS_CACHE_SECONDS');
    await service.connect();
    const container = await anotherContainer();
    await container.highlights();
    // Both the call and its one retry fail.
    service.model.failNext('top', { status: 503, body: { error: { status: 503, message: 'Service unavailable' } }, times: 2 });
    expect(body(await container.highlights())).toMatchObject({ stale: true, reason: 'spotify_unavailable' });
    const topCalls = service.model.calls.top;
    expect(body(await container.highlights())).toMatchObject({ stale: true });
    expect(service.model.calls.top).toBe(topCalls);

    expect((await service.connect()).statusCode).toBe(200);
    const fresh = await container.highlights();
    expect(body(fresh).stale).toBeUndefined();
    expect(service.model.calls.top).toBe(topCalls + 1);
  });
});

describe('a lost authorization always shows', () => {
  async function refuseAuthorization() {
    service.model.revokeRefreshTokens();
    await service.updateOwner(expired());
    travel(300_000);
  }

  it('/highlights keeps serving the last good result, marked stale with the reason, never cached', async () => {
    await service.connect();
    const good = body(await highlights());
    await refuseAuthorization();
    for (let i = 0; i < 2; i++) {
      const response = await highlights();
      expect(response.statusCode).toBe(200);
      expect(body(response)).toEqual({ ...good, stale: true, reason: 'reauthorization_required' });
      expect(response.headers['Cache-Control']).toBe('no-cache');
    }
    expect(service.model.calls.token.refresh_token).toBe(1);
  });

  it('/card.svg draws the "Reconnect Spotify" card (200), never the stale list, from the first request after the refusal', async () => {
    await service.connect();
    expect((await card()).body).toContain('>Top artists</text>');
    await refuseAuthorization();
    for (let i = 0; i < 2; i++) {
      const response = await card();
      expect(response.statusCode).toBe(200);
      expect(response.body).toContain('>Reconnect Spotify</text>');
      expect(response.body).not.toContain('>Top artists</text>');
      expect(response.headers['Cache-Control']).toBe('no-store');
    }
  });

  it('a card container answering from memory shows the "Reconnect Spotify" card within OWNER_RECHECK_SECONDS of the refusal', async () => {
    await service.connect();
    const cardContainer = await anotherContainer();
    expect((await cardContainer.card()).body).toContain('>Top artists</text>');
    service.model.revokeRefreshTokens();
    await service.updateOwner(expired());
    // Another function meets the refusal (a list nobody has fetched yet) and records it.
    expect(body(await (await anotherContainer()).highlights({ type: 'tracks' })).error).toBe('reauthorization_required');
    expect((await service.owner())?.reauthRequired).toBe(true);

    travel(5_000);
    const response = await cardContainer.card();
    expect(response.statusCode).toBe(200);
    expect(response.body).toContain('>Reconnect Spotify</text>');
    expect(response.body).not.toContain('>Top artists</text>');
  });

  it.each([
    ['an outage', 'spotify_unavailable', 502, () => service.model.failNext('top', { status: 503, body: { error: { status: 503, message: 'down' } }, times: 20 })],
    ['a refused authorization', 'reauthorization_required', 503, () => service.model.revokeRefreshTokens()],
  ] as const)('serves a stale result after %s only until STALE_MAX_SECONDS after its fetchedAt, then answers the error', async (_, reason, status, fail) => {
    process.env.STALE_MAX_SECONDS = '3600';
    askSpotifyEveryTime('HIGHLIGHTS_CACHE_SECONDS');
    await service.connect();
    const fetchedAt = Date.parse(body(await highlights()).fetchedAt);
    fail();
    // By then the hour-long access token is due for a refresh, which a refused authorization fails.
    vi.useFakeTimers({ toFake: ['Date'], now: fetchedAt + 3_599_000 });
    const stale = await (await anotherContainer()).highlights();
    expect(stale.statusCode).toBe(200);
    expect(body(stale)).toMatchObject({ stale: true, reason });

    vi.useFakeTimers({ toFake: ['Date'], now: fetchedAt + 3_601_000 });
    const tooOld = await (await anotherContainer()).highlights();
    expect(tooOld.statusCode).toBe(status);
    expect(body(tooOld).error).toBe(reason);
  });
});
