/**
 * The real local stack, as `npm start` runs it: dynalite + serverless offline, over HTTP.
 * Walks /login (opened on localhost, as people do) → Spotify consent (emulated) → /callback →
 * /highlights, then restarts the stack on the same data folder to prove the owner's
 * authorization survives. It runs in a copy of the service whose .env and .env.local set every
 * variable the service reads to poison, as a developer's might: the walk works only if none of
 * it reaches the stack.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COLLECT_FUNCTION, invokeFunction, invokeWatch } from '../../scripts/local-schedule';
import { copyOfService, freePort, portIsOpen, SERVICE_DEFAULTS, startLocalStack, type LocalStack } from '../support/local-stack';
import { createDefaultModel, DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, startEmulator, type RunningEmulator } from '../support/spotify-emulator';

let emulator: RunningEmulator;
let stack: LocalStack | undefined;
let port: number;
const dataDir = mkdtempSync(join(tmpdir(), 'sh-e2e-data-'));
const service = copyOfService();
const env = { SPOTIFY_CLIENT_ID: DEFAULT_CLIENT_ID, SPOTIFY_CLIENT_SECRET: DEFAULT_CLIENT_SECRET };
const start = () => startLocalStack({ emulatorUrl: emulator.url, env, dataDir, port, dir: service });

beforeAll(async () => {
  for (const file of ['.env', '.env.local']) {
    writeFileSync(join(service, file), Object.keys(SERVICE_DEFAULTS).map((name) => `${name}=poison-from-${file}`).join('\n'));
  }
  port = await freePort();
  emulator = await startEmulator(createDefaultModel({ redirectUris: [`http://127.0.0.1:${port}/callback`] }));
  stack = await start();
}, 120_000);

afterAll(async () => {
  await stack?.stop();
  await emulator?.close();
  for (const dir of [dataDir, service]) rmSync(dir, { recursive: true, force: true });
});

/** GET `path` from the stack as a browser that typed `host` in its address bar. */
function getAs(host: string, path: string): Promise<{ status: number; location: string | undefined }> {
  return new Promise((done, fail) => {
    const req = request({ host: '127.0.0.1', port, path, headers: { host } }, (res) => {
      res.resume();
      done({ status: res.statusCode ?? 0, location: res.headers.location });
    });
    req.once('error', fail);
    req.end();
  });
}


describe('npm start', () => {
  it('prints the URL to open and the redirect URI to register', () => {
    expect(stack?.output()).toContain(`Open http://127.0.0.1:${port}/login`);
    expect(stack?.output()).toContain(`register this redirect URI: http://127.0.0.1:${port}/callback`);
  });

  it('takes nothing from the .env files of the folder it runs in', () => {
    expect(stack?.output()).not.toContain('poison');
    expect(stack?.output()).not.toContain('Not set yet');
    expect(existsSync(join(service, 'poison-from-.env.local'))).toBe(false);
  });

  it('runs the owner\'s watch once it is up (serverless offline runs no schedules), through the real function', async () => {
    const deadline = Date.now() + 20_000;
    while (!stack?.output().includes('nobody is connected, so there is nothing to tell') && Date.now() < deadline) await new Promise((done) => setTimeout(done, 250));
    expect(stack?.output()).toContain('Watch: nobody is connected, so there is nothing to tell');
  });

  it('runs the history\'s collector once it is up, and as npm run collect does', async () => {
    const deadline = Date.now() + 20_000;
    while (!stack?.output().includes('nobody is connected, so there is nothing to collect') && Date.now() < deadline) await new Promise((done) => setTimeout(done, 250));
    expect(stack?.output()).toContain('The collector: nobody is connected, so there is nothing to collect');
    const outcome = await invokeFunction(stack!.lambdaPort, COLLECT_FUNCTION);
    expect(outcome.ok).toBe(true);
    expect(JSON.parse(outcome.detail)).toMatchObject({ outcome: 'not_connected', stored: 0 });
  });

  it('invokes the watch as npm run watch does, and answers its report', async () => {
    const outcome = await invokeWatch(stack!.lambdaPort);
    expect(outcome.ok).toBe(true);
    expect(JSON.parse(outcome.detail)).toEqual({ due: [], sent: [], failed: [], skipped: [] });
    expect(await invokeWatch(await freePort())).toEqual({ ok: false, detail: expect.stringMatching(/is the local stack running \(npm start\)\?/) });
  });

  it('walks /login → consent → /callback → /highlights over HTTP', async () => {
    const base = stack?.url ?? '';
    const before = await fetch(`${base}/highlights`);
    expect(before.status).toBe(503);
    expect(((await before.json()) as { error: string }).error).toBe('not_authorized');

    // Opened on localhost, /login first moves the browser to the redirect URI's host, where Spotify returns.
    expect(await getAs(`localhost:${port}`, '/login')).toEqual({ status: 302, location: `${base}/login?moved=1` });
    const login = await fetch(`${base}/login?moved=1`, { redirect: 'manual' });
    expect(login.status).toBe(302);
    const authorize = new URL(login.headers.get('location') ?? '');
    expect(authorize.host).toBe('accounts.spotify.com');
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '';

    // The browser's visit to Spotify, answered by the emulator.
    const consent = await fetch(`${emulator.url}${authorize.pathname}${authorize.search}`);
    expect(consent.status).toBe(200);
    const decision = new URLSearchParams(authorize.searchParams);
    decision.set('decision', 'accept');
    const approved = await fetch(`${emulator.url}/authorize/decision`, { method: 'POST', body: decision, redirect: 'manual' });
    expect(approved.status).toBe(302);
    const back = approved.headers.get('location') ?? '';
    expect(back.startsWith(`${base}/callback?`)).toBe(true);

    const callback = await fetch(back, { headers: { cookie } });
    const page = await callback.text();
    expect(callback.status).toBe(200);
    expect(page).toContain(`curl ${base}/highlights`);

    const after = await fetch(`${base}/highlights?limit=3`);
    expect(after.status).toBe(200);
    const body = (await after.json()) as { artists: unknown[]; timeRange: string };
    expect(body.artists).toHaveLength(3);
    expect(body.timeRange).toBe('short_term');
    expect(emulator.model.calls.token.authorization_code).toBe(1);
  });

  it('stops both processes on SIGTERM, and a restart keeps the owner\'s authorization', async () => {
    const dynamoPort = stack?.dynamoPort ?? 0;
    expect(await portIsOpen(dynamoPort)).toBe(true);
    const started = Date.now();
    await stack?.stop();
    expect(await portIsOpen(port)).toBe(false);
    expect(await portIsOpen(dynamoPort)).toBe(false);
    // Closed by the script itself, not by the SIGKILL fallback after 10 s.
    expect(Date.now() - started).toBeLessThan(9000);

    stack = await start();
    const response = await fetch(`${stack.url}/highlights`);
    expect(response.status).toBe(200);
    expect(emulator.model.calls.token.authorization_code).toBe(1);
  }, 120_000);
});
