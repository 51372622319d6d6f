/**
 * The player endpoints over HTTP, as the service and other processes meet them: Spotify's empty
 * 204 through spotify-web-api-node, scopes granted on the consent page and kept by a refresh,
 * the control plane's player actions, and faults and rate limits on both endpoints.
 */
import SpotifyWebApi from 'spotify-web-api-node';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  DEFAULT_CLIENT_ID,
  DEFAULT_CLIENT_SECRET,
  DEFAULT_REDIRECT_URI,
  emulatorControl,
  interceptSpotify,
  localTrack,
  OWNER_ID,
  sampleEpisodes,
  startEmulator,
  type EmulatorControl,
  type RunningEmulator,
} from '../../support/spotify-emulator';

const SCOPES = ['user-top-read', 'user-read-currently-playing', 'user-read-recently-played'];
const CURRENTLY_PLAYING = '/v1/me/player/currently-playing';
const RECENTLY_PLAYED = '/v1/me/player/recently-played';

let emulator: RunningEmulator;
let control: EmulatorControl;

beforeAll(async () => {
  emulator = await startEmulator();
  control = emulatorControl(emulator.url);
});
afterAll(() => emulator.close());
beforeEach(() => control.reset());

const basic = `Basic ${Buffer.from(`${DEFAULT_CLIENT_ID}:${DEFAULT_CLIENT_SECRET}`).toString('base64')}`;
const get = (path: string, accessToken: string) => fetch(`${emulator.url}${path}`, { headers: { authorization: `Bearer ${accessToken}` } });
const token = (form: Record<string, string>) =>
  fetch(`${emulator.url}/api/token`, { method: 'POST', headers: { authorization: basic }, body: new URLSearchParams(form) });
const ownerToken = async (scopes = SCOPES) => (await control.issueTokens(OWNER_ID, scopes)).access_token;

describe('an empty currently-playing', () => {
  it('is a 204 with no body, no content type and no length, which spotify-web-api-node hands over as {}', async () => {
    const accessToken = await ownerToken();
    const response = await get(CURRENTLY_PLAYING, accessToken);
    expect(response.status).toBe(204);
    expect(response.headers.get('content-type')).toBeNull();
    expect(response.headers.get('content-length')).toBeNull();
    expect(await response.text()).toBe('');

    const interceptor = interceptSpotify(emulator.url);
    try {
      const api = new SpotifyWebApi({ accessToken });
      expect(await api.getMyCurrentPlayingTrack()).toMatchObject({ statusCode: 204, body: {} });
      await control.play(OWNER_ID);
      const playing = await api.getMyCurrentPlayingTrack();
      expect(playing).toMatchObject({ statusCode: 200, body: { is_playing: true, currently_playing_type: 'track', item: { type: 'track' } } });
      expect((await api.getMyRecentlyPlayedTracks({ limit: 50 })).body.items).toHaveLength(50);
    } finally {
      interceptor.close();
    }
  });
});

describe('scopes on tokens', () => {
  it('are what the consent page was asked for; the token lists them, and a refresh keeps them without adding any', async () => {
    const query = new URLSearchParams({
      client_id: DEFAULT_CLIENT_ID, response_type: 'code', redirect_uri: DEFAULT_REDIRECT_URI, scope: 'user-top-read user-read-currently-playing', state: 's',
    });
    const page = await (await fetch(`${emulator.url}/authorize?${query.toString()}`)).text();
    expect([...page.matchAll(/data-scope="([^"]+)"/g)].map((match) => match[1])).toEqual(['user-top-read', 'user-read-currently-playing']);
    const accepted = await fetch(`${emulator.url}/authorize/decision`, { method: 'POST', redirect: 'manual', body: new URLSearchParams({ ...Object.fromEntries(query), decision: 'accept' }) });
    const code = new URL(accepted.headers.get('location')!).searchParams.get('code')!;
    const granted = (await (await token({ grant_type: 'authorization_code', code, redirect_uri: DEFAULT_REDIRECT_URI })).json()) as { access_token: string; refresh_token: string; scope: string };
    expect(granted.scope).toBe('user-top-read user-read-currently-playing');
    expect((await get(CURRENTLY_PLAYING, granted.access_token)).status).toBe(204);
    expect((await get(RECENTLY_PLAYED, granted.access_token)).status).toBe(403);

    const refreshed = (await (await token({ grant_type: 'refresh_token', refresh_token: granted.refresh_token })).json()) as { access_token: string; scope: string };
    expect(refreshed.scope).toBe('user-top-read user-read-currently-playing');
    expect((await get(RECENTLY_PLAYED, refreshed.access_token)).status).toBe(403);
    expect((await get('/v1/me/top/tracks', refreshed.access_token)).status).toBe(200);
  });

  it('are refused as the control plane chooses, and reset() puts back 403 Insufficient client scope', async () => {
    const accessToken = await ownerToken(['user-top-read']);
    await control.setScopeRefusal('permissions-missing');
    expect((await control.state()).scopeRefusal).toBe('permissions-missing');
    for (const path of [CURRENTLY_PLAYING, RECENTLY_PLAYED]) {
      const refused = await get(path, accessToken);
      expect(refused.status).toBe(401);
      expect(await refused.json()).toEqual({ error: { status: 401, message: 'Permissions missing' } });
    }
    await expect(control.setScopeRefusal('no' as never)).rejects.toThrow(/refusal must be one of insufficient-client-scope, permissions-missing/);
    await control.reset();
    expect(await (await get(RECENTLY_PLAYED, await ownerToken(['user-top-read']))).json()).toEqual({ error: { status: 403, message: 'Insufficient client scope' } });
  });
});

describe('the control plane', () => {
  it('plays, pauses, resumes and stops a track, plays an episode, an ad and an unknown item, and starts a private session', async () => {
    const accessToken = await ownerToken();
    const now = async () => (await get(`${CURRENTLY_PLAYING}?additional_types=episode`, accessToken));
    const body = async () => (await (await now()).json()) as Record<string, unknown>;
    const episode = sampleEpisodes(2)[1]!;

    // This emulator runs on the real clock: the position is at least what the clock was moved by.
    await control.play(OWNER_ID, undefined, { positionMs: 10_000 });
    await control.advanceClock(5_000);
    const playing = (await control.playback(OWNER_ID))!;
    expect(playing).toMatchObject({ type: 'track', isPlaying: true });
    expect(playing.progressMs).toBeGreaterThanOrEqual(15_000);
    await control.pause(OWNER_ID);
    const paused = await body();
    expect(paused).toMatchObject({ is_playing: false, progress_ms: expect.any(Number) });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect((await body()).progress_ms).toBe(paused.progress_ms);
    await control.resume(OWNER_ID);
    expect(await body()).toMatchObject({ is_playing: true });
    await control.play(OWNER_ID, episode, { paused: true, context: null });
    expect(await body()).toMatchObject({ currently_playing_type: 'episode', item: { id: episode.id }, context: null, is_playing: false });
    await control.playAd(OWNER_ID, 5_000);
    expect(await body()).toMatchObject({ currently_playing_type: 'ad', item: null });
    await control.playUnknown(OWNER_ID, 5_000);
    expect(await body()).toMatchObject({ currently_playing_type: 'unknown', item: null });
    await control.setPrivateSession(OWNER_ID, true);
    expect((await now()).status).toBe(204);
    await control.setPrivateSession(OWNER_ID, false);
    await control.stop(OWNER_ID);
    expect((await now()).status).toBe(204);
    expect(await control.playback(OWNER_ID)).toBeNull();
  });

  it('plays a local file, which currently-playing answers exactly, its nulls and empty objects included', async () => {
    const accessToken = await ownerToken();
    await control.play(OWNER_ID, localTrack());
    const response = await get(CURRENTLY_PLAYING, accessToken);
    expect(response.status).toBe(200);
    const body = (await response.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ context: null, currently_playing_type: 'track', is_playing: true });
    expect(body.item).toEqual(localTrack());
    expect((await control.playback(OWNER_ID))?.item).toEqual(localTrack());
  });

  it('reads and replaces a history, and refuses bad input with its reason', async () => {
    const accessToken = await ownerToken();
    const [newest] = await control.history(OWNER_ID);
    await control.setHistory(OWNER_ID, [{ ...newest!, playedAt: Date.UTC(2026, 0, 1) }]);
    const page = (await (await get(RECENTLY_PLAYED, accessToken)).json()) as { items: { track: { id: string }; played_at: string }[] };
    expect(page.items).toEqual([expect.objectContaining({ track: expect.objectContaining({ id: newest!.track.id }), played_at: '2026-01-01T00:00:00.000Z' })]);

    await expect(control.play(OWNER_ID, undefined, { positionMs: -1 })).rejects.toThrow(/positionMs must be from 0/);
    await expect(control.play(OWNER_ID, undefined, { paused: 'yes' as never })).rejects.toThrow(/paused must be true or false/);
    await expect(control.play(OWNER_ID, undefined, { queue: 'next' as never })).rejects.toThrow(/queue must be a list/);
    await expect(control.play('nobody')).rejects.toThrow(/Unknown user nobody/);
    await expect(control.pause(OWNER_ID)).rejects.toThrow(/Nothing is playing to pause/);
    await expect(control.setHistory(OWNER_ID, [{ track: sampleEpisodes(1)[0] as never, playedAt: 1, context: null }])).rejects.toThrow(/a play is/);
  });
});

describe('faults and rate limits', () => {
  it('reach each player endpoint by its own target, and both through api', async () => {
    const accessToken = await ownerToken();
    await control.failNext('currentlyPlaying', { status: 503 });
    await control.failNext('recentlyPlayed', { status: 502, times: 2 });
    expect((await get(RECENTLY_PLAYED, accessToken)).status).toBe(502);
    expect((await get(CURRENTLY_PLAYING, accessToken)).status).toBe(503);
    expect((await get(RECENTLY_PLAYED, accessToken)).status).toBe(502);
    expect((await get(CURRENTLY_PLAYING, accessToken)).status).toBe(204);
    await control.failNext('api', { status: 500, times: 2 });
    expect((await get(CURRENTLY_PLAYING, accessToken)).status).toBe(500);
    expect((await get(RECENTLY_PLAYED, accessToken)).status).toBe(500);
    expect((await get(RECENTLY_PLAYED, accessToken)).status).toBe(200);
    await control.failNext('currentlyPlaying', { stall: true });
    await expect(fetch(`${emulator.url}${CURRENTLY_PLAYING}`, { headers: { authorization: `Bearer ${accessToken}` }, signal: AbortSignal.timeout(200) })).rejects.toThrow();
    expect((await control.state()).calls).toMatchObject({ currentlyPlaying: 4, recentlyPlayed: 4 });
  });

  it('answer 429 with Retry-After on both, within the rate-limit window and the rolling 30-second limit', async () => {
    const accessToken = await ownerToken();
    await control.rateLimit({ retryAfterSeconds: 20 });
    for (const path of [CURRENTLY_PLAYING, RECENTLY_PLAYED]) {
      const limited = await get(path, accessToken);
      expect(limited.status).toBe(429);
      expect(limited.headers.get('retry-after')).toBe('20');
      expect(await limited.json()).toEqual({ error: { status: 429, message: 'API rate limit exceeded' } });
    }
    await control.advanceClock(20_000);
    await control.setMaxCallsPer30s(2);
    expect((await get(CURRENTLY_PLAYING, accessToken)).status).toBe(204);
    expect((await get(RECENTLY_PLAYED, accessToken)).status).toBe(200);
    expect((await get('/v1/me', accessToken)).status).toBe(429);
    expect((await get(RECENTLY_PLAYED, accessToken)).status).toBe(429);
  });
});
