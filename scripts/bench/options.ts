/** The bench's settings: full-run defaults, smoke-run counts, and the command-line flags. */
import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
import { DESIGNS as DAYS_DESIGNS, type DaysDesign } from './days/designs';
import type { DaysOptions } from './days/section';
import { LEVELS, type Level } from './days/traffic';
import type { EndToEndOptions } from './e2e';
import type { HistoryOptions } from './history';
import type { HistoryCpuOptions } from './history-cpu';
import type { ImportOptions } from './import';
import type { LatencyOptions } from './latency';
import type { NowPlayingOptions } from './now-playing';
import type { WindowOptions } from './window';

/** The bench's sections, each nameable with --only. */
export const SECTIONS = ['init', 'calls', 'latency', 'burst', 'now-playing', 'history', 'e2e', 'days', 'history-cpu', 'import'] as const;
export type Section = (typeof SECTIONS)[number];

export const SECTION_LABELS: Record<Section, string> = {
  init: 'cold module initialisation and package sizes',
  calls: 'Spotify calls per 1,000 requests',
  latency: 'in-process handler latency',
  burst: 'the burst at token expiry',
  'now-playing': '/now-playing over ten simulated minutes',
  history: '/history?days=365',
  e2e: 'end to end over HTTP',
  days: 'simulated days: the day\'s Spotify budget',
  'history-cpu': '/history?days=365 for a heavy listener at each Lambda memory size\'s CPU',
  import: 'importing Spotify\'s data export: a ten-year export into the local stack',
};

export interface BenchOptions {
  smoke: boolean;
  quiet: boolean;
  /** The sections to run, in the bench's order. */
  sections: Section[];
  /** Added by the emulator to every Spotify call. */
  spotifyLatencyMs: number;
  window: WindowOptions;
  latency: LatencyOptions;
  burstSize: number;
  nowPlaying: NowPlayingOptions;
  endToEnd: EndToEndOptions;
  history: HistoryOptions;
  /** Fresh processes per function for the cold-initialisation median. */
  initRuns: number;
  days: DaysOptions;
  historyCpu: HistoryCpuOptions;
  importExport: ImportOptions;
}

const FULL: Omit<BenchOptions, 'smoke' | 'quiet' | 'sections'> = {
  spotifyLatencyMs: 100,
  window: { requests: 1000, windowMinutes: 10, batch: 10 },
  latency: { memoryHits: 2000, dynamoHits: 300, misses: 20, baselineRequests: 20 },
  burstSize: 100,
  nowPlaying: { requestsPerMinute: 1000, minutes: 10, containers: 4 },
  endToEnd: { concurrencies: [1, 10, 50], seconds: 4, maxRequests: 20_000, warmupRequests: 10 },
  // A year of about 20,000 plays over 300 tracks by 60 artists.
  history: { days: 365, playsPerDay: 55, tracks: 300, artists: 60, requests: 30, naiveRequests: 5, queryRequests: 10 },
  initRuns: 7,
  // Two days, so that every rolling 24 hours is checked; Spotify's quota below the budget of 1,000.
  days: { hours: 48, todayBusyHours: 4, containers: 4, designs: [...DAYS_DESIGNS], levels: [...LEVELS], quota: { calls: 700, level: 'perMinute' }, workers: availableParallelism(), everySecond: false },
  // A heavy listener's year (1,000 plays a day), at Lambda's smallest usual sizes up to a whole vCPU.
  historyCpu: { memorySizes: [256, 512, 1024, 1769], requests: 10, days: 365, cpuLimitRequired: true },
  // Ten years of about 55 entries a day (some 200,000, three in four of them music plays to keep), split as Spotify splits them into about 20 files.
  importExport: { years: 10, playsPerDay: 55, fileBytes: 9_600_000, requests: 20 },
};

/** Tiny counts, no serverless offline and no packaging: proves the bench still runs, in seconds. */
const SMOKE: Omit<BenchOptions, 'smoke' | 'quiet' | 'sections'> = {
  spotifyLatencyMs: 10,
  window: { requests: 30, windowMinutes: 10, batch: 10 },
  latency: { memoryHits: 50, dynamoHits: 5, misses: 2, baselineRequests: 2 },
  burstSize: 25,
  nowPlaying: { requestsPerMinute: 20, minutes: 10, containers: 4 },
  endToEnd: { concurrencies: [1, 10, 50], seconds: 0.2, maxRequests: 100, warmupRequests: 2 },
  history: { days: 10, playsPerDay: 5, tracks: 12, artists: 4, requests: 3, naiveRequests: 2, queryRequests: 2 },
  initRuns: 1,
  // Two simulated hours of the service alone (no worktree build), and a quota it meets within them.
  days: { hours: 2, todayBusyHours: 2, containers: 4, designs: ['service'], levels: ['perMinute'], quota: { calls: 30, level: 'perMinute' }, workers: 2, everySecond: false },
  // Three days at one size; unlimited where this machine cannot limit a process's CPU.
  historyCpu: { memorySizes: [1769], requests: 2, days: 3, cpuLimitRequired: false },
  // A month of a few plays a day: the real CLI twice and /history, in seconds.
  importExport: { years: 0.1, playsPerDay: 5, fileBytes: 9_600_000, requests: 2 },
};

export const USAGE = `npm run bench -- [--smoke] [--quiet] [--only SECTION[,SECTION…]] [--spotify-latency-ms N] [--requests N] [--e2e-seconds N] [--init-runs N]
                     [--days-hours N] [--days-today-busy-hours N] [--days-levels LEVEL,…] [--days-designs DESIGN,…] [--days-quota N] [--days-workers N] [--days-every-second]
  --smoke               tiny counts, no serverless offline, no packaging, no worktree (what npm test runs)
  --only                run these sections alone (${SECTIONS.join(', ')}), e.g. --only days
  --spotify-latency-ms  latency the Spotify emulator adds to every call (default 100, or BENCH_SPOTIFY_LATENCY_MS)
  --requests            requests spread over the 10 simulated minutes (default 1000)
  --e2e-seconds         seconds per design and concurrency through serverless offline (default 4)
  --init-runs           fresh processes per function for the cold-initialisation median (default 7)
  --days-hours          simulated hours per run of the days section (default 48: every rolling 24 h of two days)
  --days-today-busy-hours  simulated hours of today's design at 1 and 20 requests a second (default 4; its rolling 24 h extrapolated)
  --days-levels         its traffic levels (default all: ${LEVELS.join(', ')})
  --days-designs        its designs (default both: ${DAYS_DESIGNS.join(', ')}; "today" builds commit a5fbd8c in a worktree)
  --days-quota          Spotify's daily quota in its quota scenario (default 700; 0: no quota scenario)
  --days-workers        its runs at once, each a process (default: the machine's cores)
  --days-every-second   invoke every endpoint's requests of each simulated second, not one invocation per fresh answer (slow; a check)`;

function positive(name: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isFinite(value) || value < 0) throw new Error(`--${name} must be a non-negative number, got "${text}"\n${USAGE}`);
  return value;
}

export function benchOptions(argv: string[], env: Record<string, string | undefined> = process.env): BenchOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      smoke: { type: 'boolean', default: false },
      quiet: { type: 'boolean', default: false },
      'spotify-latency-ms': { type: 'string' },
      requests: { type: 'string' },
      'e2e-seconds': { type: 'string' },
      'init-runs': { type: 'string' },
      only: { type: 'string', multiple: true },
      'days-hours': { type: 'string' },
      'days-today-busy-hours': { type: 'string' },
      'days-levels': { type: 'string' },
      'days-designs': { type: 'string' },
      'days-quota': { type: 'string' },
      'days-workers': { type: 'string' },
      'days-every-second': { type: 'boolean', default: false },
    },
  });
  const base = values.smoke ? SMOKE : FULL;
  return {
    ...base,
    smoke: values.smoke,
    quiet: values.quiet,
    sections: values.only ? SECTIONS.filter((section) => listOf('only', values.only!.join(','), SECTIONS).includes(section)) : [...SECTIONS],
    days: daysOptions(base.days, values),
    spotifyLatencyMs: positive('spotify-latency-ms', values['spotify-latency-ms'] ?? env.BENCH_SPOTIFY_LATENCY_MS, base.spotifyLatencyMs),
    window: { ...base.window, requests: Math.max(1, Math.round(positive('requests', values.requests, base.window.requests))) },
    endToEnd: { ...base.endToEnd, seconds: positive('e2e-seconds', values['e2e-seconds'], base.endToEnd.seconds) },
    initRuns: Math.max(1, Math.round(positive('init-runs', values['init-runs'], base.initRuns))),
  };
}

/** A comma-separated list of names, each one of `allowed`. */
function listOf<T extends string>(name: string, text: string, allowed: readonly T[]): T[] {
  const names = text.split(',').map((item) => item.trim()).filter(Boolean);
  const unknown = names.find((item) => !allowed.includes(item as T));
  if (unknown !== undefined || names.length === 0) throw new Error(`--${name} takes ${allowed.join(', ')}; got "${text}"\n${USAGE}`);
  return names as T[];
}

function daysOptions(base: DaysOptions, values: Record<string, string | string[] | boolean | undefined>): DaysOptions {
  const text = (name: string) => values[name] as string | undefined;
  const whole = (name: string, fallback: number) => Math.round(positive(name, text(name), fallback));
  const quota = whole('days-quota', base.quota?.calls ?? 0);
  return {
    ...base,
    hours: Math.max(1, whole('days-hours', base.hours)),
    todayBusyHours: Math.max(2, whole('days-today-busy-hours', base.todayBusyHours)),
    levels: text('days-levels') === undefined ? base.levels : listOf<Level>('days-levels', text('days-levels')!, LEVELS),
    designs: text('days-designs') === undefined ? base.designs : listOf<DaysDesign>('days-designs', text('days-designs')!, DAYS_DESIGNS),
    quota: quota > 0 ? { calls: quota, level: base.quota?.level ?? 'perMinute' } : null,
    workers: Math.max(1, whole('days-workers', base.workers)),
    everySecond: values['days-every-second'] === true,
  };
}
