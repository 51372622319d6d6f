/**
 * Spotify calls per 1,000 requests spread over ten simulated minutes, for each design.
 *
 * Each design gets a fresh table and an owner who connected 55 simulated minutes earlier, so
 * Spotify's one-hour access token expires five minutes into the window. The service starts cold
 * (nothing cached). To finish in seconds rather than ten minutes, requests arrive in batches
 * (see `spread`).
 */
import { clock } from './clock';
import { countCalls, DESIGNS, expectOk, invoke, type Design, type SpotifyCalls, type World } from './world';

export interface WindowOptions {
  requests: number;
  windowMinutes: number;
  /** Requests that arrive together. */
  batch: number;
}

export interface WindowFigure extends SpotifyCalls {
  requests: number;
  total: number;
  per1000: number;
}

/** The owner's access token (Spotify's one hour) runs out this far into the window. */
const TOKEN_EXPIRES_INTO_WINDOW_MS = 5 * 60_000;

/**
 * Sends the requests in batches of `batch` that arrive together, one batch every
 * `batch × window / requests`. Within a batch the clock only moves in real time, so every
 * request sees consistent time (deadlines, token expiry); no request is sent before the last
 * batch has been answered.
 */
async function spread(design: Design, { requests, windowMinutes, batch }: WindowOptions): Promise<void> {
  const start = clock.now();
  const step = (windowMinutes * 60_000) / requests;
  for (let first = 0; first < requests; first += batch) {
    clock.advanceTo(start + first * step);
    const size = Math.min(batch, requests - first);
    expectOk(design, await Promise.all(Array.from({ length: size }, () => invoke(design))));
  }
}

export async function measureWindow(world: World, options: WindowOptions): Promise<Record<Design, WindowFigure>> {
  const figures = {} as Record<Design, WindowFigure>;
  for (const design of DESIGNS) {
    await world.startAfresh();
    clock.advance(world.model.accessTokenTtlSeconds * 1000 - TOKEN_EXPIRES_INTO_WINDOW_MS);
    const calls = await countCalls(world, () => spread(design, options));
    const total = calls.token + calls.api;
    figures[design] = { requests: options.requests, ...calls, total, per1000: Math.round((total * 10_000) / options.requests) / 10 };
    // The next design starts well clear of this one's caches and tokens.
    clock.advance(24 * 60 * 60_000);
  }
  return figures;
}
