/**
 * The simulated days (`npm run bench -- --only days`): the day's Spotify budget over two
 * simulated days, for this service and today's design, at four traffic levels, and with
 * Spotify's daily quota set below the budget. Builds both designs (designs.ts), then runs each
 * design and scenario in a process of its own (worker.ts), as many at once as there are workers,
 * the longest first; the figures are counts on the simulated clock, so runs side by side do not
 * change them.
 */
import { fork } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import { buildDesigns, type DaysDesign } from './designs';
import type { RunFigure, RunSpec, Scenario } from './simulate';
import type { Level } from './traffic';
import type { WorkerMessage } from './worker';

const root = resolve(import.meta.dirname, '../../..');

export interface DaysOptions {
  /** Simulated hours per run: 48 checks every rolling 24 hours. */
  hours: number;
  /**
   * Simulated hours of today's design at 1 and 20 requests a second. It has no budget and keeps
   * nothing from one hour to the next but its caches, so its hours are alike; there an hour of it
   * costs 10 to 30 s to simulate (a Spotify call every 15 s, each with a few DynamoDB requests), so
   * it runs a few and its rolling 24 hours are extrapolated.
   */
  todayBusyHours: number;
  containers: number;
  designs: DaysDesign[];
  levels: Level[];
  /** Spotify's daily quota below the budget, and the traffic level it is met at; null: no such scenario. */
  quota: { calls: number; level: Level } | null;
  /** Runs at once, each a process. */
  workers: number;
  /** One invocation per endpoint and simulated second (slow), to check that standing for fresh answers changes no figure. */
  everySecond: boolean;
}

export interface DaysFigure {
  /** What was built: each design's commit. */
  designs: { design: DaysDesign; commit: string }[];
  /** Settings every run shared beyond the options, e.g. OWNER_RECHECK_SECONDS. */
  settings: Record<string, string>;
  runs: RunFigure[];
  buildSeconds: number;
  seconds: number;
}

/**
 * Every run reads the owner's item only when its memory of the owner is a day old: the owner never
 * changes in the simulation, and OWNER_RECHECK_SECONDS decides nothing but how often a container
 * reads that item (no Spotify call, no answer's age). At its default (5 s), the reads alone made a
 * simulated hour at 1 request a second take a minute.
 */
const SETTINGS = { OWNER_RECHECK_SECONDS: '86400' };

/** The simulation's worker, bundled with esbuild into `outDir` (packages resolve from the checkout's node_modules). */
async function buildWorker(outDir: string): Promise<string> {
  const file = join(outDir, 'worker.mjs');
  await build({
    entryPoints: [join(root, 'scripts/bench/days/worker.ts')],
    outfile: file,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node24',
    packages: 'external',
    // A few of the emulator's packages are CommonJS that require() node's modules.
    banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
    logLevel: 'error',
  });
  return file;
}

/** Runs `spec` in a process of its own; its stderr (the AWS SDK's warnings, mostly) is shown only when it fails. */
function runInWorker(workerFile: string, spec: RunSpec, log: (line: string) => void): Promise<RunFigure> {
  return new Promise((done, fail) => {
    const env: NodeJS.ProcessEnv = { ...process.env, POWERTOOLS_LOG_LEVEL: 'SILENT' };
    delete env.NODE_OPTIONS;
    const child = fork(workerFile, [], { execArgv: [], env, stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
    let settled = false;
    child.on('message', (message: WorkerMessage) => {
      if ('progress' in message) log(message.progress);
      else if ('figure' in message) {
        settled = true;
        done(message.figure);
      } else {
        settled = true;
        fail(new Error(`${message.error}\n${stderr}`));
      }
    });
    child.on('exit', (code) => {
      if (!settled) fail(new Error(`The simulation of ${spec.design.design} stopped (exit ${code}) without its figures:\n${stderr}`));
    });
    child.send(spec);
  });
}

/** Runs `items` through `work`, at most `workers` at once, in order of the list. */
async function inPool<T, R>(items: T[], workers: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(workers, items.length)) }, worker));
  return results;
}

/** Roughly how long a run takes, to start the longest first: an hour of today's design costs twice the service's, a busy hour four times a quiet one. */
function weight({ design, scenario, hours }: RunSpec): number {
  const busy = scenario.level === 'perSecond' || scenario.level === 'throttle' ? 4 : 1;
  return hours * busy * (design.design === 'today' ? 2 : 1);
}

export const scenarioLabel = (scenario: Scenario) => (scenario.quotaCalls ? `Spotify's quota at ${scenario.quotaCalls}` : scenario.level);

export async function measureDays(options: DaysOptions, log: (line: string) => void = () => undefined): Promise<DaysFigure> {
  const started = performance.now();
  const outDir = mkdtempSync(join(tmpdir(), 'sh-bench-days-'));
  try {
    symlinkSync(join(root, 'node_modules'), join(outDir, 'node_modules'), 'dir');
    const [built, workerFile] = await Promise.all([buildDesigns(options.designs, outDir), buildWorker(outDir)]);
    const buildSeconds = (performance.now() - started) / 1000;
    log(`  built ${built.map((design) => `${design.design} (${design.commit})`).join(' and ')} in ${buildSeconds.toFixed(1)} s`);
    const scenarios: Scenario[] = [...options.levels.map((level) => ({ level })), ...(options.quota ? [{ level: options.quota.level, quotaCalls: options.quota.calls }] : [])];
    const busy = (level: Level) => level === 'perSecond' || level === 'throttle';
    const hoursOf = (design: DaysDesign, { level, quotaCalls }: Scenario) =>
      design === 'today' && !quotaCalls && busy(level) ? Math.min(options.hours, options.todayBusyHours) : options.hours;
    const specs: RunSpec[] = built
      .flatMap((design) => scenarios.map((scenario) => ({ design, scenario, hours: hoursOf(design.design, scenario), containers: options.containers, everySecond: options.everySecond, settings: SETTINGS })))
      .sort((a, b) => weight(b) - weight(a));
    const runs = await inPool(specs, options.workers, async (spec) => {
      const name = `${spec.design.design}, ${scenarioLabel(spec.scenario)}`;
      const figure = await runInWorker(workerFile, spec, (line) => log(`  ${name}: ${line}`));
      log(`  ${name}: done in ${figure.seconds.toFixed(0)} s`);
      return figure;
    });
    return { designs: built.map(({ design, commit }) => ({ design, commit })), settings: SETTINGS, runs, buildSeconds, seconds: (performance.now() - started) / 1000 };
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
}
