/**
 * A new user's first `npm start`, before they have a Spotify app: the client id and secret are
 * empty. The stack still starts and says at once which variables to fill and where to get them;
 * its home page answers, and /login says what is missing instead of failing blankly.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalStack, type LocalStack } from '../support/local-stack';
import { createDefaultModel, startEmulator, type RunningEmulator } from '../support/spotify-emulator';

let emulator: RunningEmulator;
let stack: LocalStack;

beforeAll(async () => {
  emulator = await startEmulator(createDefaultModel());
  stack = await startLocalStack({ emulatorUrl: emulator.url, env: { SPOTIFY_CLIENT_ID: '', SPOTIFY_CLIENT_SECRET: '' } });
}, 120_000);

afterAll(async () => {
  await stack?.stop();
  await emulator?.close();
});

describe('npm start without a Spotify app yet', () => {
  it('says which variables to fill and where to get them, before "running on"', () => {
    const output = stack.output();
    const said = output.indexOf('Not set yet, so /login cannot connect Spotify');
    expect(said).toBeGreaterThanOrEqual(0);
    expect(said).toBeLessThan(output.indexOf('is running on'));
    expect(output).toContain('Fill in, in .env');
    expect(output).toMatch(/SPOTIFY_CLIENT_ID +the Client ID of your app: https:\/\/developer\.spotify\.com\/dashboard/);
    expect(output).toMatch(/SPOTIFY_CLIENT_SECRET +its Client secret, on the same page/);
    expect(output).toContain('npm run demo');
  });

  it('answers GET / with a short page linking /login, /status and the endpoints', async () => {
    const response = await fetch(`${stack.url}/`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const page = await response.text();
    for (const path of ['login', 'status', 'highlights', 'card.svg']) expect(page).toContain(`href="${path}"`);
  });

  it('answers /login with a page naming the missing variable, and /status as always', async () => {
    const login = await fetch(`${stack.url}/login`, { redirect: 'manual' });
    expect(login.status).toBe(500);
    expect(await login.text()).toContain('SPOTIFY_CLIENT_ID is not set');
    const status = await fetch(`${stack.url}/status`);
    expect(status.status).toBe(200);
    expect(((await status.json()) as { connected: boolean }).connected).toBe(false);
  });
});
