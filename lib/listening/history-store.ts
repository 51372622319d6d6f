/**
 * The owner's listening history, in its own table (HISTORY_TABLE_NAME: partition key `pk`, sort
 * key `sk`), kept per Spotify account so it outlives reconnects:
 *   pk "play#<user>"      sk "<playedAt ISO>#<track id>"  one play (stored once: a conditional put)
 *   pk "day#<user>"       sk "YYYY-MM-DD"                 the day's plays and milliseconds, per track in one compact string (what /history reads)
 *   pk "month#<user>"     sk "YYYY-MM"                    the month's days' totals and its tracks merged (a year is 12 of these)
 *   pk "track#<user>"     sk "<track id>"                 a played track's name, credits and explicit flag (names for the answers)
 *   pk "artist#<user>"    sk "<artist id>"                a credited artist's name
 *   pk "state#<user>"     sk "collector"                  the cursor (the newest play stored), since when collecting runs, and its last successful run
 *   pk "gap#<user>"       sk "<from ISO>"                 an interval whose plays Spotify no longer had
 *   pk "run#<user>"       sk "<at ISO>"                   a run that failed: when, why (kept 30 days)
 *   pk "snapshot#<user>"  sk "YYYY-MM-DD#<type>#<range>"  that day's top list, as ids (written once a day)
 * Dates are in HISTORY_TIME_ZONE. Plays and days carry a ttl when HISTORY_RETENTION_DAYS is set,
 * and reads skip what is past it (dynalite does not expire items).
 */
import { BatchGetCommand, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { historyTableName } from '../platform/config';
import { addDays } from '../platform/time';
import { conditionally, sendTo } from '../platform/table';
import type { Picture, Play } from '../spotify/types';

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
}

/** One track's share of a day: all the answers need of it (its names are in the catalogue). */
export interface DayTrack {
  id: string;
  plays: number;
  ms: number;
  explicit: boolean;
  /** The credited artists' ids (for the owner's hidden artists, and the artists' counts). */
  artistIds: string[];
}

/**
 * A day's aggregate. Its tracks are kept as one string, "id:plays:ms:explicit:artist,artist;…"
 * (Spotify ids are letters and digits), not a map of maps: a year is 365 small items that
 * DynamoDB (and dynalite) read in one page, names fetched only for the few tracks and artists an
 * answer ranks.
 */
export interface DayAggregate {
  date: string;
  plays: number;
  ms: number;
  tracks: DayTrack[];
}

export function encodeTracks(tracks: DayTrack[]): string {
  return tracks.map((track) => `${track.id}:${track.plays}:${track.ms}:${track.explicit ? 1 : 0}:${track.artistIds.join(',')}`).join(';');
}

export function decodeTracks(text: string): DayTrack[] {
  if (!text) return [];
  return text.split(';').map((entry) => {
    const [id = '', plays = '0', ms = '0', explicit = '0', artists = ''] = entry.split(':');
    return { id, plays: Number(plays), ms: Number(ms), explicit: explicit === '1', artistIds: artists ? artists.split(',') : [] };
  });
}

export interface CollectorState {
  /** Epoch ms of the newest play stored: the next run asks for plays after it. */
  cursor?: number;
  /** ISO-8601: the first run that stored anything. */
  since?: string;
  /** ISO-8601: when the last run that succeeded (read Spotify and stored what it got) started. */
  lastRunAt?: string;
}

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

const send = <T>(build: (table: string) => GetCommand | PutCommand | UpdateCommand | QueryCommand) => sendTo<T>(historyTableName(), build);

const ttlOf = (keepUntil: number | undefined) => (keepUntil === undefined ? {} : { ttl: Math.ceil(keepUntil / 1000) });

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

/** Every item of one partition between two sort keys (inclusive), page after page. */
async function queryBetween<T>(pk: string, from: string, to: string): Promise<T[]> {
  const items: T[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await send<{ Items?: T[]; LastEvaluatedKey?: Record<string, unknown> }>((TableName) =>
      new QueryCommand({
        TableName,
        KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
        ExpressionAttributeValues: { ':pk': pk, ':from': from, ':to': to },
        ConsistentRead: true,
        ExclusiveStartKey: start,
      }),
    );
    items.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start);
  return items;
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
  return items.map(({ playedAt, track }) => ({ playedAt, track }));
}

export async function putDay(user: string, day: DayAggregate, keepUntil?: number): Promise<void> {
  await send((TableName) =>
    new PutCommand({ TableName, Item: { pk: `day#${user}`, sk: day.date, plays: day.plays, ms: day.ms, tracks: encodeTracks(day.tracks), ...ttlOf(keepUntil) } }),
  );
}

/** Days read by one Query: a year is read as several ranges at once, not as pages one after another. */
const DAYS_PER_QUERY = 92;

/** The day aggregates from `from` to `to` (YYYY-MM-DD, inclusive), oldest first. */
export async function daysBetween(user: string, from: string, to: string): Promise<DayAggregate[]> {
  const ranges: [string, string][] = [];
  for (let start = from; start <= to; start = addDays(start, DAYS_PER_QUERY)) {
    const end = addDays(start, DAYS_PER_QUERY - 1);
    ranges.push([start, end < to ? end : to]);
  }
  const parts = await Promise.all(ranges.map(([start, end]) => queryBetween<{ sk: string; plays: number; ms: number; tracks: string }>(`day#${user}`, start, end)));
  return parts.flat().map(({ sk, plays, ms, tracks }) => ({ date: sk, plays, ms, tracks: decodeTracks(tracks) }));
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
      (TableName) => new BatchGetCommand({ RequestItems: { [TableName]: { Keys: pending, ConsistentRead: true } } }),
    );
    for (const item of Responses?.[table] ?? []) {
      if (item.pk.startsWith('track#')) tracks.set(item.sk, { name: item.name, credits: item.credits ?? [] });
      else artists.set(item.sk, item.name);
    }
    pending = UnprocessedKeys?.[table]?.Keys ?? [];
  }
  return { tracks, artists };
}

export async function collectorState(user: string): Promise<CollectorState> {
  const { Item } = await send<{ Item?: CollectorState }>((TableName) => new GetCommand({ TableName, Key: { pk: `state#${user}`, sk: 'collector' }, ConsistentRead: true }));
  return {
    ...(Item?.cursor === undefined ? {} : { cursor: Item.cursor }),
    ...(Item?.since === undefined ? {} : { since: Item.since }),
    ...(Item?.lastRunAt === undefined ? {} : { lastRunAt: Item.lastRunAt }),
  };
}

/**
 * Moves the cursor forward to `cursor` (never back: a slower run that read older plays cannot undo
 * a newer one), and notes since when collecting runs.
 */
export async function moveCursor(user: string, cursor: number, since: string): Promise<void> {
  await conditionally(() =>
    send((TableName) =>
      new UpdateCommand({
        TableName,
        Key: { pk: `state#${user}`, sk: 'collector' },
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
        Key: { pk: `state#${user}`, sk: 'collector' },
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
  const { Item } = await send<{ Item?: { ids?: string[] } }>((TableName) => new GetCommand({ TableName, Key: { pk: `snapshot#${user}`, sk: `${date}#${list}` }, ConsistentRead: true }));
  return Item?.ids;
}

/** A month rolled up from its days: each day's totals, and its tracks merged (what a long period reads when nothing is hidden). */
export interface MonthAggregate {
  month: string;
  days: { date: string; plays: number; ms: number }[];
  tracks: DayTrack[];
}

/** The month's roll-up, from its day aggregates. */
export function rollUp(month: string, days: DayAggregate[]): MonthAggregate {
  const tracks = new Map<string, DayTrack>();
  for (const day of days) {
    for (const track of day.tracks) {
      const entry = tracks.get(track.id) ?? { ...track, plays: 0, ms: 0 };
      entry.plays += track.plays;
      entry.ms += track.ms;
      tracks.set(track.id, entry);
    }
  }
  return { month, days: days.map(({ date, plays, ms }) => ({ date, plays, ms })), tracks: [...tracks.values()] };
}

export async function putMonth(user: string, month: MonthAggregate, keepUntil?: number): Promise<void> {
  const days = month.days.map((day) => `${day.date.slice(8)}:${day.plays}:${day.ms}`).join(';');
  await send((TableName) => new PutCommand({ TableName, Item: { pk: `month#${user}`, sk: month.month, days, tracks: encodeTracks(month.tracks), ...ttlOf(keepUntil) } }));
}

/** The roll-ups of the months `from` to `to` (YYYY-MM, inclusive). */
export async function monthsBetween(user: string, from: string, to: string): Promise<MonthAggregate[]> {
  const items = await queryBetween<{ sk: string; days: string; tracks: string }>(`month#${user}`, from, to);
  return items.map(({ sk, days, tracks }) => ({
    month: sk,
    days: days
      ? days.split(';').map((entry) => {
          const [day = '01', plays = '0', ms = '0'] = entry.split(':');
          return { date: `${sk}-${day}`, plays: Number(plays), ms: Number(ms) };
        })
      : [],
    tracks: decodeTracks(tracks),
  }));
}
