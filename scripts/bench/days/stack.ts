/**
 * What one simulated run stands on, in its own process (the simulated clock is the process's
 * Date.now, so two runs never share one): an in-memory dynalite with the design's two tables, a
 * Spotify emulator reading the simulated clock (no latency: calls are counted, not timed), this
 * process's Spotify traffic routed to it (route.ts), and the environment a deployed function would have, at
 * the service's defaults (SPOTIFY_DAILY_BUDGET 1,000, a collector every 30 minutes).
 */
import type { AddressInfo } from 'node:net';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import dynalite from 'dynalite';
import {
  createDefaultModel,
  DEFAULT_CLIENT_ID,
  DEFAULT_CLIENT_SECRET,
  DEFAULT_REDIRECT_URI,
  startEmulator,
  type SpotifyModel,
} from '../../../tests/support/spotify-emulator';
import type { Tables } from './designs';
import { routeSpotifyTo } from './route';

/** Settings a run may not inherit from the bench's environment: each is left at the service's default. */
const DEFAULTED = [
  'OWNER_SPOTIFY_ID', 'HIGHLIGHTS_CACHE_SECONDS', 'NOW_PLAYING_CACHE_SECONDS', 'RECENTLY_PLAYED_CACHE_SECONDS', 'OWNER_RECHECK_SECONDS',
  'STALE_MAX_SECONDS', 'SPOTIFY_DAILY_BUDGET', 'HISTORY_CACHE_SECONDS', 'HISTORY_TIME_ZONE', 'HISTORY_RETENTION_DAYS', 'SPOTIFY_CLIENT_SECRET_PARAM',
  'NOTIFY_TOPIC_ARN', 'NOTIFY_WEBHOOK_URL', 'NOTIFY_NTFY_TOPIC', 'SERVICE_URL', 'WATCH_SCHEDULE',
];

export const COLLECT_MINUTES = 30;

export interface Stack {
  model: SpotifyModel;
  /** Requests DynamoDB (dynalite) answered so far. */
  dynamoRequests(): number;
  /** Every item of one partition of the history table. */
  historyItems(pk: string): Promise<Record<string, unknown>[]>;
  close(): Promise<void>;
}

async function startDynalite(): Promise<{ endpoint: string; requests(): number; close(): Promise<void> }> {
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', () => done()));
  const { port } = server.address() as AddressInfo;
  let requests = 0;
  server.on('request', () => (requests += 1));
  return {
    endpoint: `http://127.0.0.1:${port}`,
    requests: () => requests,
    close: () =>
      new Promise<void>((done) => {
        server.close(() => done());
        server.closeAllConnections();
      }),
  };
}

async function createTables(client: DynamoDBClient, tables: Tables): Promise<{ main: string; history: string }> {
  const names = { main: 'days-main', history: 'days-history' };
  await client.send(new CreateTableCommand({ ...tables.main, TableName: names.main }));
  await client.send(new CreateTableCommand({ ...tables.history, TableName: names.history }));
  return names;
}

/** Starts the run's stack and sets the environment; call before any bundle is loaded. */
export async function startStack(tables: Tables, env: Record<string, string> = {}): Promise<Stack> {
  const db = await startDynalite();
  const client = new DynamoDBClient({ endpoint: db.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  const documents = DynamoDBDocumentClient.from(client);
  const names = await createTables(client, tables);
  for (const name of DEFAULTED) delete process.env[name];
  Object.assign(process.env, {
    DYNAMODB_ENDPOINT: db.endpoint,
    AWS_REGION: 'us-east-1',
    TABLE_NAME: names.main,
    HISTORY_TABLE_NAME: names.history,
    HISTORY_COLLECT_MINUTES: String(COLLECT_MINUTES),
    SPOTIFY_CLIENT_ID: DEFAULT_CLIENT_ID,
    SPOTIFY_CLIENT_SECRET: DEFAULT_CLIENT_SECRET,
    SPOTIFY_REDIRECT_URI: DEFAULT_REDIRECT_URI,
    POWERTOOLS_SERVICE_NAME: 'spotify-highlights',
    POWERTOOLS_LOG_LEVEL: 'SILENT',
    ...env,
  });
  const emulator = await startEmulator(createDefaultModel({ latencyMs: 0, now: () => Date.now() }));
  const unroute = routeSpotifyTo(emulator.url);
  return {
    model: emulator.model,
    dynamoRequests: db.requests,
    async historyItems(pk) {
      const items: Record<string, unknown>[] = [];
      let start: Record<string, unknown> | undefined;
      do {
        const page = await documents.send(
          new QueryCommand({ TableName: names.history, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': pk }, ExclusiveStartKey: start }),
        );
        items.push(...(page.Items ?? []));
        start = page.LastEvaluatedKey;
      } while (start);
      return items;
    },
    async close() {
      unroute();
      await emulator.close();
      client.destroy();
      await db.close();
    },
  };
}
