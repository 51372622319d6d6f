/**
 * One bench run: the service and both baselines, side by side, on one Spotify emulator and one
 * dynalite. Untimed heavy work (packaging, starting serverless offline) runs first, in parallel;
 * then each measurement runs alone, so they do not compete for the two cores.
 *
 * Import this only after POWERTOOLS_LOG_LEVEL is set (scripts/bench.ts does): the service's
 * logger reads it when its module loads.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import dynalite from 'dynalite';
import { freePort } from '../../tests/support/local-stack';
import { measureInit, prepareBundles, type BundleFigure } from './bundles';
import { measureBurst, type BurstFigure } from './burst';
import { useSimulatedClock } from './clock';
import { measureEndToEnd, startInProcessServer, startOfflineServers, type EndToEndFigure, type Servers } from './e2e';
import { measureHistory, type HistoryFigure } from './history';
import { measureLatency, type LatencyFigures } from './latency';
import { measureNowPlaying, type NowPlayingFigure } from './now-playing';
import type { BenchOptions } from './options';
import { measureWindow, type WindowFigure } from './window';
import { createWorld, type Design } from './world';

export interface Machine {
  cpuModel: string;
  cores: number;
  memoryGiB: number;
  node: string;
  platform: string;
  /** 1, 5 and 15-minute load averages when the run started: anything else running skews figures. */
  loadAverageAtStart: number[];
}

export interface BenchResult {
  mode: 'full' | 'smoke';
  startedAt: string;
  /** From the bench process's start to its last measurement and clean-up. */
  durationSeconds: number;
  machine: Machine;
  settings: {
    spotifyLatencyMs: number;
    cacheSeconds: number;
    accessTokenTtlSeconds: number;
    window: BenchOptions['window'];
    burstSize: number;
    nowPlaying: BenchOptions['nowPlaying'];
    endToEnd: BenchOptions['endToEnd'];
    history: BenchOptions['history'];
    initRuns: number;
  };
  spotifyCalls: Record<Design, WindowFigure>;
  latency: LatencyFigures;
  /** Each design's burst in one container. */
  burst: Record<Design, BurstFigure>;
  /** The service's burst spread over several containers (copies of its built bundle). */
  burstAcrossContainers: BurstFigure;
  /** /now-playing over the window, over several containers, against asking Spotify every time. */
  nowPlaying: NowPlayingFigure;
  /** /history?days=365 from the daily aggregates, against reading every play of the year. */
  history: HistoryFigure;
  endToEnd: { via: string; figures: EndToEndFigure[] };
  bundles: BundleFigure[];
}

function machine(): Machine {
  return {
    cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
    cores: cpus().length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    loadAverageAtStart: loadavg().map((value) => Math.round(value * 100) / 100),
  };
}

/** The run's dynalite: the local stack's own in a full run, an in-memory one in a smoke run. */
async function database(smoke: boolean): Promise<{ endpoint: string; port: number; dataDir: string; close(): Promise<void> }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'sh-bench-data-'));
  const removeData = () => rmSync(dataDir, { recursive: true, force: true });
  if (!smoke) {
    // `npm start` starts it on this port; the bench reaches it once the stack is up.
    const port = await freePort();
    return { endpoint: `http://127.0.0.1:${port}`, port, dataDir, close: async () => removeData() };
  }
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', () => done()));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    port,
    dataDir,
    close: async () => {
      await new Promise<void>((done) => {
        server.close(() => done());
        server.closeAllConnections();
      });
      removeData();
    },
  };
}

const BASELINES_TABLE = 'bench-baselines';

export async function runBench(options: BenchOptions, say: (line: string) => void = () => undefined): Promise<BenchResult> {
  const startedAt = new Date().toISOString();
  const runStarted = performance.now();
  const log = (line: string) => say(`[${((performance.now() - runStarted) / 1000).toFixed(1).padStart(5)} s] ${line}`);
  const host = machine();
  const cleanups: (() => Promise<void> | void)[] = [];
  try {
    const db = await database(options.smoke);
    cleanups.push(db.close);
    const world = await createWorld({ latencyMs: options.spotifyLatencyMs, dynamoEndpoint: db.endpoint });
    cleanups.push(world.close);

    log(options.smoke ? 'Bundling the handlers…' : 'Packaging the prod stage and starting serverless offline (untimed)…');
    const [prepared, offline] = await Promise.all([
      prepareBundles(options.smoke),
      options.smoke
        ? undefined
        : startOfflineServers({ emulatorUrl: world.emulatorUrl, cacheSeconds: world.cacheSeconds, dynamoPort: db.port, dataDir: db.dataDir, baselinesTable: BASELINES_TABLE }),
    ]);
    cleanups.push(prepared.dispose);
    if (offline) cleanups.push(offline.stop);

    log('Cold module initialisation per function…');
    const bundles = await measureInit(prepared.bundles, options.initRuns);

    world.routeSpotify(true);
    const restoreClock = useSimulatedClock();
    let spotifyCalls, latency, bursts, nowPlaying;
    try {
      log(`Spotify calls over ${options.window.windowMinutes} simulated minutes…`);
      spotifyCalls = await measureWindow(world, options.window);
      log('In-process handler latency…');
      latency = await measureLatency(world, options.latency);
      log(`${options.burstSize}-request burst at token expiry…`);
      const highlightsBundle = prepared.bundles.find((bundle) => bundle.name === 'highlights');
      if (!highlightsBundle) throw new Error('serverless.yml has no highlights function');
      bursts = await measureBurst(world, options.burstSize, highlightsBundle.file);
      const { requestsPerMinute, minutes, containers } = options.nowPlaying;
      log(`/now-playing: ${requestsPerMinute} requests a minute for ${minutes} simulated minutes over ${containers} containers, against the naive design…`);
      const nowPlayingBundle = prepared.bundles.find((bundle) => bundle.name === 'nowPlaying');
      if (!nowPlayingBundle) throw new Error('serverless.yml has no nowPlaying function');
      nowPlaying = await measureNowPlaying(world, nowPlayingBundle.file, options.nowPlaying);
    } finally {
      restoreClock();
    }

    const { days, playsPerDay } = options.history;
    log(`/history?days=365 from the daily aggregates, against reading every play: seeding ${days} days × ${playsPerDay} plays (untimed)…`);
    const history = await measureHistory(world, options.history, log);

    log('End to end over HTTP…');
    await world.startAfresh(offline ? BASELINES_TABLE : undefined);
    let servers: Servers;
    if (offline) {
      // From here on the bench process itself sends no Spotify traffic: only its load loop's HTTP.
      world.routeSpotify(false);
      await offline.connectService(world.model);
      servers = offline;
    } else {
      servers = await startInProcessServer();
      cleanups.push(servers.stop);
    }
    const endToEnd = { via: servers.via, figures: await measureEndToEnd(servers, options.endToEnd, world) };

    return {
      mode: options.smoke ? 'smoke' : 'full',
      startedAt,
      durationSeconds: 0,
      machine: host,
      settings: {
        spotifyLatencyMs: options.spotifyLatencyMs,
        cacheSeconds: world.cacheSeconds,
        accessTokenTtlSeconds: world.model.accessTokenTtlSeconds,
        window: options.window,
        burstSize: options.burstSize,
        nowPlaying: options.nowPlaying,
        endToEnd: options.endToEnd,
        history: options.history,
        initRuns: options.initRuns,
      },
      spotifyCalls,
      latency,
      burst: bursts.oneContainer,
      burstAcrossContainers: bursts.serviceAcrossContainers,
      nowPlaying,
      history,
      endToEnd,
      bundles,
    };
  } finally {
    for (const cleanup of cleanups.reverse()) await cleanup();
  }
}
