/**
 * CORS through `serverless offline`, which applies serverless.yml's provider.httpApi.cors (built
 * from CORS_ALLOWED_ORIGINS by config/cors.cjs) the way API Gateway does, with one known gap:
 * serverless-offline 14 copies any Origin into Access-Control-Allow-Origin on a non-preflight
 * response (src/events/http/HttpServer.js, its onPreResponse hook), where API Gateway leaves the
 * header out for an origin not in the list. So here a refused origin is proved on its preflight,
 * and the packaged-template test pins the exact list API Gateway gets.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalStack, type LocalStack } from '../support/local-stack';
import { createDefaultModel, DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, startEmulator, type RunningEmulator } from '../support/spotify-emulator';

const ALLOWED = 'https://owner.example';
const REFUSED = 'https://elsewhere.example';

let emulator: RunningEmulator;
let stack: LocalStack;

beforeAll(async () => {
  emulator = await startEmulator(createDefaultModel());
  stack = await startLocalStack({
    emulatorUrl: emulator.url,
    env: { SPOTIFY_CLIENT_ID: DEFAULT_CLIENT_ID, SPOTIFY_CLIENT_SECRET: DEFAULT_CLIENT_SECRET, CORS_ALLOWED_ORIGINS: `${ALLOWED}, http://127.0.0.1:8080` },
  });
}, 120_000);

afterAll(async () => {
  await stack?.stop();
  await emulator?.close();
});

const preflight = (path: string, origin: string) =>
  fetch(`${stack.url}${path}`, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'GET' } });

describe('CORS_ALLOWED_ORIGINS through serverless offline', () => {
  it.each(['/highlights', '/status', '/card.svg'])('lets an allowed origin read GET %s, without credentials', async (path) => {
    const response = await fetch(`${stack.url}${path}`, { headers: { origin: ALLOWED } });
    await response.arrayBuffer();
    expect(response.headers.get('access-control-allow-origin')).toBe(ALLOWED);
    expect(response.headers.get('access-control-allow-credentials')).toBeNull();
  });

  it('answers an allowed origin\'s preflight: GET only, cached a day, no credentials', async () => {
    const response = await preflight('/highlights', ALLOWED);
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe(ALLOWED);
    expect(response.headers.get('access-control-allow-methods')).toBe('GET');
    expect(response.headers.get('access-control-max-age')).toBe('86400');
    expect(response.headers.get('access-control-allow-credentials')).toBeNull();
  });

  it('refuses another origin\'s preflight: no Access-Control-Allow-Origin, so its browser refuses', async () => {
    const response = await preflight('/highlights', REFUSED);
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
    expect(response.headers.get('access-control-allow-methods')).toBeNull();
  });

  it('answers requests without an Origin (curl, servers, <img>) as always, with no CORS headers', async () => {
    const response = await fetch(`${stack.url}/highlights`);
    expect(response.status).toBe(503);
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('(known serverless-offline gap) echoes a refused origin on a simple GET; API Gateway does not', async () => {
    // When this fails, serverless-offline has become as strict as API Gateway: assert the refusal here instead.
    const response = await fetch(`${stack.url}/highlights`, { headers: { origin: REFUSED } });
    await response.arrayBuffer();
    expect(response.headers.get('access-control-allow-origin')).toBe(REFUSED);
  });
});
