/**
 * GET /history?days=365 for a heavy listener, with the handler's process held to the CPU a Lambda
 * of each memory size gets. Runnable alone:
 *
 *   npx tsx scripts/bench/history-cpu.ts [--memory=256,512,1024,1769] [--requests=10] [--days=365] [--profile=<dir>]
 *
 * and as `npm run bench -- --only history-cpu` (measureHistoryCpu runs this file in a process of its
 * own: it points the service's modules at a dynalite of its own through the environment).
 *
 * - dynalite runs in its own process, CPU unlimited; the tables are made from serverless.yml.
 * - The history: 365 days ending today, 1,000 plays a day, 10,000 distinct tracks a month
 *   (tests/support/heavy-listening.ts), stored as the collector stores its aggregates (putDay,
 *   rollUpMonths: a month is 3 items), the collector's state saying it ran all along, and the
 *   catalogue's names of what the answer ranks. The plays themselves are not stored: /history never
 *   reads them.
 * - The handler is bundled as deployed (esbuild, minified, one file) and run by plain node in a
 *   process of its own, limited to memory/1,769 of a core (Lambda gives a whole vCPU at 1,769 MB;
 *   256 MB is 0.145 of one) by a cgroup CPU quota (cgroup v1 cpu.cfs_quota_us, or v2 cpu.max); where
 *   no cgroup can be made, Debian's `cpulimit` (apt-get install cpulimit), which stops and
 *   continues the process and is coarser. The method used is printed and written down.
 * - Each process: one cold request (module load included), then `requests` sequential requests,
 *   each reading everything (HISTORY_CACHE_SECONDS=0), timed, with the CPU each took.
 *
 * It answers, per memory size, the latencies and CPU per request, and the smallest size whose p90
 * is under 1 s. Figures go to bench-results/history-cpu.json (or --out).
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { rollUpMonths } from '../../lib/features/history/collect';
import { putDay } from '../../lib/listening/history-aggregates';
import { aggregateDay, periodNumbers, rollUp, type DayAggregate } from '../../lib/listening/history-numbers';
import { moveCursor, putCatalogue, type PlayedTrack } from '../../lib/listening/history-store';
import { bindOwner } from '../../lib/owner/owner-store';
import { addDays } from '../../lib/platform/time';
import { datesBetween, heavyListener } from '../../tests/support/heavy-listening';
import { DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, DEFAULT_REDIRECT_URI, OWNER_ID } from '../../tests/support/spotify-emulator';
import { createTable } from '../../tests/support/table';
import { summarize } from './stats';
import { runSectionProcess, startDynalite } from './section-process';

const root = resolve(import.meta.dirname, '../..');
/** Lambda's CPU grows with memory: a whole vCPU at 1,769 MB. */
const FULL_CORE_MB = 1_769;
const PERIOD_US = 100_000;

const args = Object.fromEntries(process.argv.slice(2).map((arg) => arg.replace(/^--/, '').split('=') as [string, string]));

export interface HistoryCpuOptions {
  /** The Lambda memory sizes measured (MB). */
  memorySizes: number[];
  /** Warm requests per size, after the cold one. */
  requests: number;
  /** The days of heavy listening seeded and asked for (365: a year). */
  days: number;
  /** False (the smoke run): where no CPU limit can be set, run unlimited and say so. */
  cpuLimitRequired: boolean;
}

export interface HistoryCpuFigure {
  at: string;
  method: string;
  node: string;
  loadAverage: number[];
  seededPlays: number;
  days: number;
  requests: number;
  answer: unknown;
  figures: SizeFigure[];
  /** The smallest size measured whose p90 is under 1 s; null when none is. */
  underASecondMb: number | null;
}

interface Limiter {
  method: string;
  /** The command that runs `argv` under `share` of a core. */
  command(share: number, argv: string[]): { file: string; args: string[]; cleanup(): void };
}

/** A cgroup of its own with a CPU quota (v2's cpu.max, or v1's cfs quota), or cpulimit; undefined when neither works here. */
function cpuLimiter(): Limiter | undefined {
  const v1 = '/sys/fs/cgroup/cpu';
  const v2 = '/sys/fs/cgroup';
  const attempt = (base: string, write: (dir: string, share: number) => void, procs: string, method: string): Limiter | undefined => {
    const probe = join(base, `history-cpu-probe-${process.pid}`);
    try {
      mkdirSync(probe);
      write(probe, 0.5);
    } catch {
      return undefined;
    } finally {
      if (existsSync(probe)) rmdirSync(probe);
    }
    return {
      method,
      command(share, argv) {
        const dir = join(base, `history-cpu-${process.pid}-${Math.round(share * 1000)}`);
        mkdirSync(dir, { recursive: true });
        write(dir, share);
        const quoted = argv.map((arg) => `'${arg.replace(/'/g, `'\\''`)}'`).join(' ');
        return { file: 'sh', args: ['-c', `echo $$ > ${join(dir, procs)} && exec ${quoted}`], cleanup: () => rmdirSync(dir) };
      },
    };
  };
  const cpuMax = (dir: string, share: number) => writeFileSync(join(dir, 'cpu.max'), `${Math.round(share * PERIOD_US)} ${PERIOD_US}`);
  const cfs = (dir: string, share: number) => {
    writeFileSync(join(dir, 'cpu.cfs_period_us'), String(PERIOD_US));
    writeFileSync(join(dir, 'cpu.cfs_quota_us'), String(Math.round(share * PERIOD_US)));
  };
  if (existsSync(join(v2, 'cgroup.controllers')) && readFileSync(join(v2, 'cgroup.controllers'), 'utf8').includes('cpu')) {
    const limiter = attempt(v2, cpuMax, 'cgroup.procs', 'cgroup v2 CPU quota (cpu.max)');
    if (limiter) return limiter;
  }
  if (existsSync(join(v1, 'cpu.cfs_quota_us'))) {
    const limiter = attempt(v1, cfs, 'cgroup.procs', 'cgroup v1 CPU quota (cpu.cfs_quota_us / cpu.cfs_period_us)');
    if (limiter) return limiter;
  }
  if (spawnSync('cpulimit', ['--help']).status !== null) {
    return {
      method: "Debian's cpulimit (SIGSTOP/SIGCONT, --include-children)",
      command: (share, argv) => ({ file: 'cpulimit', args: ['--include-children', '-l', String(Math.max(1, Math.round(share * 100))), '--', ...argv], cleanup: () => undefined }),
    };
  }
  return undefined;
}

/** For the smoke run where no limit can be set: it proves the section runs, and measures nothing. */
const UNLIMITED: Limiter = { method: 'none: unlimited (no cgroup CPU controller nor cpulimit here)', command: (_share, argv) => ({ file: argv[0]!, args: argv.slice(1), cleanup: () => undefined }) };

/** `count` days of heavy listening's aggregates for OWNER_ID, ending today (UTC); answers the plays seeded. */
async function seed(count: number, log: (line: string) => void): Promise<number> {
  const to = new Date().toISOString().slice(0, 10);
  const dates = datesBetween(addDays(to, -(count - 1)), to);
  const listener = heavyListener();
  const days: DayAggregate[] = [];
  for (const date of dates) {
    const day = aggregateDay(date, listener.day(date));
    await putDay(OWNER_ID, day);
    days.push(day);
  }
  await rollUpMonths(OWNER_ID, dates);
  // The names of what the answer ranks: all of the catalogue an answer reads (one BatchGet of these keys).
  const { topTracks, topArtists } = periodNumbers({ from: dates[0]!, to }, days, days.flatMap((day) => day.tracks));
  const named: PlayedTrack[] = topTracks.map((track, index) => ({
    id: track.id,
    name: `Track ${track.id.slice(-6)}`,
    credits: index ? [] : topArtists.map((artist) => ({ id: artist.id, name: `Artist ${artist.id.slice(-6)}` })),
    album: '',
    durationMs: 0,
    explicit: false,
  }));
  await putCatalogue(OWNER_ID, named);
  await moveCursor(OWNER_ID, Date.now(), new Date(Date.parse(`${dates[0]}T00:00:00Z`) - 1).toISOString());
  const plays = days.reduce((sum, day) => sum + day.plays, 0);
  log(`  seeded ${plays.toLocaleString('en-US')} plays as ${days.length} days and ${new Set(dates.map((date) => date.slice(0, 7))).size} months (${rollUp('x', days.slice(-31)).tracks.length.toLocaleString('en-US')} distinct tracks in the last 31 days)`);
  return plays;
}

/** The handler, bundled as serverless-esbuild bundles it, and a runner that times requests to it. */
async function bundle(dir: string): Promise<string> {
  await build({ entryPoints: [join(root, 'handlers/http/history.ts')], bundle: true, minify: !args.profile, platform: 'node', format: 'cjs', target: 'node24', outfile: join(dir, 'history.cjs'), logLevel: 'silent' });
  const runner = join(dir, 'runner.cjs');
  writeFileSync(
    runner,
    `const { randomUUID } = require('node:crypto');
const started = performance.now();
const { handler } = require('./history.cjs');
const loaded = performance.now() - started;
const event = () => ({ version: '2.0', routeKey: 'GET /history', rawPath: '/history', rawQueryString: 'days=' + process.env.DAYS, headers: { host: 'bench' }, queryStringParameters: { days: process.env.DAYS },
  requestContext: { accountId: 'bench', apiId: 'bench', domainName: 'bench', domainPrefix: 'bench', http: { method: 'GET', path: '/history', protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'bench' }, requestId: randomUUID(), routeKey: 'GET /history', stage: '$default', time: new Date().toUTCString(), timeEpoch: Date.now() }, isBase64Encoded: false });
const context = () => ({ functionName: 'history', memoryLimitInMB: process.env.MEMORY, awsRequestId: randomUUID(), getRemainingTimeInMillis: () => 10000 });
(async () => {
  const samples = [];
  let body = '';
  for (let i = 0; i <= Number(process.env.REQUESTS); i++) {
    const cpu = process.cpuUsage();
    const t = performance.now();
    const answer = await handler(event(), context());
    const ms = performance.now() - t;
    const used = process.cpuUsage(cpu);
    if (answer.statusCode !== 200) throw new Error('answered ' + answer.statusCode + ' ' + answer.body);
    body = answer.body;
    samples.push({ ms, cpuMs: (used.user + used.system) / 1000 });
  }
  const json = JSON.parse(body);
  console.log(JSON.stringify({ loaded, samples, answer: { plays: json.plays, complete: json.complete, topTrack: json.topTracks[0], topArtist: json.topArtists[0] } }));
})().catch((error) => { console.error(error); process.exit(1); });
`,
  );
  return runner;
}

export interface SizeFigure {
  memoryMb: number;
  cpuShare: number;
  coldMs: number;
  moduleLoadMs: number;
  latency: { p50: number; p90: number; max: number };
  cpuMsPerRequest: number;
}

function run(limiter: Limiter, share: number, runner: string, env: NodeJS.ProcessEnv): Promise<{ loaded: number; samples: { ms: number; cpuMs: number }[]; answer: unknown }> {
  const argv = [process.execPath, ...(args.profile ? ['--cpu-prof', `--cpu-prof-dir=${args.profile}`] : []), runner];
  const { file, args: argList, cleanup } = limiter.command(share, argv);
  return new Promise((done, fail) => {
    const child = spawn(file, argList, { env, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (data: Buffer) => (out += data.toString()));
    child.once('exit', (code) => {
      cleanup();
      if (code === 0) done(JSON.parse(out.trim().split('\n').at(-1)!));
      else fail(new Error(`the handler process ended with ${code}`));
    });
  });
}

async function measure(options: HistoryCpuOptions, out: string): Promise<void> {
  const log = (line: string) => console.log(line);
  const limiter = cpuLimiter() ?? (options.cpuLimitRequired ? undefined : UNLIMITED);
  if (!limiter) throw new Error('No way to limit a process\'s CPU here: run as root with a cgroup CPU controller, or apt-get install cpulimit.');
  log(`/history?days=${options.days}, a heavy listener, the handler's CPU limited by ${limiter.method}; dynalite unlimited in its own process`);
  const dynalite = await startDynalite();
  const dir = mkdtempSync(join(tmpdir(), 'history-cpu-'));
  try {
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      DYNAMODB_ENDPOINT: dynalite.endpoint,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
      SPOTIFY_CLIENT_ID: DEFAULT_CLIENT_ID,
      SPOTIFY_CLIENT_SECRET: DEFAULT_CLIENT_SECRET,
      SPOTIFY_REDIRECT_URI: DEFAULT_REDIRECT_URI,
      OWNER_RECHECK_SECONDS: '5',
      HISTORY_CACHE_SECONDS: '0',
      HISTORY_COLLECT_MINUTES: '30',
      POWERTOOLS_LOG_LEVEL: 'SILENT',
      POWERTOOLS_DEV: 'true',
      REQUESTS: String(options.requests),
      DAYS: String(options.days),
    };
    Object.assign(process.env, env);
    process.env.TABLE_NAME = env.TABLE_NAME = await createTable(dynalite.endpoint, 'bench-history-cpu');
    process.env.HISTORY_TABLE_NAME = env.HISTORY_TABLE_NAME = await createTable(dynalite.endpoint, 'bench-history-cpu-history', 'HistoryTable');
    await bindOwner({ spotifyUserId: OWNER_ID, displayName: 'Bench', refreshToken: 'bench-refresh', accessToken: 'bench-access', accessTokenExpiresAt: Date.now() + 3_600_000, scopes: ['user-read-recently-played', 'user-top-read'], authorizedAt: new Date().toISOString() }, false);
    const seeded = await seed(options.days, log);
    const runner = await bundle(dir);

    const figures: SizeFigure[] = [];
    let answer: unknown;
    for (const memoryMb of options.memorySizes) {
      const share = Math.min(1, memoryMb / FULL_CORE_MB);
      const result = await run(limiter, share, runner, { ...env, MEMORY: String(memoryMb) });
      answer = result.answer;
      const [cold, ...warm] = result.samples;
      const latency = summarize(warm.map((sample) => sample.ms));
      const sorted = warm.map((sample) => sample.ms).sort((a, b) => a - b);
      const figure: SizeFigure = {
        memoryMb,
        cpuShare: Number(share.toFixed(3)),
        coldMs: Math.round(cold!.ms + result.loaded),
        moduleLoadMs: Math.round(result.loaded),
        latency: { p50: Math.round(latency.p50), p90: Math.round(sorted[Math.ceil(0.9 * sorted.length) - 1]!), max: Math.round(latency.max) },
        cpuMsPerRequest: Math.round(summarize(warm.map((sample) => sample.cpuMs)).p50),
      };
      figures.push(figure);
      log(`  ${String(memoryMb).padStart(5)} MB (${figure.cpuShare} of a core): warm p50 ${figure.latency.p50} ms, p90 ${figure.latency.p90} ms, max ${figure.latency.max} ms; ${figure.cpuMsPerRequest} ms of CPU a request; cold ${figure.coldMs} ms (module load ${figure.moduleLoadMs} ms)`);
    }
    const underASecond = figures.find((figure) => figure.latency.p90 < 1_000);
    log(underASecond ? `  the smallest size answering under 1 s (p90): ${underASecond.memoryMb} MB` : '  no size measured answers under 1 s (p90)');
    const figure: HistoryCpuFigure = {
      at: new Date().toISOString(),
      method: limiter.method,
      node: process.version,
      loadAverage: loadavg(),
      seededPlays: seeded,
      days: options.days,
      requests: options.requests,
      answer,
      figures,
      underASecondMb: underASecond?.memoryMb ?? null,
    };
    writeFileSync(out, `${JSON.stringify(figure, null, 2)}\n`);
  } finally {
    dynalite.process.kill();
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The section of `npm run bench`: this file run in a process of its own (it points the service's
 * modules at its own dynalite through the environment), its lines handed to `log`, its figures answered.
 */
export async function measureHistoryCpu(options: HistoryCpuOptions, log: (line: string) => void): Promise<HistoryCpuFigure> {
  return runSectionProcess<HistoryCpuFigure>('history-cpu', fileURLToPath(import.meta.url), [`--memory=${options.memorySizes.join(',')}`, `--requests=${options.requests}`, `--days=${options.days}`, `--cpu-limit-required=${options.cpuLimitRequired}`], log);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const out = args.out ?? join(root, 'bench-results', 'history-cpu.json');
  mkdirSync(resolve(out, '..'), { recursive: true });
  measure({ memorySizes: (args.memory ?? '256,512,1024,1769').split(',').map(Number), requests: Number(args.requests ?? 10), days: Number(args.days ?? 365), cpuLimitRequired: args['cpu-limit-required'] !== 'false' }, out).catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
