/**
 * Spotify's two limits as the emulator copies them (/work/shared/spotify-web-api.md, "The daily
 * quota (2026)"): the short rolling 30-second window (429, a Retry-After of seconds) and the rolling
 * daily quota per app (429 QUOTA_EXCEEDED, a Retry-After of hours, and a lockout that lasts it out).
 * Time moves on the model clock, never by waiting.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  createDefaultModel,
  DEFAULT_CLIENT_ID,
  DEFAULT_CLIENT_SECRET,
  emulatorControl,
  OWNER_ID,
  startEmulator,
  type EmulatorControl,
  type ModelOptions,
  type RunningEmulator,
} from '../../support/spotify-emulator';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const QUOTA_EXCEEDED = { error: { status: 429, message: 'Too many requests', reason: 'QUOTA_EXCEEDED' } };
const SHORT_429 = { error: { status: 429, message: 'API rate limit exceeded' } };
const basic = (secret = DEFAULT_CLIENT_SECRET) => `Basic ${Buffer.from(`${DEFAULT_CLIENT_ID}:${secret}`).toString('base64')}`;
/** Tuesday 4 August 2026, 07:00 UTC: "today" in these tests. */
const TODAY_7AM = Date.UTC(2026, 7, 4, 7);

/** A default model on a clock the test moves; the owner's tokens outlive the days the tests span. */
function quotaModel(options: ModelOptions = {}) {
  const clock = { t: TODAY_7AM };
  const model = createDefaultModel({ now: () => clock.t, accessTokenTtlSeconds: 30 * DAY / SECOND, ...options });
  const { access_token, refresh_token } = model.issueTokens(OWNER_ID);
  const me = (token = access_token) => model.api({ path: '/v1/me', authorizationHeader: `Bearer ${token}` });
  const refresh = (secret?: string) =>
    model.token({ authorizationHeader: basic(secret), form: { grant_type: 'refresh_token', refresh_token } });
  /** `count` calls to /v1/me, one every `everyMs` from now, the clock left at the last; all must pass. */
  const spread = (count: number, everyMs: number) => {
    const refused: number[] = [];
    for (let i = 0; i < count; i++) {
      if (i > 0) clock.t += everyMs;
      if (me().status !== 200) refused.push(i);
    }
    expect(refused).toEqual([]);
  };
  const standing = () => model.dailyQuotaState().clients[DEFAULT_CLIENT_ID];
  return { model, clock, me, refresh, spread, standing };
}

const retryAfterSeconds = (res: { headers?: Record<string, string> }) => Number(res.headers?.['retry-after']);

describe('the 30-second window, beside the daily quota', () => {
  it('answers the short 429 with a small Retry-After, and the call it refused does not count toward the day', () => {
    const { me, clock, spread, standing } = quotaModel({ maxCallsPer30s: 3, dailyQuota: { calls: 100 } });
    spread(3, 10 * SECOND);
    clock.t += 8 * SECOND;
    expect(me()).toEqual({ status: 429, body: SHORT_429, headers: { 'retry-after': '2' } });
    expect(standing()).toEqual({ calls: 3, lockedUntil: null });
    clock.t += 2 * SECOND;
    expect(me().status).toBe(200);
    expect(standing()).toEqual({ calls: 4, lockedUntil: null });
  });

  it('comes second: a client past both hears QUOTA_EXCEEDED, not the short 429', () => {
    const { me } = quotaModel({ maxCallsPer30s: 2, dailyQuota: { calls: 2 } });
    expect([me().status, me().status]).toEqual([200, 200]);
    expect(me()).toEqual({ status: 429, body: QUOTA_EXCEEDED, headers: { 'retry-after': String(DAY / SECOND) } });
  });
});

describe('the daily quota', () => {
  it('is off by default: nothing is counted or refused', () => {
    const { model, spread } = quotaModel();
    spread(3_000, 10 * SECOND);
    expect(model.dailyQuota).toBeNull();
    expect(model.dailyQuotaState()).toEqual({ setting: null, clients: {} });
  });

  it('refuses past its calls with exactly Spotify’s QUOTA_EXCEEDED and a Retry-After of hours: 476 calls today on top of 2,152 the evening before do not fit 2,600', () => {
    const { me, clock, spread, standing } = quotaModel({ dailyQuota: { calls: 2_600 } });
    const evening = TODAY_7AM - 10 * HOUR; // 21:00 the day before
    clock.t = evening;
    spread(2_152, 5 * SECOND); // until 23:59:15
    clock.t = TODAY_7AM; // a new calendar day, but the window is a rolling 24 h
    spread(448, 5 * SECOND);
    expect(standing()).toEqual({ calls: 2_600, lockedUntil: null });
    clock.t += 5 * SECOND;
    const refused = me();
    // Free again when the evening's first call leaves the window, at 21:00 today.
    expect(refused).toEqual({ status: 429, body: QUOTA_EXCEEDED, headers: { 'retry-after': String((evening + DAY - clock.t) / SECOND) } });
    expect(retryAfterSeconds(refused)).toBe(48_160);
    expect(retryAfterSeconds(refused)).toBeGreaterThanOrEqual(13 * HOUR / SECOND);
    expect(retryAfterSeconds(refused)).toBeLessThanOrEqual(20 * HOUR / SECOND);
    expect(standing()).toEqual({ calls: 2_600, lockedUntil: evening + DAY });
  });

  it('is rolling: calls older than the window no longer count', () => {
    const { clock, spread, standing } = quotaModel({ dailyQuota: { calls: 2_600 } });
    clock.t = TODAY_7AM - 34 * HOUR; // 21:00 two days before
    spread(2_152, 5 * SECOND);
    clock.t = TODAY_7AM;
    spread(476, 5 * SECOND);
    expect(standing()).toEqual({ calls: 476, lockedUntil: null });
  });

  it('keeps a locked-out client refused until Retry-After has passed, without counting the refusals; then calls come back as old ones leave', () => {
    const { me, clock, spread, standing } = quotaModel({ dailyQuota: { calls: 10 } });
    spread(10, HOUR); // 07:00 to 16:00
    clock.t = TODAY_7AM + 11 * HOUR;
    expect(me()).toEqual({ status: 429, body: QUOTA_EXCEEDED, headers: { 'retry-after': String(13 * HOUR / SECOND) } });
    const lockedUntil = TODAY_7AM + DAY;
    for (let refusals = 0; refusals < 77; refusals++) { // every 10 minutes until 06:50 the next day
      clock.t += 10 * MINUTE;
      expect(me()).toMatchObject({ status: 429, body: QUOTA_EXCEEDED, headers: { 'retry-after': String((lockedUntil - clock.t) / SECOND) } });
    }
    expect(standing()).toEqual({ calls: 10, lockedUntil });
    clock.t = lockedUntil - 1;
    expect(me()).toMatchObject({ status: 429, headers: { 'retry-after': '1' } });
    clock.t = lockedUntil;
    expect(me().status).toBe(200);
    // Only the 07:00 call has left: the next room opens when the 08:00 one does.
    expect(me()).toEqual({ status: 429, body: QUOTA_EXCEEDED, headers: { 'retry-after': String(HOUR / SECOND) } });
    clock.t += HOUR;
    expect(me().status).toBe(200);
    expect(standing()).toEqual({ calls: 10, lockedUntil: null });
  });

  it('is sticky: a lockout lasts its Retry-After even when a new setting would let the calls through', () => {
    const { model, me, clock } = quotaModel({ dailyQuota: { calls: 2 } });
    expect([me().status, me().status]).toEqual([200, 200]);
    expect(me()).toMatchObject({ status: 429, headers: { 'retry-after': String(DAY / SECOND) } });
    model.dailyQuota = { calls: 1_000 };
    clock.t += 12 * HOUR;
    expect(me()).toEqual({ status: 429, body: QUOTA_EXCEEDED, headers: { 'retry-after': String(12 * HOUR / SECOND) } });
    clock.t += 12 * HOUR;
    expect([me().status, me().status, me().status]).toEqual([200, 200, 200]);
  });

  it('draws on the app the token was issued to, expired or not; another app has its own, and an unknown token none', () => {
    const { model, me, clock } = quotaModel({ dailyQuota: { calls: 2 } });
    model.registerApp({ clientId: 'other-app', clientSecret: 'other-secret', redirectUris: ['https://example.com/cb'] });
    const other = model.issueTokens(OWNER_ID, { clientId: 'other-app' }).access_token;
    model.accessTokenTtlSeconds = 3600;
    const shortLived = model.issueTokens(OWNER_ID).access_token;
    expect([me().status, me().status]).toEqual([200, 200]);
    expect(me(other).status).toBe(200);
    clock.t += 2 * HOUR;
    expect(me(shortLived)).toMatchObject({ status: 429, body: QUOTA_EXCEEDED });
    expect(me('BQnever-issued')).toMatchObject({ status: 401, body: { error: { status: 401, message: 'Invalid access token' } } });
    expect(me(other).status).toBe(200);
    expect(model.dailyQuotaState().clients).toEqual({
      [DEFAULT_CLIENT_ID]: { calls: 2, lockedUntil: TODAY_7AM + DAY },
      'other-app': { calls: 2, lockedUntil: null },
    });
  });

  it('counts /api/token calls and refuses them the same way (a client that fails to authenticate draws on nothing)', () => {
    const { me, refresh, standing } = quotaModel({ dailyQuota: { calls: 3 } });
    expect([me().status, refresh().status, me().status]).toEqual([200, 200, 200]);
    expect(refresh('wrong-secret')).toMatchObject({ status: 400, body: { error: 'invalid_client' } });
    expect(refresh()).toEqual({ status: 429, body: QUOTA_EXCEEDED, headers: { 'retry-after': String(DAY / SECOND) } });
    expect(me()).toMatchObject({ status: 429, body: QUOTA_EXCEEDED });
    expect(standing()).toEqual({ calls: 3, lockedUntil: TODAY_7AM + DAY });
  });

  it('leaves /api/token alone with countsToken: false', () => {
    const { me, refresh, standing } = quotaModel({ dailyQuota: { calls: 2, countsToken: false } });
    for (let i = 0; i < 5; i++) expect(refresh().status).toBe(200);
    expect([me().status, me().status]).toEqual([200, 200]);
    expect(me()).toMatchObject({ status: 429, body: QUOTA_EXCEEDED });
    expect(refresh().status).toBe(200);
    expect(standing()).toEqual({ calls: 2, lockedUntil: TODAY_7AM + DAY });
  });

  it('does not count calls the 30-second window or a forced rate limit refused', () => {
    const { model, me, refresh, clock, standing } = quotaModel({ maxCallsPer30s: 1, dailyQuota: { calls: 3 } });
    expect(me().status).toBe(200);
    expect(me()).toMatchObject({ status: 429, body: SHORT_429 });
    model.rateLimit({ retryAfterSeconds: 60, includeToken: true });
    expect([me().status, refresh().status]).toEqual([429, 429]);
    expect(standing()).toEqual({ calls: 1, lockedUntil: null });
    clock.t += 60 * SECOND;
    expect([me().status, refresh().status]).toEqual([200, 200]);
    expect(standing()).toEqual({ calls: 3, lockedUntil: null });
  });

  it('reset() clears counts and lockouts and puts back the option the model was made with', () => {
    const { model, me } = quotaModel({ dailyQuota: { calls: 2 } });
    expect([me().status, me().status, me().status]).toEqual([200, 200, 429]);
    model.dailyQuota = { calls: 50, windowMs: HOUR, countsToken: false };
    model.reset();
    const setting = { calls: 2, windowMs: DAY, countsToken: true };
    expect(model.dailyQuota).toEqual(setting);
    expect(model.dailyQuotaState()).toEqual({ setting, clients: {} });
    expect(me(model.issueTokens(OWNER_ID).access_token).status).toBe(200);

    const plain = quotaModel().model;
    plain.dailyQuota = { calls: 1 };
    plain.reset();
    expect(plain.dailyQuota).toBeNull();
  });

  it('refuses a bad setting, naming the field', () => {
    expect(() => createDefaultModel({ dailyQuota: { calls: 0 } })).toThrow('dailyQuota.calls must be a whole number from 1');
    const { model } = quotaModel();
    expect(() => { model.dailyQuota = { calls: 10, windowMs: -1 }; }).toThrow('dailyQuota.windowMs must be a whole number of ms from 1');
    expect(model.dailyQuota).toBeNull();
  });
});

describe('the daily quota over HTTP', () => {
  const clock = { t: TODAY_7AM };
  let emulator: RunningEmulator;
  let control: EmulatorControl;

  beforeAll(async () => {
    emulator = await startEmulator(createDefaultModel({ now: () => clock.t }));
    control = emulatorControl(emulator.url);
  });
  afterAll(() => emulator.close());
  beforeEach(() => control.reset());

  const me = (token: string) => fetch(`${emulator.url}/v1/me`, { headers: { authorization: `Bearer ${token}` } });
  const refresh = (refreshToken: string) => fetch(`${emulator.url}/api/token`, {
    method: 'POST', headers: { authorization: basic() }, body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken }),
  });
  const sendControl = (body: object) => fetch(`${emulator.url}/__emulator/control`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ action: 'setDailyQuota', ...body }),
  });

  it('is set by the control plane; Web API and token calls draw on it; the state reports it', async () => {
    const start = (await control.state()).now;
    await control.setDailyQuota({ calls: 4 });
    const { refresh_token } = await control.issueTokens(OWNER_ID);
    expect((await refresh(refresh_token)).status).toBe(200);
    await control.advanceClock(6 * HOUR);
    const refreshed = await refresh(refresh_token);
    const { access_token } = (await refreshed.json()) as { access_token: string };
    expect([(await me(access_token)).status, (await me(access_token)).status]).toEqual([200, 200]);
    await control.advanceClock(30 * MINUTE);

    const refused = await me(access_token);
    expect(refused.status).toBe(429);
    // Free again when the first refresh, 6.5 h ago, leaves the window.
    expect(refused.headers.get('retry-after')).toBe(String(17.5 * HOUR / SECOND));
    expect(refused.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await refused.json()).toEqual(QUOTA_EXCEEDED);
    const refusedToken = await refresh(refresh_token);
    expect(refusedToken.status).toBe(429);
    expect(await refusedToken.json()).toEqual(QUOTA_EXCEEDED);

    const state = await control.state();
    expect(state.dailyQuota).toEqual({
      setting: { calls: 4, windowMs: DAY, countsToken: true },
      clients: { [DEFAULT_CLIENT_ID]: { calls: 4, lockedUntil: start + DAY } },
    });
    expect(state.requests.map((request) => request.status)).toEqual([200, 200, 200, 200, 429, 429]);

    await control.advanceClock(17.5 * HOUR);
    expect((await refresh(refresh_token)).status).toBe(200);
  });

  it('shows both limits side by side: the short 429 for seconds, then QUOTA_EXCEEDED for the rest of the day', async () => {
    await control.setMaxCallsPer30s(1);
    await control.setDailyQuota({ calls: 3 });
    const { access_token } = await control.issueTokens(OWNER_ID);
    for (let i = 0; i < 2; i++) {
      expect((await me(access_token)).status).toBe(200);
      const limited = await me(access_token);
      expect(limited.status).toBe(429);
      expect(limited.headers.get('retry-after')).toBe('30');
      expect(await limited.json()).toEqual(SHORT_429);
      await control.advanceClock(30 * SECOND);
    }
    expect((await me(access_token)).status).toBe(200);
    await control.advanceClock(30 * SECOND);
    // Both limits are full now; the quota is checked first.
    const refused = await me(access_token);
    expect(refused.headers.get('retry-after')).toBe(String((DAY - 90 * SECOND) / SECOND));
    expect(await refused.json()).toEqual(QUOTA_EXCEEDED);
  });

  it('turns off with null (counts and lockouts forgotten), and reset() puts back the model’s option (off here)', async () => {
    const { access_token } = await control.issueTokens(OWNER_ID);
    await control.setDailyQuota({ calls: 1 });
    expect([(await me(access_token)).status, (await me(access_token)).status]).toEqual([200, 429]);
    await control.setDailyQuota(null);
    expect((await me(access_token)).status).toBe(200);
    expect((await control.state()).dailyQuota).toEqual({ setting: null, clients: {} });

    await control.setDailyQuota({ calls: 1, windowMs: HOUR, countsToken: false });
    expect((await control.state()).dailyQuota.setting).toEqual({ calls: 1, windowMs: HOUR, countsToken: false });
    await control.reset();
    expect((await control.state()).dailyQuota).toEqual({ setting: null, clients: {} });
  });

  it.each([
    [{}, 'quota must be { calls, windowMs?, countsToken? } or null'],
    [{ quota: 2_600 }, 'quota must be { calls, windowMs?, countsToken? } or null'],
    [{ quota: [2_600] }, 'quota must be { calls, windowMs?, countsToken? } or null'],
    [{ quota: {} }, 'quota.calls must be a whole number from 1'],
    [{ quota: { calls: 0 } }, 'quota.calls must be a whole number from 1'],
    [{ quota: { calls: 2.5 } }, 'quota.calls must be a whole number from 1'],
    [{ quota: { calls: '2600' } }, 'quota.calls must be a whole number from 1'],
    [{ quota: { calls: 2_600, windowMs: 0 } }, 'quota.windowMs must be a whole number of ms from 1'],
    [{ quota: { calls: 2_600, windowMs: null } }, 'quota.windowMs must be a whole number of ms from 1'],
    [{ quota: { calls: 2_600, countsToken: 'no' } }, 'quota.countsToken must be true or false'],
    [{ quota: { calls: 2_600, window: DAY } }, 'quota.window is not a quota setting (calls, windowMs, countsToken)'],
  ])('refuses %o with its reason and keeps the setting it had', async (body, reason) => {
    await control.setDailyQuota({ calls: 5 });
    const response = await sendControl(body);
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ error: reason });
    expect((await control.state()).dailyQuota.setting).toEqual({ calls: 5, windowMs: DAY, countsToken: true });
  });

  it('rejects bad input through the typed client too', async () => {
    await expect(control.setDailyQuota({ calls: -1 })).rejects.toThrow('Emulator control "setDailyQuota" failed: quota.calls must be a whole number from 1');
  });
});
