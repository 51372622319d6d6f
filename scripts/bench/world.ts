/**
 * What every in-process measurement shares: one Spotify emulator (with its latency), one
 * DynamoDB (dynalite) endpoint, the three designs' handlers, and helpers to give a design a
 * fresh table with a connected owner. The service's handlers are the real ones; the owner
 * connects through the real /login and /callback, as in tests/support/service.ts.
 */
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import type { SetupServer } from 'msw/node';
import { handler as callbackHandler } from '../../handlers/http/callback';
import { handler as highlightsHandler } from '../../handlers/http/highlights';
import { handler as loginHandler } from '../../handlers/http/login';
import { loadConfig } from '../../lib/platform/config';
import { clearListeningMemory } from '../../lib/listening/cached-source';
import { httpEvent, lambdaContext } from '../../tests/support/events';
import {
  createDefaultModel,
  DEFAULT_CLIENT_ID,
  DEFAULT_CLIENT_SECRET,
  DEFAULT_REDIRECT_URI,
  interceptSpotify,
  OWNER_ID,
  startEmulator,
  type RunningEmulator,
  type SpotifyModel,
} from '../../tests/support/spotify-emulator';
import { createTable } from '../../tests/support/table';
import { checkExpiryHandler, refreshEveryRequestHandler } from './baselines';

export const DESIGNS = ['service', 'checkExpiry', 'refreshEveryRequest'] as const;
export type Design = (typeof DESIGNS)[number];

export const DESIGN_LABELS: Record<Design, string> = {
  service: 'this service',
  checkExpiry: 'A: check expiry, no cache',
  refreshEveryRequest: 'B: refresh every request',
};

/** The path each design answers on, in-process adapters and serverless offline alike. */
export const DESIGN_PATHS: Record<Design, string> = {
  service: '/highlights',
  checkExpiry: '/check-expiry/highlights',
  refreshEveryRequest: '/refresh-every-request/highlights',
};

type Result = APIGatewayProxyStructuredResultV2 & { statusCode: number; headers?: Record<string, string>; body?: string };
export type Handler = (event: APIGatewayProxyEventV2, context: Context) => Promise<Result>;

export const HANDLERS: Record<Design, Handler> = {
  service: highlightsHandler as unknown as Handler,
  checkExpiry: checkExpiryHandler as Handler,
  refreshEveryRequest: refreshEveryRequestHandler as Handler,
};

/** Calls one design's handler as API Gateway would, with no request headers of note. */
export function invoke(design: Design, query?: Record<string, string>): Promise<Result> {
  return HANDLERS[design](httpEvent(DESIGN_PATHS[design], query ? { query } : {}), lambdaContext('highlights'));
}

export interface SpotifyCalls {
  /** Requests to accounts.spotify.com/api/token (refreshes, and code exchanges at connect). */
  token: number;
  /** Requests to the Web API (top items, and /me at connect). */
  api: number;
}

export interface World {
  model: SpotifyModel;
  /** The service's result freshness (HIGHLIGHTS_CACHE_SECONDS at its default). */
  cacheSeconds: number;
  emulatorUrl: string;
  calls(): SpotifyCalls;
  /** Routes this process's Spotify traffic to the emulator (on), or stops intercepting (off). */
  routeSpotify(on: boolean): void;
  /** A fresh container of the service: nothing cached in memory. */
  forgetMemory(): void;
  /**
   * A fresh container, and a fresh table in the run's dynalite (named `name`, or at random) made
   * current for every handler in this process, whose owner just connected.
   */
  startAfresh(name?: string): Promise<void>;
  close(): Promise<void>;
}

export async function createWorld({ latencyMs, dynamoEndpoint }: { latencyMs: number; dynamoEndpoint: string }): Promise<World> {
  Object.assign(process.env, {
    DYNAMODB_ENDPOINT: dynamoEndpoint,
    AWS_REGION: 'us-east-1',
    SPOTIFY_CLIENT_ID: DEFAULT_CLIENT_ID,
    SPOTIFY_CLIENT_SECRET: DEFAULT_CLIENT_SECRET,
    SPOTIFY_REDIRECT_URI: DEFAULT_REDIRECT_URI,
  });
  // The service runs with its defaults: its own HIGHLIGHTS_CACHE_SECONDS, whoever may connect.
  delete process.env.HIGHLIGHTS_CACHE_SECONDS;
  delete process.env.OWNER_SPOTIFY_ID;
  // The emulator reads the same (possibly simulated) clock as the handlers.
  const emulator: RunningEmulator = await startEmulator(createDefaultModel({ latencyMs, now: () => Date.now() }));
  const { model } = emulator;
  let interceptor: SetupServer | undefined;

  const world: World = {
    model,
    cacheSeconds: loadConfig({ ...process.env, TABLE_NAME: 'any' }).cacheSeconds,
    emulatorUrl: emulator.url,
    calls: () => ({
      token: model.calls.token.authorization_code + model.calls.token.refresh_token + model.calls.token.other,
      api: model.calls.me + model.calls.top + model.calls.other,
    }),
    routeSpotify(on) {
      if (on && !interceptor) interceptor = interceptSpotify(emulator.url);
      if (!on && interceptor) {
        interceptor.close();
        interceptor = undefined;
      }
    },
    forgetMemory: clearListeningMemory,
    async startAfresh(name = `bench-${Math.random().toString(36).slice(2, 10)}`) {
      process.env.TABLE_NAME = await createTable(dynamoEndpoint, name);
      world.forgetMemory();
      await connectOwner(model);
    },
    async close() {
      world.routeSpotify(false);
      await emulator.close();
    },
  };
  return world;
}

/** The owner connects on the current table as in a browser: /login → Spotify consent → /callback. */
async function connectOwner(model: SpotifyModel): Promise<void> {
  const login = await (loginHandler as unknown as Handler)(httpEvent('/login'), lambdaContext('login'));
  const authorize = new URL(login.headers?.Location ?? '');
  const cookie = (login.cookies?.[0] ?? '').split(';')[0] ?? '';
  const code = model.approve(model.authorize(authorize.searchParams), OWNER_ID);
  const state = authorize.searchParams.get('state') ?? '';
  const callback = await (callbackHandler as unknown as Handler)(httpEvent('/callback', { query: { code, state }, cookies: [cookie] }), lambdaContext('callback'));
  if (callback.statusCode !== 200) throw new Error(`The owner could not connect: /callback answered ${callback.statusCode}`);
}

/** Spotify calls made while `work` ran. */
export async function countCalls(world: World, work: () => Promise<unknown>): Promise<SpotifyCalls> {
  const before = world.calls();
  await work();
  const after = world.calls();
  return { token: after.token - before.token, api: after.api - before.api };
}

/** Throws unless every result is a 200: a figure built on errors would compare nothing. */
export function expectOk(design: Design, results: { statusCode: number; body?: string }[]): void {
  const failed = results.find((result) => result.statusCode !== 200);
  if (failed) throw new Error(`${DESIGN_LABELS[design]} answered ${failed.statusCode}: ${failed.body?.slice(0, 200)}`);
}
