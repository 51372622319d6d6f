/**
 * End-to-end requests/s and latency over HTTP, per design and concurrency. In a full run the
 * service is the real local stack (`npm start`: dynalite + serverless offline) and the
 * baselines are served by serverless offline from scripts/bench/serverless.yml, with the same
 * plugins and bundling, on the same dynalite and Spotify emulator. A smoke run puts the
 * handlers behind a tiny in-process HTTP adapter instead, so the load loop keeps working.
 */
import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { httpEvent, lambdaContext } from '../../tests/support/events';
import { freePort, startLocalStack } from '../../tests/support/local-stack';
import { DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, OWNER_ID, type SpotifyModel } from '../../tests/support/spotify-emulator';
import { load, type LoadFigure } from './load';
import { countCalls, DESIGN_PATHS, DESIGNS, HANDLERS, type Design, type World } from './world';

export interface Servers {
  /** Base URL serving each design's path. */
  baseUrls: Record<Design, string>;
  via: string;
  stop(): Promise<void>;
}

export interface EndToEndOptions {
  concurrencies: number[];
  seconds: number;
  maxRequests: number;
  warmupRequests: number;
}

export type EndToEndFigure = LoadFigure & {
  design: Design;
  /** Calls the emulator answered (token + Web API) while this design and concurrency ran. */
  spotifyCalls: number;
};

const preload = resolve(import.meta.dirname, '../../tests/support/spotify-emulator/preload.mjs');
const READY_TIMEOUT_MS = 120_000;

/** serverless offline for the baselines, as a process group the bench stops at the end. */
async function startBaselinesOffline(env: Record<string, string>): Promise<{ url: string; stop(): Promise<void> }> {
  const port = await freePort();
  // serverless-esbuild puts its work folder inside the service folder (git-ignored as .esbuild*).
  const workFolder = `.esbuild-bench-${process.pid}`;
  const serverless = createRequire(import.meta.url).resolve('serverless/bin/serverless.js');
  const child = spawn(process.execPath, [serverless, 'offline', 'start'], {
    cwd: import.meta.dirname,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env, PORT: String(port), LAMBDA_PORT: String(await freePort()), ESBUILD_WORK_FOLDER: workFolder, NODE_OPTIONS: `--import ${preload}` },
  });
  let output = '';
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((done) => child.once('exit', done));
      process.kill(-(child.pid as number), 'SIGTERM');
      const force = setTimeout(() => process.kill(-(child.pid as number), 'SIGKILL'), 5000);
      await exited;
      clearTimeout(force);
    }
    rmSync(join(import.meta.dirname, workFolder), { recursive: true, force: true });
  };
  try {
    await new Promise<void>((done, fail) => {
      const timer = setTimeout(() => fail(new Error(`baselines offline not ready:\n${output}`)), READY_TIMEOUT_MS);
      const onData = (chunk: Buffer) => {
        // Keep the tail only: offline logs two lines per request.
        output = (output + chunk.toString()).slice(-20_000);
        if (output.includes('Server ready')) {
          clearTimeout(timer);
          done();
        }
      };
      child.stdout?.on('data', onData);
      child.stderr?.on('data', onData);
      child.once('exit', (code) => fail(new Error(`baselines offline exited with ${code}:\n${output}`)));
    });
  } catch (error) {
    await stop();
    throw error;
  }
  return { url: `http://127.0.0.1:${port}`, stop };
}

/** The owner connects to the running stack over HTTP, as in the browser (Spotify's side emulated). */
async function connectOverHttp(base: string, model: SpotifyModel): Promise<void> {
  model.registerRedirectUri(`${base}/callback`);
  const login = await fetch(`${base}/login`, { redirect: 'manual' });
  const authorize = new URL(login.headers.get('location') ?? '');
  const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  const code = model.approve(model.authorize(authorize.searchParams), OWNER_ID);
  const query = new URLSearchParams({ code, state: authorize.searchParams.get('state') ?? '' });
  const callback = await fetch(`${base}/callback?${query}`, { headers: { cookie } });
  if (callback.status !== 200) throw new Error(`The owner could not connect to the local stack: /callback answered ${callback.status}`);
}

export interface OfflineSetup {
  emulatorUrl: string;
  /** The service's result freshness, passed explicitly so a developer's .env cannot change it. */
  cacheSeconds: number;
  dynamoPort: number;
  dataDir: string;
  /** The table the baselines read (the stack's own table is made by serverless-dynamodb). */
  baselinesTable: string;
}

/** Starts both offline servers in parallel; connect the service's owner with `connectService`. */
export async function startOfflineServers(setup: OfflineSetup): Promise<Servers & { connectService(model: SpotifyModel): Promise<void> }> {
  const credentials = { SPOTIFY_CLIENT_ID: DEFAULT_CLIENT_ID, SPOTIFY_CLIENT_SECRET: DEFAULT_CLIENT_SECRET };
  const [stack, baselines] = await Promise.allSettled([
    startLocalStack({
      emulatorUrl: setup.emulatorUrl,
      dataDir: setup.dataDir,
      // Set here, these win over a developer's .env: the stack runs with the service's defaults.
      env: {
        ...credentials,
        DYNAMODB_PORT: String(setup.dynamoPort),
        SPOTIFY_REDIRECT_URI: '',
        OWNER_SPOTIFY_ID: '',
        HIGHLIGHTS_CACHE_SECONDS: String(setup.cacheSeconds),
        LOG_LEVEL: 'INFO',
      },
    }),
    startBaselinesOffline({
      ...credentials,
      SPOTIFY_EMULATOR_URL: setup.emulatorUrl,
      DYNAMODB_ENDPOINT: `http://127.0.0.1:${setup.dynamoPort}`,
      TABLE_NAME: setup.baselinesTable,
    }),
  ]);
  const stop = async () => {
    await Promise.all([stack, baselines].map((started) => (started.status === 'fulfilled' ? started.value.stop() : undefined)));
  };
  if (stack.status === 'rejected' || baselines.status === 'rejected') {
    await stop();
    throw stack.status === 'rejected' ? stack.reason : (baselines as PromiseRejectedResult).reason;
  }
  return {
    baseUrls: { service: stack.value.url, checkExpiry: baselines.value.url, refreshEveryRequest: baselines.value.url },
    via: 'serverless offline (the service: the real `npm start` stack; the baselines: scripts/bench/serverless.yml)',
    connectService: (model) => connectOverHttp(stack.value.url, model),
    stop,
  };
}

/** Smoke runs: every design's handler behind one in-process HTTP server. */
export async function startInProcessServer(): Promise<Servers> {
  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    const design = DESIGNS.find((candidate) => DESIGN_PATHS[candidate] === url.pathname);
    if (!design) return void response.writeHead(404).end();
    const event = httpEvent(url.pathname, { query: Object.fromEntries(url.searchParams) });
    HANDLERS[design](event, lambdaContext('highlights')).then(
      (result) => response.writeHead(result.statusCode, result.headers ?? {}).end(result.body ?? ''),
      () => response.writeHead(500).end(),
    );
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    baseUrls: { service: base, checkExpiry: base, refreshEveryRequest: base },
    via: 'an in-process HTTP adapter (smoke run)',
    stop: () =>
      new Promise<void>((done) => {
        server.close(() => done());
        server.closeAllConnections();
      }),
  };
}

export async function measureEndToEnd(servers: Servers, options: EndToEndOptions, world: World): Promise<EndToEndFigure[]> {
  const figures: EndToEndFigure[] = [];
  for (const design of DESIGNS) {
    const url = `${servers.baseUrls[design]}${DESIGN_PATHS[design]}`;
    const warmup = await load(url, { concurrency: 1, seconds: 30, maxRequests: options.warmupRequests });
    if (warmup.errors > 0) throw new Error(`${url} failed ${warmup.errors} of ${warmup.requests} warm-up requests`);
    for (const concurrency of options.concurrencies) {
      let figure: LoadFigure | undefined;
      const calls = await countCalls(world, async () => {
        figure = await load(url, { concurrency, seconds: options.seconds, maxRequests: options.maxRequests });
      });
      figures.push({ design, ...(figure as LoadFigure), spotifyCalls: calls.token + calls.api });
    }
  }
  return figures;
}
