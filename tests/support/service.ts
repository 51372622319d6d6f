/**
 * Runs the real handlers in-process against the run's dynalite and the Spotify emulator
 * (reached through msw, exactly as the service would reach Spotify).
 */
import { randomUUID } from 'node:crypto';
import { GetCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { SetupServer } from 'msw/node';
import { afterAll, beforeAll, beforeEach, inject, vi } from 'vitest';
import { handler as callbackHandler } from '../../handlers/http/callback';
import { handler as cardHandler } from '../../handlers/http/card';
import { handler as highlightsHandler } from '../../handlers/http/highlights';
import { handler as historyCardHandler } from '../../handlers/http/history-card';
import { handler as loginHandler } from '../../handlers/http/login';
import { handler as nowPlayingHandler } from '../../handlers/http/now-playing';
import { handler as nowPlayingCardHandler } from '../../handlers/http/now-playing-card';
import { handler as nowPlayingOpenHandler } from '../../handlers/http/now-playing-open';
import { handler as ownerHandler } from '../../handlers/http/owner';
import { handler as ownerDisconnectHandler } from '../../handlers/http/owner-disconnect';
import { handler as ownerSettingsHandler } from '../../handlers/http/owner-settings';
import { handler as recentlyPlayedHandler } from '../../handlers/http/recently-played';
import { documentClient } from '../../lib/platform/dynamo';
import { forgetContainerMemory } from '../../lib/platform/memory';
import { LOCAL_SESSION_COOKIE } from '../../lib/owner/session';
import type { OwnerRecord } from '../../lib/owner/owner-store';
import { httpEvent, lambdaContext, type EventInput } from './events';
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
} from './spotify-emulator';
import { createTable } from './table';

export type Result = APIGatewayProxyStructuredResultV2 & { headers: Record<string, string>; body: string };
type Handler = (event: ReturnType<typeof httpEvent>, context: ReturnType<typeof lambdaContext>) => Promise<unknown>;

/** Every setting a test may change, at its default: set again before each test, so none leaks into the next. */
export const baseEnv = {
  SPOTIFY_CLIENT_ID: DEFAULT_CLIENT_ID,
  SPOTIFY_CLIENT_SECRET: DEFAULT_CLIENT_SECRET,
  SPOTIFY_REDIRECT_URI: DEFAULT_REDIRECT_URI,
  HIGHLIGHTS_CACHE_SECONDS: '300',
  NOW_PLAYING_CACHE_SECONDS: '15',
  RECENTLY_PLAYED_CACHE_SECONDS: '60',
  OWNER_RECHECK_SECONDS: '5',
  STALE_MAX_SECONDS: '604800',
  // The day's Spotify budget and the collector's schedule (its reserve), at their defaults.
  SPOTIFY_DAILY_BUDGET: '1000',
  HISTORY_COLLECT_MINUTES: '30',
};

/**
 * What lets a source ask Spotify on every request: its shortest interval 0 and a budget so large
 * that the pacing never stretches it (lib/listening/pacing.ts). With the default budget, 0 is only
 * "as often as the budget allows".
 */
export const ASK_EVERY_TIME = { SPOTIFY_DAILY_BUDGET: '1000000000' } as const;

/** Every request of these sources asks Spotify (see ASK_EVERY_TIME). */
export function askSpotifyEveryTime(...settings: ('HIGHLIGHTS_CACHE_SECONDS' | 'NOW_PLAYING_CACHE_SECONDS' | 'RECENTLY_PLAYED_CACHE_SECONDS')[]): void {
  for (const setting of settings) process.env[setting] = '0';
  Object.assign(process.env, ASK_EVERY_TIME);
}

async function invoke(handler: Handler, path: string, input?: EventInput): Promise<Result> {
  return (await handler(httpEvent(path, input), lambdaContext(path.slice(1)))) as Result;
}

export const login = (input?: EventInput) => invoke(loginHandler as Handler, '/login', input);
export const callback = (input?: EventInput) => invoke(callbackHandler as Handler, '/callback', input);
export const highlights = (query?: Record<string, string>, input?: EventInput) =>
  invoke(highlightsHandler as Handler, '/highlights', { ...input, ...(query ? { query } : {}) });
export const card = (query?: Record<string, string>, input?: EventInput) =>
  invoke(cardHandler as Handler, '/card.svg', { ...input, ...(query ? { query } : {}) });
export const nowPlaying = (input?: EventInput) => invoke(nowPlayingHandler as Handler, '/now-playing', input);
export const nowPlayingOpen = (input?: EventInput) => invoke(nowPlayingOpenHandler as Handler, '/now-playing/open', input);
export const recentlyPlayed = (query?: Record<string, string>, input?: EventInput) =>
  invoke(recentlyPlayedHandler as Handler, '/recently-played', { ...input, ...(query ? { query } : {}) });
export const nowPlayingCard = (query?: Record<string, string>, input?: EventInput) =>
  invoke(nowPlayingCardHandler as Handler, '/now-playing.svg', { ...input, ...(query ? { query } : {}) });
export const historyCard = (query?: Record<string, string>, input?: EventInput) =>
  invoke(historyCardHandler as Handler, '/history.svg', { ...input, ...(query ? { query } : {}) });

export const ownerPage = (input?: EventInput) => invoke(ownerHandler as Handler, '/owner', input);
export const ownerSettings = (input?: EventInput) => invoke(ownerSettingsHandler as Handler, '/owner/settings', input);
export const ownerDisconnect = (input?: EventInput) => invoke(ownerDisconnectHandler as Handler, '/owner/disconnect', input);

/** The owner's session cookie a /callback answer set (`name=value`, as the browser sends it back), or undefined. */
export function sessionCookieOf(response: Result): string | undefined {
  const set = (response.cookies ?? []).find((cookie) => cookie.startsWith(`${LOCAL_SESSION_COOKIE}=`));
  return set ? cookiePair(set) : undefined;
}

/**
 * Another container: a separately loaded copy of the highlights function, with its own memory,
 * clients and lease identity.
 */
export async function highlightsInAnotherContainer(): Promise<(input?: EventInput) => Promise<Result>> {
  vi.resetModules();
  const { handler } = (await import('../../handlers/http/highlights')) as { handler: Handler };
  return (input) => invoke(handler, '/highlights', input);
}

export interface Container {
  highlights(query?: Record<string, string>, input?: EventInput): Promise<Result>;
  card(query?: Record<string, string>, input?: EventInput): Promise<Result>;
  nowPlayingCard(query?: Record<string, string>, input?: EventInput): Promise<Result>;
  nowPlaying(input?: EventInput): Promise<Result>;
  recentlyPlayed(query?: Record<string, string>, input?: EventInput): Promise<Result>;
  ownerSettings(input?: EventInput): Promise<Result>;
  /** This container's own DynamoDB client (to spy on or fail its calls). */
  dynamo: DynamoDBDocumentClient;
}

/**
 * Another container: separately loaded copies of the functions (their memory, clients and lease
 * identity their own). Use one of its functions per container, as Lambda would.
 */
export async function anotherContainer(): Promise<Container> {
  vi.resetModules();
  const [
    { handler: highlightsIn },
    { handler: cardIn },
    { handler: nowPlayingCardIn },
    { handler: nowPlayingIn },
    { handler: recentlyPlayedIn },
    { handler: ownerSettingsIn },
    { documentClient: dynamoIn },
  ] = await Promise.all([
      import('../../handlers/http/highlights') as Promise<{ handler: Handler }>,
      import('../../handlers/http/card') as Promise<{ handler: Handler }>,
      import('../../handlers/http/now-playing-card') as Promise<{ handler: Handler }>,
      import('../../handlers/http/now-playing') as Promise<{ handler: Handler }>,
      import('../../handlers/http/recently-played') as Promise<{ handler: Handler }>,
      import('../../handlers/http/owner-settings') as Promise<{ handler: Handler }>,
      import('../../lib/platform/dynamo'),
    ]);
  return {
    highlights: (query, input) => invoke(highlightsIn, '/highlights', { ...input, ...(query ? { query } : {}) }),
    card: (query, input) => invoke(cardIn, '/card.svg', { ...input, ...(query ? { query } : {}) }),
    nowPlayingCard: (query, input) => invoke(nowPlayingCardIn, '/now-playing.svg', { ...input, ...(query ? { query } : {}) }),
    nowPlaying: (input) => invoke(nowPlayingIn, '/now-playing', input),
    recentlyPlayed: (query, input) => invoke(recentlyPlayedIn, '/recently-played', { ...input, ...(query ? { query } : {}) }),
    ownerSettings: (input) => invoke(ownerSettingsIn, '/owner/settings', input),
    dynamo: dynamoIn(),
  };
}

/** The `name=value` part of a Set-Cookie header, as a browser would send it back. */
export function cookiePair(setCookie: string): string {
  return setCookie.split(';')[0] ?? '';
}

export interface Service {
  emulator: RunningEmulator;
  model: SpotifyModel;
  /** Walks /login → consent (as `userId`) → /callback, as a browser would. */
  connect(userId?: string): Promise<Result>;
  /** Starts a login and returns what the browser holds: the authorize URL's params and the state cookie. */
  startLogin(): Promise<{ params: URLSearchParams; cookie: string }>;
  owner(): Promise<OwnerRecord | undefined>;
  updateOwner(values: Partial<OwnerRecord>): Promise<void>;
}

/** Registers the hooks for one test file and returns the service under test. */
export function useService(env: Record<string, string> = {}): Service {
  let interceptor: SetupServer;
  const service = {} as Service;

  beforeAll(async () => {
    service.emulator = await startEmulator(createDefaultModel());
    service.model = service.emulator.model;
    interceptor = interceptSpotify(service.emulator.url);
  });

  beforeEach(async () => {
    Object.assign(process.env, baseEnv, env);
    delete process.env.OWNER_SPOTIFY_ID;
    if (env.OWNER_SPOTIFY_ID) process.env.OWNER_SPOTIFY_ID = env.OWNER_SPOTIFY_ID;
    process.env.TABLE_NAME = await createTable(inject('dynamoEndpoint'));
    process.env.HISTORY_TABLE_NAME = await createTable(inject('dynamoEndpoint'), `test-history-${randomUUID()}`, 'HistoryTable');
    service.model.reset();
    forgetContainerMemory();
  });

  afterAll(async () => {
    interceptor?.close();
    await service.emulator?.close();
  });

  service.startLogin = async () => {
    const response = await login();
    const location = new URL(response.headers.Location ?? '');
    return { params: location.searchParams, cookie: cookiePair(response.cookies?.[0] ?? '') };
  };

  service.connect = async (userId = OWNER_ID) => {
    const { params, cookie } = await service.startLogin();
    service.model.signIn(userId);
    const code = service.model.approve(service.model.authorize(params), userId);
    return callback({ query: { code, state: params.get('state') ?? '' }, cookies: [cookie] });
  };

  service.owner = async () => {
    const { Item } = await documentClient().send(new GetCommand({ TableName: process.env.TABLE_NAME, Key: { pk: 'owner' } }));
    return Item as OwnerRecord | undefined;
  };

  service.updateOwner = async (values) => {
    const names = Object.keys(values);
    await documentClient().send(
      new UpdateCommand({
        TableName: process.env.TABLE_NAME,
        Key: { pk: 'owner' },
        UpdateExpression: `SET ${names.map((name, i) => `#n${i} = :v${i}`).join(', ')}`,
        ExpressionAttributeNames: Object.fromEntries(names.map((name, i) => [`#n${i}`, name])),
        ExpressionAttributeValues: Object.fromEntries(names.map((name, i) => [`:v${i}`, values[name as keyof OwnerRecord]])),
      }),
    );
  };

  return service;
}
