/** The bench's settings: full-run defaults, smoke-run counts, and the command-line flags. */
import { parseArgs } from 'node:util';
import type { EndToEndOptions } from './e2e';
import type { HistoryOptions } from './history';
import type { LatencyOptions } from './latency';
import type { NowPlayingOptions } from './now-playing';
import type { WindowOptions } from './window';

export interface BenchOptions {
  smoke: boolean;
  quiet: boolean;
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
}

const FULL: Omit<BenchOptions, 'smoke' | 'quiet'> = {
  spotifyLatencyMs: 100,
  window: { requests: 1000, windowMinutes: 10, batch: 10 },
  latency: { memoryHits: 2000, dynamoHits: 300, misses: 20, baselineRequests: 20 },
  burstSize: 100,
  nowPlaying: { requestsPerMinute: 1000, minutes: 10, containers: 4 },
  endToEnd: { concurrencies: [1, 10, 50], seconds: 4, maxRequests: 20_000, warmupRequests: 10 },
  // A year of about 20,000 plays over 300 tracks by 60 artists.
  history: { days: 365, playsPerDay: 55, tracks: 300, artists: 60, requests: 30, naiveRequests: 5, queryRequests: 10 },
  initRuns: 7,
};

/** Tiny counts, no serverless offline and no packaging: proves the bench still runs, in seconds. */
const SMOKE: Omit<BenchOptions, 'smoke' | 'quiet'> = {
  spotifyLatencyMs: 10,
  window: { requests: 30, windowMinutes: 10, batch: 10 },
  latency: { memoryHits: 50, dynamoHits: 5, misses: 2, baselineRequests: 2 },
  burstSize: 25,
  nowPlaying: { requestsPerMinute: 20, minutes: 10, containers: 4 },
  endToEnd: { concurrencies: [1, 10, 50], seconds: 0.2, maxRequests: 100, warmupRequests: 2 },
  history: { days: 10, playsPerDay: 5, tracks: 12, artists: 4, requests: 3, naiveRequests: 2, queryRequests: 2 },
  initRuns: 1,
};

export const USAGE = `npm run bench -- [--smoke] [--quiet] [--spotify-latency-ms N] [--requests N] [--e2e-seconds N] [--init-runs N]
  --smoke               tiny counts, no serverless offline, no packaging (what npm test runs)
  --spotify-latency-ms  latency the Spotify emulator adds to every call (default 100, or BENCH_SPOTIFY_LATENCY_MS)
  --requests            requests spread over the 10 simulated minutes (default 1000)
  --e2e-seconds         seconds per design and concurrency through serverless offline (default 4)
  --init-runs           fresh processes per function for the cold-initialisation median (default 7)`;

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
    },
  });
  const base = values.smoke ? SMOKE : FULL;
  return {
    ...base,
    smoke: values.smoke,
    quiet: values.quiet,
    spotifyLatencyMs: positive('spotify-latency-ms', values['spotify-latency-ms'] ?? env.BENCH_SPOTIFY_LATENCY_MS, base.spotifyLatencyMs),
    window: { ...base.window, requests: Math.max(1, Math.round(positive('requests', values.requests, base.window.requests))) },
    endToEnd: { ...base.endToEnd, seconds: positive('e2e-seconds', values['e2e-seconds'], base.endToEnd.seconds) },
    initRuns: Math.max(1, Math.round(positive('init-runs', values['init-runs'], base.initRuns))),
  };
}
