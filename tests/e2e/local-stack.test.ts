/**
 * The real local stack, as `npm start` runs it: dynalite + serverless offline, over HTTP.
 * Walks /login → Spotify consent (emulated) → /callback → /highlights, then restarts the
 * stack on the same data folder to prove the owner's authorization survives.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, portIsOpen, startLocalStack, type LocalStack } from '../support/local-stack';
import { createDefaultModel, DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, startEmulator, type RunningEmulator } from '../support/spotify-emulator';

let emulator: RunningEmulator;
let stack: LocalStack | undefined;
let port: number;
const dataDir = mkdtempSync(join(tmpdir(), 'sh-e2e-data-'));
const env = { SPOTIFY_CLIENT_ID: DEFAULT_CLIENT_ID, SPOTIFY_CLIENT_SECRET: DEFAULT_CLIENT_SECRET };

beforeAll(async () => {
  port = await freePort();
  emulator = await startEmulator(createDefaultModel({ redirectUris: [`http://127.0.0.1:${port}/callback`] }));
  stack = await startLocalStack({ emulatorUrl: emulator.url, env, dataDir, port });
}, 120_000);

afterAll(async () => {
  await stack?.stop();
  await emulator?.close();
  rmSync(dataDir, { recursive: true, force: true });
});


describe('npm start', () => {
  it('prints the URL to open and the redirect URI to register', () => {
    expect(stack?.output()).toContain(`Open http://127.0.0.1:${port}/login`);
    expect(stack?.output()).toContain(`register this redirect URI: http://127.0.0.1:${port}/callback`);
  });

  it('walks /login → consent → /callback → /highlights over HTTP', async () => {
    const base = stack?.url ?? '';
    const before = await fetch(`${base}/highlights`);
    expect(before.status).toBe(503);
    expect(((await before.json()) as { error: string }).error).toBe('not_authorized');

    const login = await fetch(`${base}/login`, { redirect: 'manual' });
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

    stack = await startLocalStack({ emulatorUrl: emulator.url, env, dataDir, port });
    const response = await fetch(`${stack.url}/highlights`);
    expect(response.status).toBe(200);
    expect(emulator.model.calls.token.authorization_code).toBe(1);
  }, 120_000);
});
