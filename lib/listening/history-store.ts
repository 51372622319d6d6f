/**
 * The owner's listening history, in its own table (HISTORY_TABLE_NAME: partition key `pk`, sort
 * key `sk`), kept per Spotify account so it outlives reconnects:
 *   pk "play#<user>"      sk "<playedAt ISO>#<track id>"  one play (stored once: a conditional put)
 *   pk "day#<user>"       sk "YYYY-MM-DD[#…]"             the day's aggregate, in parts (history-aggregates.ts)
 *   pk "month#<user>"     sk "YYYY-MM[#…]"                the month's roll-up, in parts (history-aggregates.ts)
 *   pk "track#<user>"     sk "<track id>"                 a played track's name, credits and explicit flag (names for the answers)
 *   pk "artist#<user>"    sk "<artist id>"                a credited artist's name
 *   pk "state#<user>"     sk "collector"                  the cursor (the newest play stored), since when collecting runs, its last
 *                                                         successful run, and the days runs under way (or that died) are rewriting
 *   pk "gap#<user>"       sk "<from ISO>"                 an interval whose plays Spotify no longer had
 *   pk "run#<user>"       sk "<at ISO>"                   a run that failed: when, why (kept 30 days)
 *   pk "snapshot#<user>"  sk "YYYY-MM-DD#<type>#<range>"  that day's top list, as ids (written once a day)
 * Dates are in HISTORY_TIME_ZONE. Plays and days carry a ttl when HISTORY_RETENTION_DAYS is set,
 * and reads skip what is past it (dynalite does not expire items). Only I/O and the stored shapes
 * live here: the numbers are history-numbers.ts's.
 */
import { randomUUID } from 'node:crypto';
import { BatchGetCommand, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { historyTableName } from '../platform/config';
import { conditionally, putAll, sendTo } from '../platform/table';
import type { Picture, Play } from '../spotify/types';
import { consistentReads, queryBetween, send, ttlOf } from './history-table';

// scripts/bench/history.ts seeds the aggregates through these.
export { daysBetween, putDay } from './history-aggregates';
export type { DayAggregate, DayTrack } from './history-numbers';

/** What a play keeps of its track: enough for every answer (the last plays' too), and nothing more. */
export interface PlayedTrack {
  id: string;
  name: string;
  /** The credited artists, by id and name. */
  credits: { id: string; name: string }[];
  album: string;
  durationMs: number;
  explicit: boolean;
  /** The track's Spotify page, its cover's widest picture and every size listed: absent from plays stored before they were kept. */
  url?: string;
  image?: string | null;
  pictures?: Picture[];
}

export interface StoredPlay {
  playedAt: string;
  track: PlayedTrack;
  /** An imported play's listening time (the export's ms_played); a collected play has none: the API tells only the track's length. */
  msPlayed?: number;
  /** 'import': from Spotify's data export; absent: collected. */
  source?: 'import';
}

export interface CollectorState {
  /** Epoch ms of the newest play stored: the next run asks for plays after it. */
  cursor?: number;
  /** ISO-8601: the first run that stored anything. */
  since?: string;
  /** ISO-8601: when the last run that succeeded (read Spotify and stored what it got) started. */
  lastRunAt?: string;
  /** The days runs are rewriting: each run's, until it has (see markPending). */
  pending?: PendingDays[];
}

/** Days whose aggregates a run set out to rewrite, under its marker's name, and when that run is over (epoch ms): by then it has either cleared them or died. */
export interface PendingDays {
  marker: string;
  dates: string[];
  endsBy: number;
}

const MARKER = 'pending#';

export interface Gap {
  from: string;
  to: string;
  /**
   * Why Spotify no longer had those plays: the reason the runs in between failed (quota_exceeded
   * when Spotify's daily quota was spent in any of them), or over_50_plays when none failed and
   * more were played between two runs than Spotify keeps. Absent from gaps recorded before.
   */
  reason?: string;
}

/** Stores a play unless it is stored already; true when this call stored it. */
export async function putPlay(user: string, play: StoredPlay, keepUntil?: number): Promise<boolean> {
  return conditionally(() =>
    send((TableName) =>
      new PutCommand({
        TableName,
        Item: { pk: `play#${user}`, sk: `${play.playedAt}#${play.track.id}`, playedAt: play.playedAt, track: play.track, ...ttlOf(keepUntil) },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    ),
  );
}

/** Spotify's largest page of recently played: the most the last plays are ever asked for. */
const LATEST_PLAYS = 50;

/** The play as the service's other sources answer it; plays stored before links and pictures were kept get the track's page and none. */
function asPlay({ playedAt, track }: StoredPlay): Play {
  const { id, name, credits, album, durationMs, explicit } = track;
  return {
    track: {
      id,
      name,
      url: track.url ?? `https://open.spotify.com/track/${id}`,
      artists: credits.map((credit) => credit.name),
      artistIds: credits.map((credit) => credit.id).filter(Boolean),
      album,
      image: track.image ?? null,
      pictures: track.pictures ?? [],
      durationMs,
      explicit,
    },
    playedAt,
  };
}

/**
 * The owner's latest plays (at most 50), newest first: one Query. Eventually consistent (half the
 * read's cost): this serves public requests, and a play the collector stored a moment ago showing
 * one request later changes nothing, since the answer is only as new as the collector's last run.
 */
export async function latestPlays(user: string, now = Date.now()): Promise<Play[]> {
  const { Items } = await send<{ Items?: (StoredPlay & { ttl?: number })[] }>((TableName) =>
    new QueryCommand({
      TableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': `play#${user}` },
      ScanIndexForward: false,
      Limit: LATEST_PLAYS,
      ConsistentRead: false,
    }),
  );
  // dynalite expires nothing: a play past its retention is skipped here, as DynamoDB would have removed it.
  return (Items ?? []).filter((item) => item.ttl === undefined || item.ttl * 1000 > now).map(asPlay);
}

/** The plays from `from` to `to` (ISO-8601, inclusive), oldest first. */
export async function playsBetween(user: string, from: string, to: string): Promise<StoredPlay[]> {
  const items = await queryBetween<StoredPlay>(`play#${user}`, from, `${to}#\uffff`);
  return items.map(({ playedAt, track, msPlayed, source }) => ({ playedAt, track, ...(msPlayed === undefined ? {} : { msPlayed }), ...(source ? { source } : {}) }));
}

/** Plays a page of everyPlay: a stored play is a few hundred bytes. */
const PLAYS_PAGE = 500;

/**
 * Every stored play of `user`, oldest first, a page at a time (the export holds no more than one):
 * consistent, so a play written a moment ago is in it; past its retention a play is gone for every
 * read (dynalite never deletes it; DynamoDB takes up to days).
 */
export async function* everyPlay(user: string): AsyncGenerator<StoredPlay> {
  let start: Record<string, unknown> | undefined;
  do {
    const page = await send<{ Items?: (StoredPlay & { ttl?: number })[]; LastEvaluatedKey?: Record<string, unknown> }>((TableName) =>
      new QueryCommand({
        TableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': `play#${user}` },
        // Aliased: `source` is one of DynamoDB's reserved words.
        ProjectionExpression: '#playedAt, #track, #msPlayed, #source, #ttl',
        ExpressionAttributeNames: { '#playedAt': 'playedAt', '#track': 'track', '#msPlayed': 'msPlayed', '#source': 'source', '#ttl': 'ttl' },
        ConsistentRead: true,
        // Pages of about 200 kB, not DynamoDB's 1 MB: each must arrive within the client's one-second
        // attempt (lib/platform/aws-calls.ts), also from a laptop to a deployed stage.
        Limit: PLAYS_PAGE,
        ExclusiveStartKey: start,
      }),
    );
    const now = Date.now() / 1000;
    for (const { ttl, ...play } of page.Items ?? []) if (ttl === undefined || ttl > now) yield play;
    start = page.LastEvaluatedKey;
  } while (start);
}

/** Keeps the names of played tracks and their artists, for the answers (an overwrite: the latest name wins). */
export async function putCatalogue(user: string, tracks: PlayedTrack[]): Promise<void> {
  const seen = new Set<string>();
  for (const track of tracks) {
    if (seen.has(track.id)) continue;
    seen.add(track.id);
    await send((TableName) => new PutCommand({ TableName, Item: { pk: `track#${user}`, sk: track.id, name: track.name, credits: track.credits, explicit: track.explicit } }));
    for (const credit of track.credits) {
      if (!credit.id || seen.has(`artist ${credit.id}`)) continue;
      seen.add(`artist ${credit.id}`);
      await send((TableName) => new PutCommand({ TableName, Item: { pk: `artist#${user}`, sk: credit.id, name: credit.name } }));
    }
  }
}

/** The names of these tracks and artists, from the catalogue (one BatchGet). */
export async function catalogue(user: string, trackIds: string[], artistIds: string[]): Promise<{ tracks: Map<string, Pick<PlayedTrack, 'name' | 'credits'>>; artists: Map<string, string> }> {
  const keys = [...trackIds.map((id) => ({ pk: `track#${user}`, sk: id })), ...artistIds.map((id) => ({ pk: `artist#${user}`, sk: id }))];
  const tracks = new Map<string, Pick<PlayedTrack, 'name' | 'credits'>>();
  const artists = new Map<string, string>();
  if (!keys.length) return { tracks, artists };
  const table = historyTableName();
  let pending: Record<string, unknown>[] = keys;
  for (let attempt = 0; pending.length && attempt < 5; attempt++) {
    const { Responses, UnprocessedKeys } = await sendTo<{ Responses?: Record<string, { pk: string; sk: string; name: string; credits?: PlayedTrack['credits'] }[]>; UnprocessedKeys?: Record<string, { Keys?: Record<string, unknown>[] }> }>(
      table,
      (TableName) => new BatchGetCommand({ RequestItems: { [TableName]: { Keys: pending, ConsistentRead: consistentReads() } } }),
    );
    for (const item of Responses?.[table] ?? []) {
      if (item.pk.startsWith('track#')) tracks.set(item.sk, { name: item.name, credits: item.credits ?? [] });
      else artists.set(item.sk, item.name);
    }
    pending = UnprocessedKeys?.[table]?.Keys ?? [];
  }
  return { tracks, artists };
}

const STATE = (user: string) => ({ pk: `state#${user}`, sk: 'collector' });

export async function collectorState(user: string): Promise<CollectorState> {
  const { Item } = await send<{ Item?: Omit<CollectorState, 'pending'> & Record<string, unknown> }>((TableName) => new GetCommand({ TableName, Key: STATE(user), ConsistentRead: consistentReads() }));
  const pending = Object.entries(Item ?? {})
    .filter(([name, dates]) => name.startsWith(MARKER) && typeof dates === 'string')
    .map(([marker, dates]) => ({ marker, dates: (dates as string).split(',').filter(Boolean), endsBy: Number(marker.split('#')[1]) }));
  return {
    ...(Item?.cursor === undefined ? {} : { cursor: Item.cursor }),
    ...(Item?.since === undefined ? {} : { since: Item.since }),
    ...(Item?.lastRunAt === undefined ? {} : { lastRunAt: Item.lastRunAt }),
    ...(pending.length ? { pending } : {}),
  };
}

/**
 * Before a run stores anything: marks the days whose aggregates it will rewrite (`dates`, those of
 * the dead runs it takes over included), as over by `endsBy` (epoch ms, when its calls are cut
 * off), and drops the markers of those dead runs (`takeOver`) in the same write, so the state item
 * holds one marker per run under way or dead, never one per failure. The run clears its marker once
 * every aggregate is written (clearPending); a marker left past its `endsBy` is a run that died or
 * failed: readers say its days are not complete, and the next run rewrites them. Answers its name.
 */
export async function markPending(user: string, dates: string[], endsBy: number, takeOver: string[]): Promise<string> {
  const marker = `${MARKER}${endsBy}#${randomUUID().slice(0, 8)}`;
  const names = Object.fromEntries([marker, ...takeOver].map((name, index) => [`#m${index}`, name]));
  await send((TableName) =>
    new UpdateCommand({
      TableName,
      Key: STATE(user),
      UpdateExpression: `SET #m0 = :dates${takeOver.length ? ` REMOVE ${takeOver.map((_, index) => `#m${index + 1}`).join(', ')}` : ''}`,
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: { ':dates': dates.join(',') },
    }),
  );
  return marker;
}

/** Clears a run's marker (and those it took over): every day it named is rewritten. */
export async function clearPending(user: string, markers: string[]): Promise<void> {
  if (!markers.length) return;
  await send((TableName) =>
    new UpdateCommand({
      TableName,
      Key: STATE(user),
      UpdateExpression: `REMOVE ${markers.map((_, index) => `#m${index}`).join(', ')}`,
      ExpressionAttributeNames: Object.fromEntries(markers.map((name, index) => [`#m${index}`, name])),
    }),
  );
}

/**
 * Moves the cursor forward to `cursor` (never back: a slower run that read older plays cannot undo
 * a newer one; tests/integration/history-store.test.ts fails if it can), and notes since when
 * collecting runs.
 */
export async function moveCursor(user: string, cursor: number, since: string): Promise<void> {
  await conditionally(() =>
    send((TableName) =>
      new UpdateCommand({
        TableName,
        Key: STATE(user),
        UpdateExpression: 'SET #cursor = :cursor, since = if_not_exists(since, :since)',
        ConditionExpression: 'attribute_not_exists(#cursor) OR #cursor < :cursor',
        ExpressionAttributeNames: { '#cursor': 'cursor' },
        ExpressionAttributeValues: { ':cursor': cursor, ':since': since },
      }),
    ),
  );
}

/**
 * Notes a run that succeeded, started at `at` (ISO-8601): `lastRunAt` only moves forward (of two
 * runs at once, the later start stays), and since when collecting runs, once.
 */
export async function noteRun(user: string, at: string, since: string): Promise<void> {
  await conditionally(() =>
    send((TableName) =>
      new UpdateCommand({
        TableName,
        Key: STATE(user),
        UpdateExpression: 'SET lastRunAt = :at, since = if_not_exists(since, :since)',
        ConditionExpression: 'attribute_not_exists(lastRunAt) OR lastRunAt < :at',
        ExpressionAttributeValues: { ':at': at, ':since': since },
      }),
    ),
  );
}

export async function putGap(user: string, gap: Gap): Promise<void> {
  await send((TableName) => new PutCommand({ TableName, Item: { pk: `gap#${user}`, sk: gap.from, ...gap } }));
}

/** The gaps that overlap `from`–`to` (ISO-8601). */
export async function gapsOverlapping(user: string, from: string, to: string): Promise<Gap[]> {
  const items = await queryBetween<Gap>(`gap#${user}`, '0', to);
  return items.filter((gap) => gap.to >= from).map(({ from: start, to: end, reason }) => ({ from: start, to: end, ...(reason ? { reason } : {}) }));
}

/** A run that failed: kept 30 days, for the owner to see (the cursor did not move). */
export async function putFailedRun(user: string, at: string, reason: string): Promise<void> {
  await send((TableName) =>
    new PutCommand({ TableName, Item: { pk: `run#${user}`, sk: at, outcome: 'failed', reason, ttl: Math.ceil((Date.parse(at) + 30 * 86_400_000) / 1000) } }),
  );
}

export async function failedRuns(user: string, from: string, to: string): Promise<{ at: string; reason: string }[]> {
  const items = await queryBetween<{ sk: string; reason: string }>(`run#${user}`, from, to);
  return items.map((item) => ({ at: item.sk, reason: item.reason }));
}

/** Stores that day's top list once; false when it was stored already. */
export async function putSnapshot(user: string, date: string, list: string, ids: string[]): Promise<boolean> {
  return conditionally(() =>
    send((TableName) =>
      new PutCommand({ TableName, Item: { pk: `snapshot#${user}`, sk: `${date}#${list}`, ids }, ConditionExpression: 'attribute_not_exists(pk)' }),
    ),
  );
}

export async function snapshot(user: string, date: string, list: string): Promise<string[] | undefined> {
  const { Item } = await send<{ Item?: { ids?: string[] } }>((TableName) => new GetCommand({ TableName, Key: { pk: `snapshot#${user}`, sk: `${date}#${list}` }, ConsistentRead: consistentReads() }));
  return Item?.ids;
}

/**
 * Stores imported plays with BatchWriteItem (no condition: a play's key is its end and its track,
 * so a play put again is the same play; the import leaves out what is stored already).
 */
export async function putPlays(user: string, plays: StoredPlay[], keepUntil: (play: StoredPlay) => number | undefined): Promise<void> {
  await putAll(
    historyTableName(),
    plays.map((play) => ({ pk: `play#${user}`, sk: `${play.playedAt}#${play.track.id}`, ...play, ...ttlOf(keepUntil(play)) })),
  );
}

/** Every artist the catalogue names (the import matches names to ids). */
export async function allArtists(user: string): Promise<{ id: string; name: string }[]> {
  const items = await queryBetween<{ sk: string; name: string }>(`artist#${user}`, ' ', '\uffff');
  return items.map((item) => ({ id: item.sk, name: item.name }));
}

/** The most keys one BatchGetItem takes. */
const BATCH_GET_MAX = 100;

/** The catalogue's name and credits of these tracks, those it has. */
export async function catalogueTracks(user: string, ids: string[]): Promise<Map<string, Pick<PlayedTrack, 'name' | 'credits'>>> {
  const found = new Map<string, Pick<PlayedTrack, 'name' | 'credits'>>();
  for (let i = 0; i < ids.length; i += BATCH_GET_MAX) {
    const { tracks } = await catalogue(user, ids.slice(i, i + BATCH_GET_MAX), []);
    for (const [id, track] of tracks) found.set(id, track);
  }
  return found;
}

/** Catalogue items for tracks and artists it lacks (the import's; it never overwrites the collector's names). */
export async function putCatalogueItems(user: string, items: { kind: 'track' | 'artist'; id: string; name: string; credits?: PlayedTrack['credits']; explicit?: boolean }[]): Promise<void> {
  await putAll(
    historyTableName(),
    items.map(({ kind, id, name, credits, explicit }) => (kind === 'track' ? { pk: `track#${user}`, sk: id, name, credits: credits ?? [], explicit: explicit ?? false } : { pk: `artist#${user}`, sk: id, name })),
  );
}

const IMPORT_STATE = (user: string) => ({ pk: `state#${user}`, sk: 'import' });

/** The period the imported extended history covers (epoch ms), every import's together; undefined before any. */
export async function importCoverage(user: string): Promise<{ from: number; to: number } | undefined> {
  const { Item } = await send<{ Item?: { from?: number; to?: number } }>((TableName) => new GetCommand({ TableName, Key: IMPORT_STATE(user), ConsistentRead: consistentReads() }));
  return Item?.from === undefined || Item.to === undefined ? undefined : { from: Item.from, to: Item.to };
}

/** Widens the period the imported extended history covers to take in `span`, and notes when the last import was (its days to rewrite kept). */
export async function noteImport(user: string, span: { from: number; to: number }): Promise<void> {
  const known = await importCoverage(user);
  const from = Math.min(span.from, known?.from ?? span.from);
  const to = Math.max(span.to, known?.to ?? span.to);
  await send((TableName) =>
    new UpdateCommand({
      TableName,
      Key: IMPORT_STATE(user),
      UpdateExpression: 'SET #from = :from, #to = :to, importedAt = :at',
      ExpressionAttributeNames: { '#from': 'from', '#to': 'to' },
      ExpressionAttributeValues: { ':from': from, ':to': to, ':at': new Date().toISOString() },
    }),
  );
}

/**
 * Days an import stored plays on and has not yet rewritten the aggregates of (a string set on the
 * import's state item): marked before the plays are written, cleared once rewritten, so an import
 * cut short leaves them for the next to finish, and a run that stores nothing rewrites nothing else.
 */
export async function markImportDays(user: string, dates: string[]): Promise<void> {
  if (!dates.length) return;
  await send((TableName) => new UpdateCommand({ TableName, Key: IMPORT_STATE(user), UpdateExpression: 'ADD pendingDays :dates', ExpressionAttributeValues: { ':dates': new Set(dates) } }));
}

export async function importPendingDays(user: string): Promise<string[]> {
  const { Item } = await send<{ Item?: { pendingDays?: Set<string> } }>((TableName) => new GetCommand({ TableName, Key: IMPORT_STATE(user), ConsistentRead: true }));
  return [...(Item?.pendingDays ?? [])].sort();
}

export async function clearImportDays(user: string, dates: string[]): Promise<void> {
  if (!dates.length) return;
  await send((TableName) => new UpdateCommand({ TableName, Key: IMPORT_STATE(user), UpdateExpression: 'DELETE pendingDays :dates', ExpressionAttributeValues: { ':dates': new Set(dates) } }));
}
