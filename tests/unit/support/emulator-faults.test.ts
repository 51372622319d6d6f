/**
 * Injected faults over the control plane, as tests in other processes use them: a fault fails
 * fast (a status), answers late (a delay), or stalls (accepts the request and never answers).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  DEFAULT_CLIENT_ID,
  DEFAULT_CLIENT_SECRET,
  DEFAULT_REDIRECT_URI,
  emulatorControl,
  interceptSpotify,
  OWNER_ID,
  startEmulator,
  type EmulatorControl,
  type RunningEmulator,
} from '../../support/spotify-emulator';

let emulator: RunningEmulator;
let control: EmulatorControl;

beforeAll(async () => {
  emulator = await startEmulator();
  control = emulatorControl(emulator.url);
});
afterAll(() => emulator.close());
beforeEach(() => control.reset());

const basic = `Basic ${Buffer.from(`${DEFAULT_CLIENT_ID}:${DEFAULT_CLIENT_SECRET}`).toString('base64')}`;
const me = (accessToken: string, init: RequestInit = {}) =>
  fetch(`${emulator.url}/v1/me`, { headers: { authorization: `Bearer ${accessToken}` }, ...init });
const exchange = (code: string, init: RequestInit = {}) => fetch(`${emulator.url}/api/token`, {
  method: 'POST',
  headers: { authorization: basic },
  body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: DEFAULT_REDIRECT_URI }),
  ...init,
});
/** Settles with 'cut' when the client gives up after `ms`, as a caller's timeout would. */
const outcome = (response: Promise<Response>) => response.then((res) => res.status, () => 'cut' as const);
const statuses = async () => (await control.state()).requests.map((request) => request.status);

describe('stalling faults', () => {
  it('accept a Web API call and never answer it, for the given number of calls; it is logged with status 0', async () => {
    const { access_token } = await control.issueTokens(OWNER_ID);
    await control.failNext('me', { stall: true, times: 2 });
    const started = Date.now();
    const stalled = await Promise.all([1, 2].map(() => outcome(me(access_token, { signal: AbortSignal.timeout(400) }))));
    expect(stalled).toEqual(['cut', 'cut']);
    expect(Date.now() - started).toBeGreaterThanOrEqual(390);
    expect((await me(access_token)).status).toBe(200);
    expect(await statuses()).toEqual([0, 0, 200]);
    expect((await control.state()).calls.me).toBe(3);
  });

  it('leave a stalled token request undone: the authorization code still works after it', async () => {
    const code = emulator.model.approve(emulator.model.authorize({
      client_id: DEFAULT_CLIENT_ID, response_type: 'code', redirect_uri: DEFAULT_REDIRECT_URI, scope: 'user-top-read',
    }));
    await control.failNext('token', { stall: true });
    expect(await outcome(exchange(code, { signal: AbortSignal.timeout(300) }))).toBe('cut');
    const answered = await exchange(code);
    expect(answered.status).toBe(200);
    expect(await answered.json()).toHaveProperty('refresh_token');
  });

  it('look like a dropped connection through the interceptor when close() ends them, not like an answer', async () => {
    const other = await startEmulator();
    const interceptor = interceptSpotify(other.url);
    try {
      other.model.failNext('api', { stall: true });
      const hung = outcome(fetch('https://api.spotify.com/v1/me'));
      await new Promise((resolve) => setTimeout(resolve, 50));
      await other.close();
      expect(await hung).toBe('cut');
    } finally {
      interceptor.close();
    }
  });
});

describe('late answers', () => {
  it('give the usual answer after delayMs when the fault has no status', async () => {
    const { access_token } = await control.issueTokens(OWNER_ID);
    await control.failNext('api', { delayMs: 400 });
    const started = Date.now();
    const response = await me(access_token);
    expect(Date.now() - started).toBeGreaterThanOrEqual(390);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ id: OWNER_ID });
  });

  it('act on the request when it arrives, so a caller that gave up lost the answer (here, a rotated refresh token)', async () => {
    const { refresh_token } = await control.issueTokens(OWNER_ID);
    await control.setRotate(true);
    const refresh = (init: RequestInit = {}) => fetch(`${emulator.url}/api/token`, {
      method: 'POST', headers: { authorization: basic }, body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token }), ...init,
    });
    await control.failNext('token', { delayMs: 5_000 });
    expect(await outcome(refresh({ signal: AbortSignal.timeout(200) }))).toBe('cut');
    const again = await refresh();
    expect(again.status).toBe(400);
    expect(await again.json()).toEqual({ error: 'invalid_grant', error_description: 'Invalid refresh token' });
  });

  it('give the fault’s status after delayMs when it has one, and a client may give up first', async () => {
    const { access_token } = await control.issueTokens(OWNER_ID);
    await control.failNext('me', { status: 503, delayMs: 300 });
    const started = Date.now();
    expect((await me(access_token)).status).toBe(503);
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    await control.failNext('me', { status: 503, delayMs: 5_000 });
    expect(await outcome(me(access_token, { signal: AbortSignal.timeout(200) }))).toBe('cut');
  });
});

describe('the control plane', () => {
  it.each([
    [{}, 'fault needs a status, a delayMs or stall: true'],
    [{ status: '500' }, 'fault.status must be an HTTP status'],
    [{ status: 99 }, 'fault.status must be an HTTP status'],
    [{ delayMs: -1 }, 'fault.delayMs must be a number of ms'],
    [{ stall: 'yes' }, 'fault.stall must be true or false'],
    [{ status: 500, times: 0 }, 'fault.times must be a whole number from 1'],
  ])('refuses the fault %o with its reason', async (fault, reason) => {
    const response = await fetch(`${emulator.url}/__emulator/control`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ action: 'failNext', target: 'me', fault }),
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ error: reason });
  });
});
