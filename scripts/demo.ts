/**
 * `npm run demo`: the whole product on this machine, no Spotify app needed. Starts the project's
 * Spotify emulator (a sample owner with top artists and tracks, and a consent page), then the
 * real local stack (scripts/start.ts, unchanged, its Spotify calls sent to the emulator by the
 * preload that the tests use), then the demo's front door (scripts/demo-proxy.ts), and prints
 * the URL to open: the service's own home page, through the front door. The redirect URI is on
 * the front door's origin, so the service takes that origin for its own (the Origin check of the
 * owner's console, and the host /login wants the browser on). Every run starts from scratch: the
 * emulator keeps its tokens in memory, so the demo's database folder is emptied first. Ctrl-C
 * (or SIGTERM) stops everything.
 * Needs no .env, and ignores one: every setting the service reads is given here (the demo's own,
 * over the defaults of serviceEnvironment), and start.ts never lets a file override a set one.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, serviceEnvironment } from '../tests/support/local-stack';
import { addListener, SpotifyModel, startEmulator } from '../tests/support/spotify-emulator';
import { startDemoProxy, type DemoProxy } from './demo-proxy';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const port = Number(process.env.DEMO_PORT ?? 3000);
const dataDir = resolve(root, process.env.DEMO_DATA_DIR ?? '.dynamodb-demo');
const MARKER = '.spotify-highlights-demo';
const CLIENT_ID = 'spotify-highlights-demo';
const OWNER = { id: 'demo-owner', displayName: 'Alex (demo)' };

/** Empties the demo's own folder; refuses any other non-empty folder (DEMO_DATA_DIR could point anywhere). */
function freshDataDir(): void {
  if (existsSync(dataDir) && readdirSync(dataDir).length > 0 && !existsSync(join(dataDir, MARKER))) {
    throw new Error(`${dataDir} is not empty and is not a demo folder: set DEMO_DATA_DIR to an empty or new folder.`);
  }
  rmSync(dataDir, { recursive: true, force: true });
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(join(dataDir, MARKER), 'Data of `npm run demo`; emptied at every start.\n');
}

async function waitForService(url: string, exited: () => boolean): Promise<void> {
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    if (exited()) throw new Error('the local stack stopped while starting');
    const answered = await fetch(`${url}/status`).then((response) => response.ok, () => false);
    if (answered) return;
    await new Promise((done) => setTimeout(done, 250));
  }
  throw new Error('the local stack did not start within two minutes');
}

try {
  freshDataDir();
} catch (error) {
  console.error(`The demo could not start: ${(error as Error).message}`);
  process.exit(1);
}
const [servicePort, dynamoPort, lambdaPort] = [await freePort(), await freePort(), await freePort()];
const serviceUrl = `http://127.0.0.1:${servicePort}`;
// A new secret every run: the emulator and the service share it, nobody else ever sees it.
const clientSecret = randomBytes(24).toString('base64url');

const model = new SpotifyModel();
// The owner is listening when the demo starts, three minutes from the end of a track, and keeps
// listening (a queue of their top tracks, about ten hours), so the history the collector gathers
// every five minutes grows while the demo runs.
const first = addListener(model, OWNER, 3 * 60_000);
const top = model.topFor(OWNER.id, 'tracks', 'short_term');
model.player(OWNER.id).play(first, { positionMs: Math.max(0, first.duration_ms - 3 * 60_000), queue: Array.from({ length: 200 }, (_, i) => top[(i + 1) % top.length]!) });
const emulator = await startEmulator(model);
// The front door first: a taken port is reported at once, not after the build.
let proxy: DemoProxy;
try {
  proxy = await startDemoProxy({ port, serviceUrl, emulatorUrl: emulator.url, examplesDir: join(root, 'examples') });
} catch (error) {
  const taken = (error as NodeJS.ErrnoException).code === 'EADDRINUSE';
  console.error(`The demo could not start: ${taken ? `port ${port} is taken (set DEMO_PORT to another)` : (error as Error).message}`);
  await emulator.close();
  process.exit(1);
}
// The browser's origin is the front door's: Spotify (the emulator) returns it there.
const redirectUri = `${proxy.url}/callback`;
model.registerApp({ clientId: CLIENT_ID, clientSecret, redirectUris: [redirectUri], name: 'spotify-highlights demo', allowedUsers: [OWNER.id] });

const workFolder = `.esbuild-demo-${port}`;
const logPath = join(dataDir, 'service.log');
const log = createWriteStream(logPath);
const service = spawn(process.execPath, ['--import', 'tsx', join(root, 'scripts/start.ts')], {
  cwd: root,
  stdio: ['ignore', 'pipe', 'pipe'],
  env: serviceEnvironment({
    NODE_OPTIONS: `--import ${join(root, 'tests/support/spotify-emulator/preload.mjs')}`,
    SPOTIFY_EMULATOR_URL: emulator.url,
    SPOTIFY_CLIENT_ID: CLIENT_ID,
    SPOTIFY_CLIENT_SECRET: clientSecret,
    SPOTIFY_REDIRECT_URI: redirectUri,
    OWNER_SPOTIFY_ID: OWNER.id,
    PORT: String(servicePort),
    DYNAMODB_PORT: String(dynamoPort),
    LAMBDA_PORT: String(lambdaPort),
    DYNAMODB_DATA_DIR: dataDir,
    ESBUILD_WORK_FOLDER: workFolder,
    HISTORY_COLLECT_MINUTES: '5',
  }),
});
service.stdout.pipe(log);
service.stderr.pipe(log);

let stopping = false;

async function stop(code: number): Promise<never> {
  if (!stopping) {
    stopping = true;
    await proxy.close();
    if (service.exitCode === null && service.signalCode === null) {
      const exited = new Promise((done) => service.once('exit', done));
      service.kill('SIGTERM');
      const force = setTimeout(() => service.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(force);
    }
    await emulator.close();
    rmSync(join(root, workFolder), { recursive: true, force: true });
    log.end();
  }
  process.exit(code);
}

process.on('SIGINT', () => void stop(0));
process.on('SIGTERM', () => void stop(0));
service.on('exit', () => {
  if (stopping) return;
  console.error(`The local stack stopped. Its log (${relative(root, logPath)}) ends with:\n${readFileSync(logPath, 'utf8').split('\n').slice(-20).join('\n')}`);
  void stop(1);
});

try {
  await waitForService(serviceUrl, () => service.exitCode !== null);
} catch (error) {
  console.error(`The demo could not start: ${(error as Error).message}. See ${relative(root, logPath)}.`);
  await stop(1);
}

const url = proxy.url;
console.log(`
  spotify-highlights DEMO: the real service, with Spotify played by a local emulator.
  No Spotify account or app is used, and nothing leaves this machine.

  Open ${url}/

    1. Connect:            "Connect Spotify" there (the emulated consent page: press Accept)
    2. Make a card:        ${url}/   (once connected: the card builder)
    3. The sample website: ${url}/examples/
    4. Your console:       ${url}/owner
    5. The API:            ${url}/highlights   ${url}/card.svg   ${url}/status

  What the demo emulates, and every link: ${url}/demo

  The service's log is in ${relative(root, logPath)}. Ctrl-C stops everything.
`);
