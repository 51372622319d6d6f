/**
 * The token lifecycle under faults and concurrency: one refresh at a time across containers,
 * rotation safety, invalid_grant, rate limits, outages, storage failures and stale serving.
 */
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it, vi } from 'vitest';
import { handler as statusHandler } from '../../handlers/http/status';
import { documentClient } from '../../lib/platform/dynamo';
import { logger } from '../../lib/platform/logger';
import { authorizationWindow } from '../../lib/owner/authorization-window';
import { saveRefreshedTokens } from '../../lib/owner/owner-updates';
import { httpEvent, lambdaContext } from '../support/events';
import { askSpotifyEveryTime, highlights, highlightsInAnotherContainer, type Result, useService } from '../support/service';

const service = useService();

function json(response: { body: string }) {
  return JSON.parse(response.body);
}

type Handler = (event: ReturnType<typeof httpEvent>, context: ReturnType<typeof lambdaContext>) => Promise<unknown>;


async function status() {
  return json((await (statusHandler as Handler)(httpEvent('/status'), lambdaContext('status'))) as Result);
}

/** 50 concurrent requests spread over 3 containers, with Spotify slow enough for them to overlap; their statuses. */
async function burstFromThreeContainers(): Promise<(number | undefined)[]> {
  service.model.latencyMs = 30;
  const containers = [await highlightsInAnotherContainer(), await highlightsInAnotherContainer(), await highlightsInAnotherContainer()];
  const responses = await Promise.all(Array.from({ length: 50 }, (_, i) => containers[i % 3]!()));
  return responses.map((response) => response.statusCode);
}

const expired = () => ({ accessTokenExpiresAt: Date.now() - 1000 });

describe('one refresh at a time, across containers', () => {
  it('50 concurrent requests at expiry from 3 containers cause exactly 1 refresh, and all answer 200', async () => {
    askSpotifyEveryTime('HIGHLIGHTS_CACHE_SECONDS');
    await service.connect();
    await service.updateOwner(expired());
    expect(await burstFromThreeContainers()).toEqual(Array(50).fill(200));
    expect(service.model.calls.token.refresh_token).toBe(1);
  });

  it('50 concurrent 401s from Spotify across 3 containers cause exactly 1 refresh, and all answer 200', async () => {
    askSpotifyEveryTime('HIGHLIGHTS_CACHE_SECONDS');
    await service.connect();
    service.model.expireAccessTokens();
    expect(await burstFromThreeContainers()).toEqual(Array(50).fill(200));
    expect(service.model.calls.token.refresh_token).toBe(1);
  });

  it('a lease left by a container that died lapses, and the refresh goes ahead', async () => {
    await service.connect();
    await service.updateOwner(expired());
    await documentClient().send(
      new PutCommand({ TableName: process.env.TABLE_NAME, Item: { pk: 'refresh-lease', holder: 'dead-container', expiresAt: Date.now() + 700 } }),
    );
    const response = await highlights();
    expect(response.statusCode).toBe(200);
    expect(service.model.calls.token.refresh_token).toBe(1);
  });
});

describe('rotation safety', () => {
  it('never lets an older refresh overwrite newer tokens', async () => {
    await service.connect();
    const owner = await service.owner();
    const first = await saveRefreshedTokens(owner!, { accessToken: 'newer', accessTokenExpiresAt: Date.now() + 3600_000, refreshToken: 'newer-refresh' });
    expect(first?.refreshToken).toBe('newer-refresh');
    const late = await saveRefreshedTokens(owner!, { accessToken: 'older', accessTokenExpiresAt: Date.now() + 3600_000, refreshToken: 'older-refresh' });
    expect(late).toBeUndefined();
    expect(await service.owner()).toMatchObject({ accessToken: 'newer', refreshToken: 'newer-refresh', version: owner!.version + 1 });
  });

  it('never stores an empty refresh token', async () => {
    await service.connect();
    const before = await service.owner();
    await service.updateOwner(expired());
    service.model.failNext('token', {
      status: 200,
      body: { access_token: 'fresh-access', token_type: 'Bearer', scope: 'user-top-read', expires_in: 3600, refresh_token: '' },
    });
    // The emulator does not know 'fresh-access', so the service refreshes again with the token it kept.
    expect((await highlights()).statusCode).toBe(200);
    expect(service.model.calls.token.refresh_token).toBe(2);
    expect((await service.owner())?.refreshToken).toBe(before?.refreshToken);
  });

  it('stores a rotated refresh token before the new access token is used', async () => {
    service.model.rotateRefreshTokens = true;
    await service.connect();
    await service.updateOwner(expired());
    // The write of the rotated token fails: the new access token must not be used.
    const client = documentClient();
    const original = client.send.bind(client) as (command: unknown) => Promise<unknown>;
    const send = vi.spyOn(client, 'send').mockImplementation(((command: { input: { UpdateExpression?: string } }) => {
      if (command.input.UpdateExpression?.includes('refreshToken = :refresh')) {
        return Promise.reject(Object.assign(new Error('boom'), { name: 'InternalServerError' }));
      }
      return original(command);
    }) as never);
    const response = await highlights();
    send.mockRestore();
    expect(response.statusCode).toBe(503);
    expect(json(response).error).toBe('storage_unavailable');
    expect(service.model.calls.token.refresh_token).toBe(1);
    expect(service.model.calls.top).toBe(0);

    // Spotify already rotated the refresh token: the container stores what it was given with the
    // next request instead of losing it, and needs no second refresh.
    const retried = await highlights();
    expect(retried.statusCode).toBe(200);
    expect(service.model.calls.token.refresh_token).toBe(1);
    const owner = await service.owner();
    const refreshed = service.model.token({
      authorizationHeader: `Basic ${Buffer.from('test-client-id:test-client-secret').toString('base64')}`,
      form: { grant_type: 'refresh_token', refresh_token: owner?.refreshToken },
    });
    expect(refreshed.status).toBe(200);
  });
});

describe('invalid_grant', () => {
  it('records that re-authorization is needed, stops calling the token endpoint, and answers 503 with the /login hint', async () => {
    askSpotifyEveryTime('HIGHLIGHTS_CACHE_SECONDS');
    await service.connect();
    service.model.revokeRefreshTokens();
    await service.updateOwner(expired());

    for (let i = 0; i < 3; i++) {
      const response = await highlights();
      expect(response.statusCode).toBe(503);
      expect(json(response)).toEqual({ error: 'reauthorization_required', message: expect.stringContaining('/login') });
    }
    expect(service.model.calls.token.refresh_token).toBe(1);
    expect(await status()).toMatchObject({ reauthorizationRequired: true, connected: false, lastRefresh: { outcome: 'invalid_grant' } });
  });

  it('serves the last good result marked stale when there is one', async () => {
    askSpotifyEveryTime('HIGHLIGHTS_CACHE_SECONDS');
    await service.connect();
    const good = json(await highlights());
    service.model.revokeRefreshTokens();
    await service.updateOwner(expired());

    const response = await highlights();
    expect(response.statusCode).toBe(200);
    expect(json(response)).toEqual({ ...good, stale: true, reason: 'reauthorization_required' });
  });

  it('is cleared by the owner\'s next successful login', async () => {
    await service.connect();
    service.model.revokeRefreshTokens();
    await service.updateOwner(expired());
    expect((await highlights()).statusCode).toBe(503);

    expect((await service.connect()).statusCode).toBe(200);
    expect((await service.owner())?.reauthRequired).toBeUndefined();
    expect((await highlights()).statusCode).toBe(200);
    expect((await status()).reauthorizationRequired).toBe(false);
  });
});

describe('Spotify rate limits', () => {
  it('honours Retry-After in every container: no call to Spotify before it passes', async () => {
    askSpotifyEveryTime('HIGHLIGHTS_CACHE_SECONDS');
    await service.connect();
    service.model.rateLimit({ retryAfterSeconds: 120 });
    const first = await highlights();
    expect(first.statusCode).toBe(503);
    expect(first.headers['Retry-After']).toBe('120');
    const calls = service.model.requests.length;

    const other = await highlightsInAnotherContainer();
    const second = await other();
    expect(second.statusCode).toBe(503);
    expect(Number(second.headers['Retry-After'])).toBeGreaterThan(100);
    expect(service.model.requests.length).toBe(calls);
    expect((await status()).rateLimitedUntil).toEqual(expect.any(String));
  });

  it('serves the last good result marked stale while rate-limited', async () => {
    askSpotifyEveryTime('HIGHLIGHTS_CACHE_SECONDS');
    await service.connect();
    const good = json(await highlights());
    service.model.rateLimit({ retryAfterSeconds: 60 });
    const response = await highlights();
    expect(response.statusCode).toBe(200);
    expect(json(response)).toEqual({ ...good, stale: true, reason: 'rate_limited' });
  });
});

describe('Spotify outages', () => {
  it('serves the last good result marked stale when Spotify keeps failing, then stops asking for a while', async () => {
    askSpotifyEveryTime('HIGHLIGHTS_CACHE_SECONDS');
    await service.connect();
    const good = json(await highlights());
    service.model.failNext('top', { status: 503, body: { error: { status: 503, message: 'Service unavailable' } }, times: 10 });
    const stale = await highlights();
    expect(stale.statusCode).toBe(200);
    expect(json(stale)).toEqual({ ...good, stale: true, reason: 'spotify_unavailable' });
    expect(stale.headers['Cache-Control']).toBe('no-cache');
    const topCalls = service.model.calls.top;
    expect((await highlights()).statusCode).toBe(200);
    expect(service.model.calls.top).toBe(topCalls);
    expect((await status()).lastSpotifyError).toMatchObject({ kind: 'unavailable', status: 503 });
  });

  it('serves the last good result marked stale when Spotify hangs', async () => {
    askSpotifyEveryTime('HIGHLIGHTS_CACHE_SECONDS');
    await service.connect();
    const good = json(await highlights());
    service.model.failNext('top', { status: 200, body: {}, delayMs: 20_000, times: 2 });
    const response = await highlights();
    expect(response.statusCode).toBe(200);
    expect(json(response)).toEqual({ ...good, stale: true, reason: 'spotify_timeout' });
  });
});

describe('DynamoDB failures', () => {
  it('answers 503 JSON and leaves the stored tokens as they were', async () => {
    await service.connect();
    const before = await service.owner();
    const send = vi.spyOn(documentClient(), 'send').mockRejectedValue(Object.assign(new Error('down'), { name: 'ServiceUnavailable' }));
    const response = await highlights();
    send.mockRestore();
    expect(response.statusCode).toBe(503);
    expect(json(response)).toEqual({ error: 'storage_unavailable', message: expect.any(String) });
    expect(await service.owner()).toEqual(before);
  });
});

describe('GET /status', () => {
  it('says nobody is connected yet', async () => {
    expect(await status()).toMatchObject({ connected: false, owner: null, warning: expect.stringContaining('/login') });
  });

  it('shows the owner and the six-month countdown from the stored authorization time, and no token', async () => {
    await service.connect();
    const authorizedAt = new Date(Date.now() - 30 * 86_400_000).toISOString();
    await service.updateOwner({ authorizedAt });
    const body = await status();
    // The rule itself (six months, the earlier end) has its own tests: here, that /status follows it.
    const end = new Date(authorizationWindow(authorizedAt).expiresAt);
    expect(body).toMatchObject({
      connected: true,
      owner: { spotifyUserId: 'owner-user', displayName: 'Site Owner' },
      authorizedAt,
      authorizationExpiresAt: end.toISOString(),
      daysLeft: Math.floor((end.getTime() - Date.now()) / 86_400_000),
      warning: null,
      scopes: ['user-top-read', 'user-read-currently-playing', 'user-read-recently-played'],
      missingScopes: [],
      reauthorizationRequired: false,
    });
    const owner = await service.owner();
    const text = JSON.stringify(body);
    for (const secret of [owner?.accessToken, owner?.refreshToken, 'test-client-secret']) expect(text).not.toContain(secret);
  });

  it('warns, in a field and a log line, from 14 days before Spotify ends the authorization', async () => {
    await service.connect();
    const authorizedAt = new Date();
    authorizedAt.setUTCMonth(authorizedAt.getUTCMonth() - 6);
    authorizedAt.setUTCDate(authorizedAt.getUTCDate() + 10);
    await service.updateOwner({ authorizedAt: authorizedAt.toISOString() });
    const warn = vi.spyOn(logger, 'warn');
    const body = await status();
    expect(body.daysLeft).toBeLessThanOrEqual(10);
    expect(body.warning).toMatch(/open \/login to renew/);
    expect(warn).toHaveBeenCalledWith(expect.stringMatching(/will end this authorization/), expect.objectContaining({ daysLeft: body.daysLeft }));
  });

  it('does not warn 15 days before the end', async () => {
    await service.connect();
    const authorizedAt = new Date();
    authorizedAt.setUTCMonth(authorizedAt.getUTCMonth() - 6);
    authorizedAt.setUTCDate(authorizedAt.getUTCDate() + 16);
    await service.updateOwner({ authorizedAt: authorizedAt.toISOString() });
    expect((await status()).warning).toBeNull();
  });
});
