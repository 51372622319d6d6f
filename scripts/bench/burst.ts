/**
 * Refresh calls during a burst of concurrent requests at the moment the access token expires.
 *
 * Each design gets a fresh table and a connected owner, answers one request (the service thus
 * holds a result), then the clock jumps one hour: the token has expired and any cached result
 * is older than its freshness. `size` requests then arrive at once, in one container.
 */
import { clock } from './clock';
import { timed } from './stats';
import { countCalls, DESIGNS, expectOk, invoke, type Design, type World } from './world';

export interface BurstFigure {
  requests: number;
  refreshes: number;
  apiCalls: number;
  wallMs: number;
}

export async function measureBurst(world: World, size: number): Promise<Record<Design, BurstFigure>> {
  const figures = {} as Record<Design, BurstFigure>;
  for (const design of DESIGNS) {
    await world.startAfresh();
    expectOk(design, [await invoke(design)]);
    clock.advance(world.model.accessTokenTtlSeconds * 1000 + 1000);
    const before = world.model.calls.token.refresh_token;
    let wallMs = 0;
    const calls = await countCalls(world, async () => {
      wallMs = await timed(async () => expectOk(design, await Promise.all(Array.from({ length: size }, () => invoke(design)))));
    });
    figures[design] = { requests: size, refreshes: world.model.calls.token.refresh_token - before, apiCalls: calls.api, wallMs };
  }
  return figures;
}
