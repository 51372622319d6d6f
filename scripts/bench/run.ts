/**
 * One bench run: the service and both baselines, side by side, on one Spotify emulator and one
 * dynalite, then the simulated days (days/section.ts), each design in processes of its own. Untimed
 * heavy work (packaging, starting serverless offline) runs first, in parallel; then each
 * measurement runs alone, so they do not compete for the two cores. `--only` runs some sections
 * alone (options.ts); the figures of the others are then absent.
 *
 * Import this only after POWERTOOLS_LOG_LEVEL is set (scripts/bench.ts does): the service's
 * logger reads it when its module loads.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import dynalite from 'dynalite';
import { shortestIntervals } from '../../lib/platform/config';
import { freePort } from '../../tests/support/local-stack';
import { measureInit, prepareBundles, type BundleFigure } from './bundles';
import { measureBurst, type BurstFigure } from './burst';
import { useSimulatedClock } from './clock';
import { measureDays, type DaysFigure } from './days/section';
import { measureEndToEnd, startInProcessServer, startOfflineServers, type EndToEndFigure, type Servers } from './e2e';
import { measureHistory, type HistoryFigure } from './history';
import { measureHistoryCpu, type HistoryCpuFigure } from './history-cpu';
import { measureImport, type ImportFigure } from './import';
import { measureLatency, type LatencyFigures } from './latency';
import { measureNowPlaying, type NowPlayingFigure } from './now-playing';
import type { BenchOptions, Section } from './options';
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
  /** The sections this run measured (all, unless --only named some); the figures of the others are absent. */
  sections: Section[];
  /** From the bench process's start to its last measurement and clean-up. */
  durationSeconds: number;
  /** Each section's own time (the untimed set-up they share is in none). */
  sectionSeconds: Partial<Record<Section, number>>;
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
    days: BenchOptions['days'];
    historyCpu: BenchOptions['historyCpu'];
    importExport: BenchOptions['importExport'];
  };
  spotifyCalls?: Record<Design, WindowFigure>;
  latency?: LatencyFigures;
  /** Each design's burst in one container. */
  burst?: Record<Design, BurstFigure>;
  /** The service's burst spread over several containers (copies of its built bundle). */
  burstAcrossContainers?: BurstFigure;
  /** /now-playing over the window, over several containers, against asking Spotify every time. */
  nowPlaying?: NowPlayingFigure;
  /** /history?days=365 from the daily aggregates, against reading every play of the year. */
  history?: HistoryFigure;
  /** /history?days=365 for a heavy listener, its handler's CPU held to each Lambda memory size's. */
  historyCpu?: HistoryCpuFigure;
  /** A ten-year data export through the real `npm run import`, twice, then /history over it. */
  importExport?: ImportFigure;
  endToEnd?: { via: string; figures: EndToEndFigure[] };
  bundles?: BundleFigure[];
  /** Two simulated days of the day's Spotify budget, for this service and today's design. */
  days?: DaysFigure;
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

/** The figures of the sections that run in the bench process, on its world (all but the simulated days). */
type CoreFigures = Pick<BenchResult, 'spotifyCalls' | 'latency' | 'burst' | 'burstAcrossContainers' | 'nowPlaying' | 'history' | 'endToEnd' | 'bundles'>;

const IN_PROCESS: readonly Section[] = ['init', 'calls', 'latency', 'burst', 'now-playing', 'history', 'e2e'];

/** Runs `work` as section `section` when the run includes it, timing it; undefined otherwise. */
function sectionRunner(options: BenchOptions, seconds: Partial<Record<Section, number>>, log: (line: string) => void) {
  return async <T>(section: Section, label: string, work: () => Promise<T>): Promise<T | undefined> => {
    if (!options.sections.includes(section)) return undefined;
    log(label);
    const started = performance.now();
    const figure = await work();
    seconds[section] = (performance.now() - started) / 1000;
    return figure;
  };
}

async function runInProcess(
  options: BenchOptions,
  run: ReturnType<typeof sectionRunner>,
  log: (line: string) => void,
  cleanups: (() => Promise<void> | void)[],
): Promise<CoreFigures> {
  const wants = (...sections: Section[]) => sections.some((section) => options.sections.includes(section));
  if (!wants(...IN_PROCESS)) return {};
  const db = await database(options.smoke);
  cleanups.push(db.close);
  const world = await createWorld({ latencyMs: options.spotifyLatencyMs, dynamoEndpoint: db.endpoint });
  cleanups.push(world.close);

  const needsBundles = wants('init', 'burst', 'now-playing');
  const needsOffline = !options.smoke && wants('e2e');
  log(needsOffline ? 'Packaging the prod stage and starting serverless offline (untimed)…' : needsBundles ? 'Bundling the handlers…' : 'Setting up…');
  const [prepared, offline] = await Promise.all([
    needsBundles || needsOffline ? prepareBundles(options.smoke) : undefined,
    needsOffline
      ? startOfflineServers({ emulatorUrl: world.emulatorUrl, cacheSeconds: world.cacheSeconds, dynamoPort: db.port, dataDir: db.dataDir, baselinesTable: BASELINES_TABLE })
      : undefined,
  ]);
  if (prepared) cleanups.push(prepared.dispose);
  if (offline) cleanups.push(offline.stop);
  const bundleOf = (name: string) => {
    const bundle = prepared?.bundles.find((each) => each.name === name);
    if (!bundle) throw new Error(`serverless.yml has no ${name} function`);
    return bundle.file;
  };

  const bundles = await run('init', 'Cold module initialisation per function…', () => measureInit(prepared!.bundles, options.initRuns));

  world.routeSpotify(true);
  const restoreClock = useSimulatedClock();
  const figures: CoreFigures = { bundles };
  try {
    figures.spotifyCalls = await run('calls', `Spotify calls over ${options.window.windowMinutes} simulated minutes…`, () => measureWindow(world, options.window));
    figures.latency = await run('latency', 'In-process handler latency…', () => measureLatency(world, options.latency));
    const bursts = await run('burst', `${options.burstSize}-request burst at token expiry…`, () => measureBurst(world, options.burstSize, bundleOf('highlights')));
    figures.burst = bursts?.oneContainer;
    figures.burstAcrossContainers = bursts?.serviceAcrossContainers;
    const { requestsPerMinute, minutes, containers } = options.nowPlaying;
    figures.nowPlaying = await run(
      'now-playing',
      `/now-playing: ${requestsPerMinute} requests a minute for ${minutes} simulated minutes over ${containers} containers, against the naive design…`,
      () => measureNowPlaying(world, bundleOf('nowPlaying'), options.nowPlaying),
    );
  } finally {
    restoreClock();
  }

  const { days, playsPerDay } = options.history;
  figures.history = await run('history', `/history?days=365 from the daily aggregates, against reading every play: seeding ${days} days × ${playsPerDay} plays (untimed)…`, () =>
    measureHistory(world, options.history, log),
  );

  figures.endToEnd = await run('e2e', 'End to end over HTTP…', async () => {
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
    return { via: servers.via, figures: await measureEndToEnd(servers, options.endToEnd, world) };
  });
  return figures;
}

export async function runBench(options: BenchOptions, say: (line: string) => void = () => undefined): Promise<BenchResult> {
  const startedAt = new Date().toISOString();
  const runStarted = performance.now();
  const log = (line: string) => say(`[${((performance.now() - runStarted) / 1000).toFixed(1).padStart(5)} s] ${line}`);
  const host = machine();
  const cleanups: (() => Promise<void> | void)[] = [];
  const sectionSeconds: Partial<Record<Section, number>> = {};
  const run = sectionRunner(options, sectionSeconds, log);
  try {
    const figures = await runInProcess(options, run, log, cleanups);
    const { hours, levels, designs, quota } = options.days;
    const days = await run(
      'days',
      `Simulated days: ${hours} h of ${designs.join(' and ')} at ${levels.join(', ')}${quota ? `, and Spotify's quota at ${quota.calls}` : ''}, ${options.days.workers} at a time…`,
      () => measureDays(options.days, log),
    );
    const { memorySizes, days: historyDays } = options.historyCpu;
    const historyCpu = await run('history-cpu', `/history?days=${historyDays} for a heavy listener at ${memorySizes.join(', ')} MB of Lambda CPU, a process each…`, () => measureHistoryCpu(options.historyCpu, log));
    const { years, playsPerDay } = options.importExport;
    const importExport = await run('import', `npm run import of a ${years}-year data export (${playsPerDay} entries a day) into dynalite, twice, then /history over it…`, () =>
      measureImport(options.importExport, log),
    );
    return {
      mode: options.smoke ? 'smoke' : 'full',
      startedAt,
      sections: options.sections,
      durationSeconds: 0,
      sectionSeconds,
      machine: host,
      settings: {
        spotifyLatencyMs: options.spotifyLatencyMs,
        cacheSeconds: shortestIntervals().cacheSeconds,
        // Spotify's (and the emulator's) one-hour access tokens.
        accessTokenTtlSeconds: 3600,
        window: options.window,
        burstSize: options.burstSize,
        nowPlaying: options.nowPlaying,
        endToEnd: options.endToEnd,
        history: options.history,
        initRuns: options.initRuns,
        days: options.days,
        historyCpu: options.historyCpu,
        importExport: options.importExport,
      },
      ...figures,
      ...(days ? { days } : {}),
      ...(historyCpu ? { historyCpu } : {}),
      ...(importExport ? { importExport } : {}),
    };
  } finally {
    for (const cleanup of cleanups.reverse()) await cleanup();
  }
}
