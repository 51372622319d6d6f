/**
 * The two naive designs `npm run bench` measures the service against, written as plainly as
 * their authors would, with no cache and no artificial slowness. Both read the owner's item
 * (the service's own key model, so one connected owner serves every design) and call Spotify
 * through spotify-web-api-node on every request:
 *   A, "check expiry, no cache": refreshes the access token only when it has (nearly) expired;
 *   B, "refresh every request": refreshes the access token on every request.
 * They run in-process in the bench and under serverless offline (scripts/bench/serverless.yml).
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import SpotifyWebApi from 'spotify-web-api-node';

/** The service refreshes this long before expiry too, so A is not slowed by expired-token retries. */
const EXPIRY_MARGIN_MS = 60_000;

interface Owner {
  refreshToken: string;
  accessToken: string;
  accessTokenExpiresAt: number;
}

type Result = APIGatewayProxyStructuredResultV2;

let client: DynamoDBDocumentClient | undefined;

function table(): DynamoDBDocumentClient {
  const endpoint = process.env.DYNAMODB_ENDPOINT;
  client ??= DynamoDBDocumentClient.from(
    new DynamoDBClient(endpoint ? { endpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } } : {}),
  );
  return client;
}

async function readOwner(): Promise<Owner | undefined> {
  const { Item } = await table().send(new GetCommand({ TableName: process.env.TABLE_NAME, Key: { pk: 'owner' }, ConsistentRead: true }));
  return Item as Owner | undefined;
}

async function refresh(owner: Owner): Promise<{ accessToken: string; expiresAt: number; refreshToken?: string }> {
  const api = new SpotifyWebApi({ clientId: process.env.SPOTIFY_CLIENT_ID, clientSecret: process.env.SPOTIFY_CLIENT_SECRET, refreshToken: owner.refreshToken });
  const { body } = await api.refreshAccessToken();
  const rotated = (body as { refresh_token?: string }).refresh_token;
  return { accessToken: body.access_token, expiresAt: Date.now() + body.expires_in * 1000, ...(rotated ? { refreshToken: rotated } : {}) };
}

async function saveTokens(tokens: { accessToken: string; expiresAt: number; refreshToken?: string }): Promise<void> {
  await table().send(
    new UpdateCommand({
      TableName: process.env.TABLE_NAME,
      Key: { pk: 'owner' },
      UpdateExpression: `SET accessToken = :access, accessTokenExpiresAt = :expires${tokens.refreshToken ? ', refreshToken = :refresh' : ''}`,
      ExpressionAttributeValues: {
        ':access': tokens.accessToken,
        ':expires': tokens.expiresAt,
        ...(tokens.refreshToken ? { ':refresh': tokens.refreshToken } : {}),
      },
    }),
  );
}

async function topArtists(accessToken: string, event: APIGatewayProxyEventV2): Promise<Result> {
  const timeRange = event.queryStringParameters?.time_range ?? 'short_term';
  const limit = Number(event.queryStringParameters?.limit ?? 5);
  const api = new SpotifyWebApi({ accessToken });
  const { body } = await api.getMyTopArtists({ time_range: timeRange as 'short_term', limit });
  const artists = body.items.map((artist) => ({
    id: artist.id,
    name: artist.name,
    url: artist.external_urls.spotify,
    image: artist.images[0]?.url ?? null,
    genres: artist.genres,
  }));
  return json(200, { artists, timeRange, limit, fetchedAt: new Date().toISOString() });
}

function json(statusCode: number, body: unknown): Result {
  return { statusCode, headers: { 'Content-Type': 'application/json; charset=utf-8' }, body: JSON.stringify(body) };
}

function handle(work: (owner: Owner, event: APIGatewayProxyEventV2) => Promise<Result>) {
  return async (event: APIGatewayProxyEventV2): Promise<Result> => {
    try {
      const owner = await readOwner();
      if (!owner) return json(503, { error: 'not_authorized' });
      return await work(owner, event);
    } catch (error) {
      return json(502, { error: 'spotify_unavailable', message: (error as Error).message });
    }
  };
}

/** Baseline A: the original design. */
export const checkExpiryHandler = handle(async (owner, event) => {
  let accessToken = owner.accessToken;
  if (owner.accessTokenExpiresAt - EXPIRY_MARGIN_MS <= Date.now()) {
    const tokens = await refresh(owner);
    await saveTokens(tokens);
    accessToken = tokens.accessToken;
  }
  return topArtists(accessToken, event);
});

/** Baseline B: the simplest design. Only a rotated refresh token needs storing. */
export const refreshEveryRequestHandler = handle(async (owner, event) => {
  const tokens = await refresh(owner);
  if (tokens.refreshToken) await saveTokens(tokens);
  return topArtists(tokens.accessToken, event);
});

/**
 * The naive now playing: the token checked as A does, then Spotify asked on every request — what
 * plays, and the last play when nothing does.
 */
export const naiveNowPlayingHandler = handle(async (owner) => {
  let accessToken = owner.accessToken;
  if (owner.accessTokenExpiresAt - EXPIRY_MARGIN_MS <= Date.now()) {
    const tokens = await refresh(owner);
    await saveTokens(tokens);
    accessToken = tokens.accessToken;
  }
  const api = new SpotifyWebApi({ accessToken });
  const { body } = await api.getMyCurrentPlayingTrack({ additional_types: 'track,episode' } as { market?: string });
  const playing = body as { is_playing?: boolean; item?: { name?: string } | null; progress_ms?: number | null };
  if (playing?.item) return json(200, { isPlaying: Boolean(playing.is_playing), item: playing.item.name, progressMs: playing.progress_ms ?? null });
  const { body: recent } = await api.getMyRecentlyPlayedTracks({ limit: 1 });
  const last = recent.items[0];
  return json(200, { isPlaying: false, item: last?.track.name ?? null, playedAt: last?.played_at ?? null });
});

