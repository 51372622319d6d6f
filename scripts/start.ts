/**
 * The local stack behind `npm start`: dynalite (data kept in .dynamodb/, so the owner's
 * authorization survives a restart), then `serverless offline start --stage local`, which
 * migrates the table from serverless.yml and serves the functions on http://127.0.0.1:PORT.
 * Its settings come from the environment, then from .env.local if it exists, else .env (the rule
 * the Framework applies to every deployed stage), read here alone: the offline process gets every
 * value from this script and reads no env file (config/stages.cjs, useDotenv).
 * The owner's watch runs once the stack is up and then on WATCH_SCHEDULE, the history's collector
 * every HISTORY_COLLECT_MINUTES (serverless offline runs no schedules: scripts/local-schedule.ts
 * invokes the real functions). Ctrl-C or SIGTERM stops both.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import dynalite from 'dynalite';
import { collectInterval, COLLECT_FUNCTION, intervalOf, invokeFunction, WATCH_FUNCTION } from './local-schedule';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const STAGE = 'local';
// Like the Framework's useDotenv, this never overrides a variable that is already set.
const envFile = [`.env.${STAGE}`, '.env'].map((name) => resolve(root, name)).find((path) => existsSync(path));
if (envFile) process.loadEnvFile(envFile);

// `||`, not `??`: an empty line in .env (PORT=) means the default too.
const port = Number(process.env.PORT || 3000);
const dynamoPort = Number(process.env.DYNAMODB_PORT || 8000);
const lambdaPort = Number(process.env.LAMBDA_PORT || port + 2);
const dataDir = resolve(root, process.env.DYNAMODB_DATA_DIR || '.dynamodb');
const baseUrl = `http://127.0.0.1:${port}`;
const redirectUri = process.env.SPOTIFY_REDIRECT_URI || `${baseUrl}/callback`;

const CREDENTIALS: [name: string, where: string][] = [
  ['SPOTIFY_CLIENT_ID', 'the Client ID of your app: https://developer.spotify.com/dashboard → your app (or Create app) → Settings'],
  ['SPOTIFY_CLIENT_SECRET', 'its Client secret, on the same page (View client secret)'],
];
const missing = CREDENTIALS.filter(([name]) => !process.env[name]?.trim());
if (missing.length) {
  // Said at once, before the build: the stack still starts, and its pages work meanwhile.
  const file = envFile ? basename(envFile) : '.env (copy .env.example to .env)';
  console.warn(`\n  Not set yet, so /login cannot connect Spotify (the other pages work meanwhile). Fill in, in ${file}:`);
  for (const [name, where] of missing) console.warn(`    ${name.padEnd(22)} ${where}`);
  console.warn('  No Spotify app yet? `npm run demo` runs the whole service with an emulated Spotify.\n');
}

mkdirSync(dataDir, { recursive: true });
const database = dynalite({ path: dataDir, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
await new Promise<void>((done, fail) => {
  database.once('error', fail);
  database.listen(dynamoPort, '127.0.0.1', () => done());
});

const serverlessBin = createRequire(import.meta.url).resolve('serverless/bin/serverless.js');
const offline = spawn(process.execPath, [serverlessBin, 'offline', 'start', '--stage', STAGE], {
  cwd: root,
  env: {
    ...process.env,
    PORT: String(port),
    LAMBDA_PORT: String(lambdaPort),
    DYNAMODB_PORT: String(dynamoPort),
    DYNAMODB_ENDPOINT: `http://127.0.0.1:${dynamoPort}`,
    AWS_REGION: process.env.AWS_REGION ?? 'us-east-1',
    SPOTIFY_REDIRECT_URI: redirectUri,
  },
  stdio: ['ignore', 'pipe', 'pipe'],
});

offline.stdout.pipe(process.stdout);
offline.stderr.pipe(process.stderr);
const timers: NodeJS.Timeout[] = [];
let scheduled = false;

/** Runs `name` `after` ms from now, then every `every` ms, through serverless offline's Lambda endpoint. */
function every(name: string, what: string, after: number, interval: number): void {
  const run = async () => {
    const outcome = await invokeFunction(lambdaPort, name);
    if (!outcome.ok) console.warn(`  The ${what} did not run: ${outcome.detail}`);
  };
  timers.push(setTimeout(() => void run(), after).unref(), setInterval(() => void run(), interval).unref());
}

/**
 * serverless offline runs no schedules: the watch runs once the stack is up, then on
 * WATCH_SCHEDULE; the collector too, every HISTORY_COLLECT_MINUTES (0: never).
 */
function scheduleFunctions(): void {
  scheduled = true;
  try {
    every(WATCH_FUNCTION, 'watch', 2_000, intervalOf(process.env.WATCH_SCHEDULE || 'rate(1 hour)'));
  } catch (error) {
    console.warn(`  ${(error as Error).message} The watch does not run locally until it is fixed.`);
  }
  try {
    const interval = collectInterval(process.env.HISTORY_COLLECT_MINUTES);
    if (interval) every(COLLECT_FUNCTION, 'collector', 4_000, interval);
  } catch (error) {
    console.warn(`  ${(error as Error).message} The history is not collected locally until it is fixed.`);
  }
}

const announce = (chunk: Buffer) => {
  if (chunk.toString().includes('Server ready')) {
    if (!scheduled) scheduleFunctions();
    console.log(`
  spotify-highlights is running on ${baseUrl} (${baseUrl}/ lists everything)
  1. In the Spotify developer dashboard, register this redirect URI: ${redirectUri}
  2. Open ${baseUrl}/login in your browser and allow access.
  3. curl ${baseUrl}/highlights
`);
  }
};
offline.stdout.on('data', announce);
offline.stderr.on('data', announce);

let stopping = false;
async function stop(code: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  for (const timer of timers) clearTimeout(timer);
  if (offline.exitCode === null && offline.signalCode === null) {
    const exited = new Promise((done) => offline.once('exit', done));
    offline.kill('SIGTERM');
    const force = setTimeout(() => offline.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(force);
  }
  const closed = new Promise((done) => database.close(done));
  database.closeAllConnections();
  await closed;
  process.exit(code);
}

process.on('SIGINT', () => void stop(0));
process.on('SIGTERM', () => void stop(0));
offline.on('exit', (code) => void stop(code ?? 1));
