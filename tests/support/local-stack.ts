/**
 * Starts the real local stack (the script behind `npm start`) as child processes, with the
 * outbound Spotify traffic of the offline process sent to the emulator by a preload module.
 * Every stack gets an explicit value for every variable the service reads, so a developer's
 * .env (or exported variables) never changes what a test sees.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '../..');
const preload = resolve(import.meta.dirname, 'spotify-emulator/preload.mjs');

/**
 * Every variable the service, serverless.yml (with config/) and scripts/start.ts read, with the
 * value a spawned stack gets unless a test says otherwise. All are set, the empty ones too:
 * dotenv (the Framework's useDotenv) and process.loadEnvFile never override a variable that is
 * set, so no .env or .env.local can add or change one. tests/unit/config/variables.test.ts checks
 * that this names every variable read.
 */
export const SERVICE_DEFAULTS: Readonly<Record<string, string>> = {
  SPOTIFY_CLIENT_ID: '',
  SPOTIFY_CLIENT_SECRET: '',
  // Empty: npm start then uses http://127.0.0.1:PORT/callback.
  SPOTIFY_REDIRECT_URI: '',
  OWNER_SPOTIFY_ID: '',
  ALLOW_FIRST_OWNER: '',
  HIGHLIGHTS_CACHE_SECONDS: '300',
  NOW_PLAYING_CACHE_SECONDS: '15',
  RECENTLY_PLAYED_CACHE_SECONDS: '60',
  OWNER_RECHECK_SECONDS: '5',
  STALE_MAX_SECONDS: '604800',
  CORS_ALLOWED_ORIGINS: '',
  API_RATE_LIMIT: '',
  API_BURST_LIMIT: '',
  LOG_LEVEL: 'INFO',
  AWS_REGION: 'us-east-1',
  // The owner's notices (the watch): log only, on its default schedule.
  WATCH_SCHEDULE: '',
  NOTIFY_EMAIL: '',
  NOTIFY_WEBHOOK_URL: '',
  NOTIFY_WEBHOOK_URL_PARAM: '',
  NOTIFY_NTFY_TOPIC: '',
  NOTIFY_TOPIC_ARN: '',
  SERVICE_URL: '',
  // The listening history: collected every 30 minutes, days in UTC, answers fresh for 300 s, kept for good.
  HISTORY_COLLECT_MINUTES: '',
  HISTORY_TIME_ZONE: '',
  HISTORY_CACHE_SECONDS: '',
  HISTORY_RETENTION_DAYS: '',
  // The day's Spotify budget: 1,000 calls.
  SPOTIFY_DAILY_BUDGET: '',
  // Each start sets these for itself; empty here so that none is ever inherited.
  PORT: '',
  LAMBDA_PORT: '',
  DYNAMODB_PORT: '',
  DYNAMODB_DATA_DIR: '',
  DYNAMODB_ENDPOINT: '',
  ESBUILD_WORK_FOLDER: '.esbuild',
  SPOTIFY_EMULATOR_URL: '',
  NODE_OPTIONS: '',
};

/** The environment for a spawned stack: this process's, with every service variable at its default, then `values`. */
export function serviceEnvironment(values: Record<string, string>): NodeJS.ProcessEnv {
  return { ...process.env, ...SERVICE_DEFAULTS, ...values };
}

/** What `serverless` needs to package or run the service. */
const SERVICE_FILES = ['serverless.yml', 'package.json', 'tsconfig.json', 'config', 'handlers', 'lib', 'types', 'scripts/start.ts', 'scripts/local-schedule.ts', 'scripts/watch.ts', 'scripts/collect.ts'];

/**
 * A copy of the service in a new temporary folder (node_modules linked, not copied), where a test
 * may write its own .env files without touching the developer's. Remove it with rmSync when done.
 */
export function copyOfService(): string {
  const dir = mkdtempSync(join(tmpdir(), 'sh-service-'));
  mkdirSync(join(dir, 'scripts'));
  for (const path of SERVICE_FILES) cpSync(join(root, path), join(dir, path), { recursive: true });
  symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'), 'dir');
  return dir;
}

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const address = server.address();
  await new Promise((done) => server.close(done));
  if (!address || typeof address === 'string') throw new Error('no port');
  return address.port;
}

export function portIsOpen(port: number): Promise<boolean> {
  return new Promise((done) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      done(true);
    });
    socket.once('error', () => done(false));
  });
}

async function waitUntilClosed(ports: number[], timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!(await Promise.all(ports.map(portIsOpen))).some(Boolean)) return true;
    await new Promise((done) => setTimeout(done, 100));
  }
  return false;
}

export interface LocalStack {
  url: string;
  port: number;
  dynamoPort: number;
  /** serverless offline's Lambda endpoint (the watch is invoked there). */
  lambdaPort: number;
  output(): string;
  stop(): Promise<void>;
}

export interface StackOptions {
  emulatorUrl: string;
  env?: Record<string, string>;
  dataDir?: string;
  port?: number;
  /** The service's folder: this working tree unless a test runs a copyOfService(). */
  dir?: string;
}

export async function startLocalStack(options: StackOptions): Promise<LocalStack> {
  const port = options.port ?? (await freePort());
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'sh-data-'));
  const dynamoPort = await freePort();
  const lambdaPort = await freePort();
  const dir = options.dir ?? root;
  const workFolder = `.esbuild-stack-${port}`;
  let output = '';
  const child: ChildProcess = spawn('npm', ['start'], {
    cwd: dir,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: serviceEnvironment({
      PORT: String(port),
      DYNAMODB_PORT: String(dynamoPort),
      LAMBDA_PORT: String(lambdaPort),
      DYNAMODB_DATA_DIR: dataDir,
      ESBUILD_WORK_FOLDER: workFolder,
      SPOTIFY_EMULATOR_URL: options.emulatorUrl,
      NODE_OPTIONS: `--import ${preload}`,
      ...options.env,
    }),
  });
  const ready = new Promise<void>((done, fail) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes(`register this redirect URI`)) done();
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => fail(new Error(`local stack exited with ${code}:\n${output}`)));
  });
  const timeout = new Promise<never>((_, fail) => setTimeout(() => fail(new Error(`local stack not ready:\n${output}`)), 90_000).unref());

  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const kill = (signal: NodeJS.Signals) => {
      try {
        process.kill(-(child.pid as number), signal);
      } catch {
        // the whole group is gone already
      }
    };
    const exited = new Promise((done) => child.once('exit', done));
    kill('SIGTERM');
    await exited;
    // npm may exit before the script behind it has closed its servers: give them their time, then force.
    if (!(await waitUntilClosed([port, dynamoPort], 10_000))) kill('SIGKILL');
    rmSync(join(dir, workFolder), { recursive: true, force: true });
  };

  try {
    await Promise.race([ready, timeout]);
  } catch (error) {
    await stop();
    throw error;
  }
  return { url: `http://127.0.0.1:${port}`, port, dynamoPort, lambdaPort, output: () => output, stop };
}
