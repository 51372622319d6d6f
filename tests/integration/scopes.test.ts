/**
 * Scopes (issue 11, points 1–3): /login asks for the three read scopes; an owner who authorized
 * before the player scopes keeps top lists, and gets scope_missing for the player endpoints
 * without a call to Spotify; a token Spotify refuses for a scope gets one refresh and one retry,
 * then the refusal is recorded until the owner connects again.
 */
import { describe, expect, it } from 'vitest';
import { handler as statusHandler } from '../../handlers/http/status';
import { httpEvent, lambdaContext } from '../support/events';
import { anotherContainer, card, highlights, nowPlaying, nowPlayingCard, recentlyPlayed, useService, type Result } from '../support/service';
import { OWNER_ID } from '../support/spotify-emulator';

const service = useService();

const body = (response: Result) => JSON.parse(response.body);
type Handler = (event: ReturnType<typeof httpEvent>, context: ReturnType<typeof lambdaContext>) => Promise<unknown>;
const status = async () => body((await (statusHandler as Handler)(httpEvent('/status'), lambdaContext('status'))) as Result);
const ALL = ['user-top-read', 'user-read-currently-playing', 'user-read-recently-played'];
const playerCalls = () => service.model.calls.currentlyPlaying + service.model.calls.recentlyPlayed;

/** An owner who authorized when the service asked for user-top-read alone: their tokens, and what is stored. */
async function ownerFromBefore() {
  await service.connect();
  const tokens = service.model.issueTokens(OWNER_ID, { scopes: ['user-top-read'] });
  await service.updateOwner({ accessToken: tokens.access_token, refreshToken: tokens.refresh_token, scopes: ['user-top-read'] });
}

describe('an owner who allowed only user-top-read', () => {
  it('keeps their top lists', async () => {
    await ownerFromBefore();
    expect((await highlights()).statusCode).toBe(200);
    expect((await card()).body).toContain('>Top artists</text>');
  });

  it('gets 503 scope_missing from /now-playing and /recently-played, telling them to open /login again, without a call to Spotify', async () => {
    await ownerFromBefore();
    for (const response of [await nowPlaying(), await recentlyPlayed(), await (await anotherContainer()).nowPlaying()]) {
      expect(response.statusCode).toBe(503);
      expect(body(response)).toEqual({ error: 'scope_missing', message: expect.stringMatching(/open \/login again to allow/) });
      expect(response.headers['Cache-Control']).toBe('no-store');
    }
    expect(playerCalls()).toBe(0);
  });

  it('gets the 200 "Reconnect Spotify to show what you are playing" cards', async () => {
    await ownerFromBefore();
    for (const response of [await nowPlayingCard(), await card({ type: 'recent' })]) {
      expect(response.statusCode).toBe(200);
      expect(response.headers['Content-Type']).toBe('image/svg+xml; charset=utf-8');
      expect(response.body).toContain('Reconnect Spotify to show what you are playing');
    }
    expect(playerCalls()).toBe(0);
  });

  it('sees what is missing in /status', async () => {
    await ownerFromBefore();
    expect(await status()).toMatchObject({ connected: true, scopes: ['user-top-read'], missingScopes: ['user-read-currently-playing', 'user-read-recently-played'] });
  });

  it('connecting again grants the new scopes and changes nothing else', async () => {
    await ownerFromBefore();
    const before = await service.owner();
    expect((await service.connect()).statusCode).toBe(200);
    const after = await service.owner();
    expect(after).toMatchObject({ spotifyUserId: before?.spotifyUserId, displayName: before?.displayName, scopes: ALL });
    expect((await status()).missingScopes).toEqual([]);
    expect((await nowPlaying()).statusCode).toBe(200);
    expect((await highlights()).statusCode).toBe(200);
  });
});

describe('a token Spotify refuses for a scope', () => {
  it.each([
    ['403 "Insufficient client scope"', 'insufficient-client-scope'],
    ['401 "Permissions missing"', 'permissions-missing'],
  ] as const)('%s: one refresh and one retry, then scope_missing, recorded, and not asked again until the owner reconnects', async (_, shape) => {
    service.model.scopeRefusal = shape;
    await service.connect();
    // The stored scopes say it is allowed; the tokens (as Spotify sees them) do not.
    const tokens = service.model.issueTokens(OWNER_ID, { scopes: ['user-top-read'] });
    await service.updateOwner({ accessToken: tokens.access_token, refreshToken: tokens.refresh_token });

    const refused = await nowPlaying();
    expect(refused.statusCode).toBe(503);
    expect(body(refused).error).toBe('scope_missing');
    expect(service.model.calls.currentlyPlaying).toBe(2);
    expect(service.model.calls.token.refresh_token).toBe(1);
    expect((await service.owner())?.refusedScopes).toEqual(['user-read-currently-playing']);
    expect((await status()).missingScopes).toEqual(['user-read-currently-playing']);

    // Not asked again, in this container or another; other endpoints go on.
    expect(body(await nowPlaying()).error).toBe('scope_missing');
    expect(body(await (await anotherContainer()).nowPlaying()).error).toBe('scope_missing');
    expect(service.model.calls.currentlyPlaying).toBe(2);
    expect((await highlights()).statusCode).toBe(200);

    expect((await service.connect()).statusCode).toBe(200);
    expect((await service.owner())?.refusedScopes).toBeUndefined();
    expect((await nowPlaying()).statusCode).toBe(200);
  });
});
