/**
 * /now-playing over ten simulated minutes at 1,000 requests a minute, spread over four
 * containers, against a naive design that asks Spotify on every request (issue 11, point 8).
 *
 * The owner connected 55 simulated minutes earlier (so the one-hour access token expires five
 * minutes in) and plays tracks in a row that end six minutes in, after which nothing plays and
 * /now-playing answers the last played. Each container is a fresh copy of the built nowPlaying bundle (its own
 * memory, clients and lease identity); requests arrive four at a time, one per container, as
 * visitors arriving together would. Spotify's latency is set to 0 for this part: the calls are
 * counted, not timed, and 10,000 requests to the naive design would otherwise take minutes.
 */
import { createRequire } from 'node:module';
import { httpEvent, lambdaContext } from '../../tests/support/events';
import { OWNER_ID, type Track } from '../../tests/support/spotify-emulator';
import { naiveNowPlayingHandler } from './baselines';
import { clock } from './clock';
import { expectOk, type Handler, type World } from './world';

export interface NowPlayingOptions {
  requestsPerMinute: number;
  minutes: number;
  containers: number;
}

export interface NowPlayingCalls {
  requests: number;
  currentlyPlaying: number;
  recentlyPlayed: number;
  token: number;
  total: number;
}

export interface NowPlayingFigure {
  containers: number;
  service: NowPlayingCalls;
  naive: NowPlayingCalls;
}

/** A fresh copy of a built bundle: another container. */
function loadContainer(bundleFile: string): Handler {
  const load = createRequire(import.meta.url);
  delete load.cache[bundleFile];
  const { handler } = load(bundleFile) as { handler: Handler };
  delete load.cache[bundleFile];
  return handler;
}

const TOKEN_EXPIRES_INTO_WINDOW_MS = 5 * 60_000;
/** How long into the window the owner plays: the rest of it, nothing plays. */
const PLAYING_MS = 6 * 60_000;

async function measure(world: World, handlers: Handler[], { requestsPerMinute, minutes }: NowPlayingOptions): Promise<NowPlayingCalls> {
  const { model } = world;
  await world.startAfresh();
  clock.advance(model.accessTokenTtlSeconds * 1000 - TOKEN_EXPIRES_INTO_WINDOW_MS);
  // Tracks in a row, joined part-way through the first, that end PLAYING_MS into the window.
  const queue: Track[] = [];
  let left = PLAYING_MS;
  let first: Track | undefined;
  for (const track of model.topFor(OWNER_ID, 'tracks', 'short_term')) {
    if (track.duration_ms > left) {
      first = track;
      break;
    }
    queue.push(track);
    left -= track.duration_ms;
  }
  if (!first) throw new Error(`the owner's top tracks last less than ${PLAYING_MS} ms`);
  model.player(OWNER_ID).play(first, { queue, positionMs: first.duration_ms - left });
  const before = { currentlyPlaying: model.calls.currentlyPlaying, recentlyPlayed: model.calls.recentlyPlayed, token: model.calls.token.refresh_token };
  const requests = requestsPerMinute * minutes;
  const together = handlers.length;
  const step = (60_000 / requestsPerMinute) * together;
  const start = clock.now();
  for (let sent = 0; sent < requests; sent += together) {
    clock.advanceTo(start + (sent / together) * step);
    const answers = await Promise.all(handlers.map((handler) => handler(httpEvent('/now-playing'), lambdaContext('nowPlaying'))));
    expectOk('service', answers);
  }
  const currentlyPlaying = model.calls.currentlyPlaying - before.currentlyPlaying;
  const recentlyPlayed = model.calls.recentlyPlayed - before.recentlyPlayed;
  const token = model.calls.token.refresh_token - before.token;
  clock.advance(24 * 60 * 60_000);
  return { requests, currentlyPlaying, recentlyPlayed, token, total: currentlyPlaying + recentlyPlayed + token };
}

export async function measureNowPlaying(world: World, bundleFile: string, options: NowPlayingOptions): Promise<NowPlayingFigure> {
  const latency = world.model.latencyMs;
  world.model.latencyMs = 0;
  try {
    const containers = Array.from({ length: options.containers }, () => loadContainer(bundleFile));
    const service = await measure(world, containers, options);
    // The naive design keeps nothing between requests: one copy answers as four would.
    const naive = await measure(world, Array.from({ length: options.containers }, () => naiveNowPlayingHandler as unknown as Handler), options);
    return { containers: options.containers, service, naive };
  } finally {
    world.model.latencyMs = latency;
  }
}
