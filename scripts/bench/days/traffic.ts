/**
 * The visitors of the simulated days: four traffic levels, each request of them sent to one public
 * endpoint in turn (so each gets an even share), and which container answers it: each endpoint's
 * requests go to one of its containers at a time, picked again at random (seeded) every five simulated
 * minutes, as Lambda keeps reusing a warm container while requests come one after another; so every
 * container gets traffic, and each one's memory goes stale between its turns. Which of these
 * requests are invoked, and which one invocation stands for, is spans.ts's.
 */
import { hash } from '../../../tests/support/spotify-emulator/util';

export const LEVELS = ['perMinute', 'perSecond', 'throttle', 'spike'] as const;
export type Level = (typeof LEVELS)[number];

export const LEVEL_LABELS: Record<Level, string> = {
  perMinute: '1 request a minute',
  perSecond: '1 request a second',
  throttle: '20 requests a second (the API\'s throttle)',
  spike: '1 a minute, 20 a second for an hour a day',
};

/** The API's throttle (config/throttling.cjs' default rate). */
const THROTTLE = 20;
/** The hour of each simulated day (counted from the simulation's start) when the spike level spikes. */
export const SPIKE_HOUR = 18;
/**
 * How long an endpoint keeps sending its requests to the same container. Turns of a minute cost
 * twice as much to simulate (each new turn's container reads what it lacks from DynamoDB) and gave
 * the same Spotify calls and ages.
 */
const STICKY_SECONDS = 300;

/** A public endpoint: the function that answers it and the request it gets. */
export interface Endpoint {
  fn: string;
  path: string;
}

/**
 * Every public endpoint that reads the owner's listening. /history and /history.svg are left out:
 * they read the history table only (no Spotify call), and not cheaply (/history.svg reads five
 * items on every request), which two days at 20 a second cannot afford.
 */
export const ENDPOINTS: readonly Endpoint[] = [
  { fn: 'highlights', path: '/highlights' },
  { fn: 'card', path: '/card.svg' },
  { fn: 'nowPlaying', path: '/now-playing' },
  { fn: 'nowPlayingCard', path: '/now-playing.svg' },
  { fn: 'nowPlayingOpen', path: '/now-playing/open' },
  { fn: 'recentlyPlayed', path: '/recently-played' },
];

/** Requests a second at `second` (from the simulation's start) of `level`. */
export function rateAt(level: Level, second: number): number {
  if (level === 'perMinute') return 1 / 60;
  if (level === 'perSecond') return 1;
  if (level === 'throttle') return THROTTLE;
  return Math.floor(second / 3600) % 24 === SPIKE_HOUR ? THROTTLE : 1 / 60;
}

/** Requests that arrived in the first `seconds` seconds of the simulation. */
export function requestsBefore(level: Level, seconds: number): number {
  if (level !== 'spike') return Math.floor(seconds * rateAt(level, 0) + 1e-9);
  // Quiet at 1 a minute, but 20 a second through each day's spike hour.
  const days = Math.floor(seconds / 86_400);
  const spiked = days * 3600 + Math.min(Math.max(seconds - days * 86_400 - SPIKE_HOUR * 3600, 0), 3600);
  return Math.floor((seconds - spiked) / 60 + 1e-9) + spiked * THROTTLE;
}

/** The requests of simulated second `second`, each as [endpoint index, ms from the start]: request n goes to endpoint n mod |endpoints|. */
export function requestsIn(level: Level, second: number): [number, number][] {
  const first = requestsBefore(level, second);
  const count = requestsBefore(level, second + 1) - first;
  return Array.from({ length: count }, (_, i) => [(first + i) % ENDPOINTS.length, second * 1000 + Math.floor((i * 1000) / count)]);
}

/** The container that answers endpoint `index` at `second`: one at a time, picked again every STICKY_SECONDS. */
export function containerFor(index: number, second: number, containers: number): { container: number; until: number } {
  const turn = Math.floor(second / STICKY_SECONDS);
  return { container: hash(`${turn}#${index}`) % containers, until: (turn + 1) * STICKY_SECONDS * 1000 };
}
