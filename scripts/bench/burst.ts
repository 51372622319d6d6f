/**
 * Refresh calls during a burst of concurrent requests at the moment the access token expires.
 *
 * Each design gets a fresh table and a connected owner, answers one request (the service thus
 * holds a result), then the clock jumps one hour: the token has expired and any cached result
 * is older than its freshness. `size` requests then arrive at once, in one container; for the
 * service, also spread over several containers, as Lambda scales out under a burst.
 */
import { createRequire } from 'node:module';
import { clock } from './clock';
import { timed } from './stats';
import { countCalls, DESIGN_PATHS, DESIGNS, expectOk, HANDLERS, type Design, type Handler, type World } from './world';
import { httpEvent, lambdaContext } from '../../tests/support/events';

export interface BurstFigure {
  requests: number;
  /** Containers the requests were spread over, round robin. */
  containers: number;
  refreshes: number;
  apiCalls: number;
  wallMs: number;
}

/** Containers the service's second burst is spread over. */
export const CONTAINERS = 4;

/**
 * Another container of the service: a fresh copy of its built highlights bundle, with its own
 * memory, DynamoDB client and refresh-lease identity (it shares this process's clock and env).
 */
function loadContainer(bundleFile: string): Handler {
  const load = createRequire(import.meta.url);
  delete load.cache[bundleFile];
  const { handler } = load(bundleFile) as { handler: Handler };
  delete load.cache[bundleFile];
  return handler;
}

async function burst(world: World, design: Design, size: number, containers: Handler[]): Promise<BurstFigure> {
  const call = (handler: Handler) => handler(httpEvent(DESIGN_PATHS[design]), lambdaContext('highlights'));
  await world.startAfresh();
  expectOk(design, [await call(containers[0]!)]);
  clock.advance(world.model.accessTokenTtlSeconds * 1000 + 1000);
  const before = world.model.calls.token.refresh_token;
  let wallMs = 0;
  const calls = await countCalls(world, async () => {
    wallMs = await timed(async () => expectOk(design, await Promise.all(Array.from({ length: size }, (_, i) => call(containers[i % containers.length]!)))));
  });
  return { requests: size, containers: containers.length, refreshes: world.model.calls.token.refresh_token - before, apiCalls: calls.api, wallMs };
}

export async function measureBurst(world: World, size: number, highlightsBundle: string): Promise<{ oneContainer: Record<Design, BurstFigure>; serviceAcrossContainers: BurstFigure }> {
  const oneContainer = {} as Record<Design, BurstFigure>;
  for (const design of DESIGNS) oneContainer[design] = await burst(world, design, size, [HANDLERS[design]]);
  const containers = Array.from({ length: CONTAINERS }, () => loadContainer(highlightsBundle));
  return { oneContainer, serviceAcrossContainers: await burst(world, 'service', size, containers) };
}
