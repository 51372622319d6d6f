/**
 * Handler latency in-process (the handler call alone, no HTTP in front of it), per request:
 *   memory hit    — a warm container with a fresh result: no I/O at all;
 *   DynamoDB hit  — a fresh container (memory emptied) and a fresh result stored in DynamoDB;
 *   miss          — memory and DynamoDB older than HIGHLIGHTS_CACHE_SECONDS: Spotify is asked,
 *                   with a valid access token;
 *   miss + refresh — the same with an expired access token, refreshed first;
 * and one request of each baseline with a valid token (A: one Spotify call; B: two).
 * So that no plain miss includes a refresh, the owner here is granted day-long access tokens.
 */
import { clock } from './clock';
import { summarize, timed, type Summary } from './stats';
import { countCalls, expectOk, invoke, type Design, type SpotifyCalls, type World } from './world';

export interface LatencyOptions {
  memoryHits: number;
  dynamoHits: number;
  misses: number;
  baselineRequests: number;
}

export interface LatencyFigures {
  memoryHit: Summary;
  dynamoHit: Summary;
  miss: Summary;
  missWithRefresh: Summary;
  checkExpiry: Summary;
  refreshEveryRequest: Summary;
}

const DAY_MS = 24 * 60 * 60_000;
const NONE: SpotifyCalls = { token: 0, api: 0 };

/**
 * Times `times` sequential requests to `design` (`before` runs untimed ahead of each) and checks
 * they made exactly the Spotify calls the case is named for.
 */
async function sample(world: World, times: number, design: Design, expected: SpotifyCalls, before: () => void = () => undefined): Promise<Summary> {
  const samples: number[] = [];
  const calls = await countCalls(world, async () => {
    for (let i = 0; i < times; i++) {
      before();
      samples.push(await timed(async () => expectOk(design, [await invoke(design)])));
    }
  });
  if (calls.token !== expected.token * times || calls.api !== expected.api * times) {
    throw new Error(`${design}: expected ${JSON.stringify(expected)} Spotify calls per request, made ${JSON.stringify(calls)} in ${times}`);
  }
  return summarize(samples);
}

export async function measureLatency(world: World, options: LatencyOptions): Promise<LatencyFigures> {
  const { model } = world;
  const spotifyTtl = model.accessTokenTtlSeconds;
  const cacheMs = world.cacheSeconds * 1000;
  model.accessTokenTtlSeconds = DAY_MS / 1000;
  try {
    await world.startAfresh();
    await invoke('service');
    const memoryHit = await sample(world, options.memoryHits, 'service', NONE);
    const dynamoHit = await sample(world, options.dynamoHits, 'service', NONE, world.forgetMemory);
    const miss = await sample(world, options.misses, 'service', { token: 0, api: 1 }, () => {
      world.forgetMemory();
      clock.advance(cacheMs + 1000);
    });
    const missWithRefresh = await sample(world, options.misses, 'service', { token: 1, api: 1 }, () => {
      world.forgetMemory();
      clock.advance(DAY_MS + 1000);
    });
    // The baselines' owner holds a fresh day-long token: A never refreshes here, B always does.
    await world.startAfresh();
    const checkExpiry = await sample(world, options.baselineRequests, 'checkExpiry', { token: 0, api: 1 });
    const refreshEveryRequest = await sample(world, options.baselineRequests, 'refreshEveryRequest', { token: 1, api: 1 });
    return { memoryHit, dynamoHit, miss, missWithRefresh, checkExpiry, refreshEveryRequest };
  } finally {
    model.accessTokenTtlSeconds = spotifyTtl;
  }
}
