import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DEFAULT_CLIENT_ID,
  DEFAULT_CLIENT_SECRET,
  DEFAULT_REDIRECT_URI,
  OWNER_ID,
  startEmulator,
  type RunningEmulator,
} from '../../support/spotify-emulator';

const run = promisify(execFile);
const preload = fileURLToPath(new URL('../../support/spotify-emulator/preload.mjs', import.meta.url));
const root = fileURLToPath(new URL('../../..', import.meta.url));

// Runs in the child with the preload: the real client library (superagent over node https).
const child = `
import { createRequire } from 'node:module';
const require = createRequire(process.cwd() + '/');
const SpotifyWebApi = require('spotify-web-api-node');
const api = new SpotifyWebApi(JSON.parse(process.env.CLIENT));
const grant = await api.authorizationCodeGrant(process.env.CODE);
api.setAccessToken(grant.body.access_token);
const me = await api.getMe();
const top = await api.getMyTopArtists({ limit: 3, time_range: 'short_term' });
let refused;
try { await api.getMyTopArtists({ limit: 99 }); } catch (e) { refused = { status: e.statusCode, message: e.body.error.message }; }
let blocked = false;
try { await fetch('https://example.com/'); } catch { blocked = true; }
console.log(JSON.stringify({ scope: grant.body.scope, me: me.body.id, top: top.body.items.map((a) => a.id), refused, blocked }));
`;

describe('preload.mjs in a child process', () => {
  let emulator: RunningEmulator;
  beforeAll(async () => {
    emulator = await startEmulator();
  });
  afterAll(() => emulator.close());

  const env = (extra: Record<string, string>) => {
    const inherited: NodeJS.ProcessEnv = { ...process.env };
    delete inherited.SPOTIFY_EMULATOR_URL;
    return { ...inherited, NODE_OPTIONS: `--import ${preload}`, ...extra };
  };

  it('sends spotify-web-api-node to the emulator and blocks the internet', async () => {
    const code = emulator.model.approve(emulator.model.authorize({
      client_id: DEFAULT_CLIENT_ID, response_type: 'code', redirect_uri: DEFAULT_REDIRECT_URI, scope: 'user-top-read',
    }));
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', child], {
      cwd: root,
      env: env({
        SPOTIFY_EMULATOR_URL: emulator.url,
        CODE: code,
        CLIENT: JSON.stringify({ clientId: DEFAULT_CLIENT_ID, clientSecret: DEFAULT_CLIENT_SECRET, redirectUri: DEFAULT_REDIRECT_URI }),
      }),
    });
    const result = JSON.parse(stdout.trim().split('\n').at(-1)!);
    const { access_token } = emulator.model.issueTokens(OWNER_ID);
    const expected = emulator.model.api({ path: '/v1/me/top/artists', query: { limit: '3', time_range: 'short_term' }, authorizationHeader: `Bearer ${access_token}` });
    expect(result).toEqual({
      scope: 'user-top-read',
      me: OWNER_ID,
      top: (expected.body as { items: { id: string }[] }).items.map((a) => a.id),
      refused: { status: 400, message: 'Invalid limit' },
      blocked: true,
    });
    expect(emulator.model.calls).toMatchObject({ token: { authorization_code: 1 }, me: 1 });
  });

  it('refuses to start without SPOTIFY_EMULATOR_URL', async () => {
    const failure = await run(process.execPath, ['-e', '0'], { cwd: root, env: env({}) }).then(() => null, (error: { code: number; stderr: string }) => error);
    expect(failure?.code).not.toBe(0);
    expect(failure?.stderr).toContain('set SPOTIFY_EMULATOR_URL');
  });
});
