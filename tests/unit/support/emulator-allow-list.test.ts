/**
 * The default app is in development mode, as a personal site's app is: its User Management lists
 * the users tests connect as, and the Web API refuses anyone else with Spotify's plain-text 403.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  createDefaultModel,
  DEFAULT_CLIENT_ID,
  DEFAULT_CLIENT_SECRET,
  DEFAULT_REDIRECT_URI,
  emulatorControl,
  interceptSpotify,
  INTRUDER_ID,
  MAX_DEVELOPMENT_USERS,
  OWNER_ID,
  startEmulator,
  UNREGISTERED_ID,
  type RunningEmulator,
} from '../../support/spotify-emulator';

const NOT_REGISTERED = 'User not registered in the Developer Dashboard';
const ENDPOINTS = [
  '/v1/me', '/v1/me/top/artists', '/v1/me/top/tracks?time_range=long_term&limit=5',
  '/v1/me/player/currently-playing?additional_types=track,episode', '/v1/me/player/recently-played?limit=50',
];
const SCOPES = ['user-top-read', 'user-read-currently-playing', 'user-read-recently-played'];

let emulator: RunningEmulator;
let interceptor: ReturnType<typeof interceptSpotify>;
const control = () => emulatorControl(emulator.url);

beforeAll(async () => {
  emulator = await startEmulator(createDefaultModel());
  interceptor = interceptSpotify(emulator.url);
});
afterAll(async () => {
  interceptor.close();
  await emulator.close();
});
beforeEach(() => emulator.model.reset());

const call = (path: string, accessToken: string) =>
  fetch(`https://api.spotify.com${path}`, { headers: { authorization: `Bearer ${accessToken}` } });

async function expectNotRegistered(response: Response): Promise<void> {
  expect(response.status).toBe(403);
  expect(response.headers.get('content-type')).toBe('text/plain; charset=utf-8');
  expect(await response.text()).toBe(NOT_REGISTERED);
}

describe('the default app’s User Management', () => {
  it(`lists the users tests connect as, within development mode’s ${MAX_DEVELOPMENT_USERS}, and leaves one known user off`, () => {
    const allowed = emulator.model.apps.get(DEFAULT_CLIENT_ID)!.allowedUsers!;
    expect(allowed).toEqual([OWNER_ID, INTRUDER_ID]);
    expect(allowed.length).toBeLessThanOrEqual(MAX_DEVELOPMENT_USERS);
    expect(emulator.model.users.has(UNREGISTERED_ID)).toBe(true);
    expect(allowed).not.toContain(UNREGISTERED_ID);
  });

  it('answers a listed user on every Web API endpoint', async () => {
    for (const userId of [OWNER_ID, INTRUDER_ID]) {
      const { access_token } = emulator.model.issueTokens(userId, { scopes: SCOPES });
      emulator.model.player(userId).play();
      for (const path of ENDPOINTS) expect((await call(path, access_token)).status).toBe(200);
    }
  });

  it('refuses an unlisted user on every Web API endpoint with Spotify’s plain-text 403, after a normal sign-in', async () => {
    emulator.model.signIn(UNREGISTERED_ID);
    // Spotify lets the user consent and the app exchange the code; only the Web API refuses.
    const code = emulator.model.approve(emulator.model.authorize({
      client_id: DEFAULT_CLIENT_ID, response_type: 'code', redirect_uri: DEFAULT_REDIRECT_URI, scope: SCOPES.join(' '),
    }));
    const exchanged = await fetch('https://accounts.spotify.com/api/token', {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from(`${DEFAULT_CLIENT_ID}:${DEFAULT_CLIENT_SECRET}`).toString('base64')}` },
      body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: DEFAULT_REDIRECT_URI }),
    });
    expect(exchanged.status).toBe(200);
    const { access_token } = (await exchanged.json()) as { access_token: string };
    for (const path of ENDPOINTS) await expectNotRegistered(await call(path, access_token));
    expect(emulator.model.requests.filter((r) => r.path.startsWith('/v1/')).map((r) => r.status)).toEqual(ENDPOINTS.map(() => 403));
  });

  it('still answers 401 first for an unlisted user’s expired token', async () => {
    const { access_token } = emulator.model.issueTokens(UNREGISTERED_ID);
    emulator.model.expireAccessTokens();
    expect((await call('/v1/me', access_token)).status).toBe(401);
  });

  it('can be changed over the control plane, at most five users, and reset() puts the registered list back', async () => {
    const { access_token } = emulator.model.issueTokens(OWNER_ID);
    await control().setAllowedUsers([INTRUDER_ID]);
    await expectNotRegistered(await call('/v1/me', access_token));
    await control().setAllowedUsers(null);
    expect((await call('/v1/me', emulator.model.issueTokens(UNREGISTERED_ID).access_token)).status).toBe(200);
    await expect(control().setAllowedUsers(['a', 'b', 'c', 'd', 'e', 'f'])).rejects.toThrow(/at most 5 users/);
    await control().reset();
    expect(emulator.model.apps.get(DEFAULT_CLIENT_ID)!.allowedUsers).toEqual([OWNER_ID, INTRUDER_ID]);
  });

  it('refuses to register a development-mode app with more than five users', () => {
    const model = createDefaultModel();
    expect(() => model.registerApp({
      clientId: 'big', clientSecret: 's', redirectUris: [DEFAULT_REDIRECT_URI], allowedUsers: ['1', '2', '3', '4', '5', '6'],
    })).toThrow(/at most 5 users/);
  });
});
