/**
 * GET /history?days=365 answered from the aggregates (month roll-ups, and days at the edges), against the naive design that reads
 * every play of the year and sums them (issue 14), in-process (the handler call alone).
 *
 * Seeding, untimed: a year of plays for the connected owner, from a seeded PRNG (so every run
 * stores the same history), stored as the collector stores them: each play under its key (in
 * batches of 25, the very item putPlay writes), each day's aggregate with putDay(aggregate(…)) and each month's roll-up,
 * and the collector's state saying it has run since the first day.
 *
 * Both designs read the owner as the handler does (ownerView), then: the service Queries the
 * period's day items (lib/listening/history.ts, HISTORY_CACHE_SECONDS=0: it reads every time); the
 * naive design Queries every play of the period, page after page, and sums them per day, artist
 * and track. Their answers must agree (plays, minutes, top artist, top track) or the figure is refused.
 */
import { BatchWriteCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { aggregate, rollUpMonths } from '../../lib/features/history/collect';
import { clearHistoryMemory } from '../../lib/features/history/history';
import { MAX_DAYS } from '../../lib/features/history/query';
import { handler as historyHandler } from '../../handlers/http/history';
import type { History } from '../../lib/listening/history';
import { daysBetween, moveCursor, playsBetween, putCatalogue, putDay, putPlay, type PlayedTrack, type StoredPlay } from '../../lib/listening/history-store';
import { trackShown } from '../../lib/listening/visible';
import { forgetStanding, ownerView } from '../../lib/owner/standing';
import { historyConfig, historyTableName } from '../../lib/platform/config';
import { documentClient } from '../../lib/platform/dynamo';
import { addDays, localDate, startOfDay } from '../../lib/platform/time';
import { httpEvent, lambdaContext } from '../../tests/support/events';
import { OWNER_ID } from '../../tests/support/spotify-emulator';
import { prng } from '../../tests/support/spotify-emulator/util';
import { createTable } from '../../tests/support/table';
import { summarize, timed, type Summary } from './stats';
import { expectOk, type Handler, type World } from './world';

export interface HistoryOptions {
  /** Days of plays seeded, ending today. */
  days: number;
  playsPerDay: number;
  tracks: number;
  artists: number;
  /** Timed requests per design, and timed Queries of the day items alone. */
  requests: number;
  naiveRequests: number;
  queryRequests: number;
}

/** What a design answered: enough to check that both say the same. */
export interface HistoryAnswerSummary {
  plays: number;
  minutes: number;
  topArtist: string;
  topTrack: string;
}

export interface HistoryDesignFigure {
  /** The whole answer: the handler call for the service, the function call for the naive design. */
  latency: Summary;
  answer: HistoryAnswerSummary;
  /** What one request reads: items, their size as stored (JSON), and the Query pages it takes. */
  items: number;
  bytes: number;
  queryPages: number;
}

export interface HistoryFigure {
  /** The period asked for: /history?days=N. */
  periodDays: number;
  seeded: { days: number; plays: number; tracks: number; artists: number; seconds: number };
  aggregates: HistoryDesignFigure & {
    /** For comparison: the Query of all the period's day items (what is read day by day, when the owner hides something). */
    dayItemsQuery: Summary;
    /** The month roll-ups the answer reads for the whole months inside the period (the edges are read as days). */
    months: { items: number; bytes: number };
  };
  /** The history's own answer for the period said collecting covered it all, with no gap. */
  complete: boolean;
  naive: HistoryDesignFigure;
}

const BATCH = 25;
const IN_FLIGHT = 4;

function catalogue(random: () => number, tracks: number, artists: number): PlayedTrack[] {
  const artist = (index: number) => ({ id: `bench-artist-${index}`, name: `Artist ${String(index).padStart(2, '0')}` });
  return Array.from({ length: tracks }, (_, index) => {
    // Every artist leads some tracks; one track in five features a second artist.
    const credits = [artist(index % artists), ...(index % 5 === 4 ? [artist((index * 7 + 3) % artists)] : [])];
    return {
      id: `bench-track-${index}`,
      name: `Track ${index}`,
      credits,
      album: `Album ${Math.floor(index / 10)}`,
      durationMs: 150_000 + Math.floor(random() * 150_000),
      explicit: index % 9 === 0,
    };
  });
}

/**
 * `playsPerDay` plays on each of `days` days ending today (today's before `now`), oldest first: at
 * random instants, of tracks picked with a skew (a few favourites, a long tail), as a listener
 * would. Every day has its plays, even just after midnight.
 */
function yearOfPlays(options: HistoryOptions, now: number, timeZone: string): StoredPlay[] {
  const random = prng(14);
  const tracks = catalogue(random, options.tracks, options.artists);
  const first = addDays(localDate(now, timeZone), -(options.days - 1));
  const plays = Array.from({ length: options.days }, (_, day) => {
    const start = startOfDay(addDays(first, day), timeZone);
    const end = Math.min(startOfDay(addDays(first, day + 1), timeZone), now);
    return Array.from({ length: options.playsPerDay }, () => {
      const at = start + Math.floor(random() * (end - start));
      const track = tracks[Math.floor(random() ** 2 * tracks.length)]!;
      return { playedAt: new Date(at).toISOString(), track };
    });
  }).flat();
  return plays.sort((a, b) => a.playedAt.localeCompare(b.playedAt));
}

/** The plays as putPlay stores them (retention unset: no ttl), 25 to a BatchWrite, a few batches at once. */
async function storePlays(user: string, plays: StoredPlay[]): Promise<void> {
  const TableName = historyTableName();
  const batches: StoredPlay[][] = [];
  for (let i = 0; i < plays.length; i += BATCH) batches.push(plays.slice(i, i + BATCH));
  let next = 0;
  const worker = async () => {
    while (next < batches.length) {
      const batch = batches[next++]!;
      let requests = batch.map((play) => ({ PutRequest: { Item: { pk: `play#${user}`, sk: `${play.playedAt}#${play.track.id}`, playedAt: play.playedAt, track: play.track } } }));
      while (requests.length > 0) {
        const { UnprocessedItems } = await documentClient().send(new BatchWriteCommand({ RequestItems: { [TableName]: requests } }));
        requests = (UnprocessedItems?.[TableName] ?? []) as typeof requests;
      }
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
  // The batches wrote putPlay's very key: putPlay finds the play stored already.
  const first = plays[0];
  if (first && (await putPlay(user, first))) throw new Error('The seeded plays are not stored under the keys putPlay uses');
}

async function seed(user: string, plays: StoredPlay[], timeZone: string): Promise<void> {
  await storePlays(user, plays);
  const byDate = new Map<string, StoredPlay[]>();
  for (const play of plays) {
    const date = localDate(Date.parse(play.playedAt), timeZone);
    const dayPlays = byDate.get(date) ?? [];
    dayPlays.push(play);
    byDate.set(date, dayPlays);
  }
  for (const [date, dayPlays] of byDate) await putDay(user, aggregate(date, dayPlays));
  // And each month's roll-up, as the collector writes them after the days.
  await rollUpMonths(user, [...byDate.keys()]);
  // The names the answers show, as the collector keeps them (once per track and artist).
  const tracks = new Map(plays.map((play) => [play.track.id, play.track]));
  await putCatalogue(user, [...tracks.values()]);
  const first = plays[0];
  const last = plays.at(-1);
  if (!first || !last) return;
  // Collecting ran since the first day's start: the answer covers the whole period.
  await moveCursor(user, Date.parse(last.playedAt), new Date(startOfDay(localDate(Date.parse(first.playedAt), timeZone), timeZone)).toISOString());
}

/** Items, stored size and Query pages of one partition's sort-key range, read untimed as the designs read it. */
async function footprint(pk: string, from: string, to: string): Promise<{ items: number; bytes: number; queryPages: number }> {
  let items = 0;
  let bytes = 0;
  let queryPages = 0;
  let start: Record<string, unknown> | undefined;
  do {
    const page = await documentClient().send(
      new QueryCommand({
        TableName: historyTableName(),
        KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
        ExpressionAttributeValues: { ':pk': pk, ':from': from, ':to': to },
        ConsistentRead: true,
        ExclusiveStartKey: start,
      }),
    );
    queryPages += 1;
    items += page.Items?.length ?? 0;
    bytes += (page.Items ?? []).reduce((sum, item) => sum + JSON.stringify(item).length, 0);
    start = page.LastEvaluatedKey;
  } while (start);
  return { items, bytes, queryPages };
}

type Ranked = { name: string; plays: number };

/**
 * The naive design: every play of the period, read page after page, summed per day, artist and
 * track, with the owner's settings applied as the service applies them. Answers the same JSON shape.
 */
async function naiveHistory(periodDays: number): Promise<string> {
  const { standing } = await ownerView();
  const { timeZone } = historyConfig();
  const to = localDate(Date.now(), timeZone);
  const from = addDays(to, -(periodDays - 1));
  const dates = Array.from({ length: periodDays }, (_, index) => addDays(from, index));
  const starts = dates.map((date) => new Date(startOfDay(date, timeZone)).toISOString());
  const end = new Date(startOfDay(addDays(to, 1), timeZone) - 1).toISOString();
  const plays = await playsBetween(standing.spotifyUserId, starts[0]!, end);
  const days = dates.map((date) => ({ date, plays: 0, ms: 0 }));
  const artists = new Map<string, Ranked & { id: string }>();
  const tracks = new Map<string, Ranked & { id: string; artists: string[] }>();
  let totalMs = 0;
  let shown = 0;
  let day = 0;
  for (const { playedAt, track } of plays) {
    while (day + 1 < starts.length && playedAt >= starts[day + 1]!) day += 1;
    if (!trackShown({ id: track.id, explicit: track.explicit, artistIds: track.credits.map((credit) => credit.id) }, standing.settings)) continue;
    shown += 1;
    totalMs += track.durationMs;
    days[day]!.plays += 1;
    days[day]!.ms += track.durationMs;
    const entry = tracks.get(track.id) ?? { id: track.id, name: track.name, artists: track.credits.map((credit) => credit.name), plays: 0 };
    entry.plays += 1;
    tracks.set(track.id, entry);
    for (const credit of track.credits) {
      const artist = artists.get(credit.id || credit.name) ?? { id: credit.id, name: credit.name, plays: 0 };
      artist.plays += 1;
      artists.set(credit.id || credit.name, artist);
    }
  }
  const top = <T extends Ranked>(entries: Map<string, T>) => [...entries.values()].sort((a, b) => b.plays - a.plays || a.name.localeCompare(b.name)).slice(0, 10);
  return JSON.stringify({
    from,
    to,
    plays: shown,
    minutes: Math.round(totalMs / 60_000),
    days: days.map(({ date, plays: count, ms }) => ({ date, plays: count, minutes: Math.round(ms / 60_000) })),
    topArtists: top(artists),
    topTracks: top(tracks),
  });
}

function summaryOf(answer: Pick<History, 'plays' | 'minutes' | 'topArtists' | 'topTracks'>): HistoryAnswerSummary {
  return { plays: answer.plays, minutes: answer.minutes, topArtist: answer.topArtists[0]?.name ?? '', topTrack: answer.topTracks[0]?.name ?? '' };
}

/** Times `requests` sequential calls of `request` after one untimed warm-up; answers the last one's body. */
async function sample(requests: number, request: () => Promise<string>): Promise<{ latency: Summary; body: string }> {
  let body = await request();
  const samples: number[] = [];
  for (let i = 0; i < requests; i++) samples.push(await timed(async () => (body = await request())));
  return { latency: summarize(samples), body };
}

export async function measureHistory(world: World, options: HistoryOptions, log: (line: string) => void = () => undefined): Promise<HistoryFigure> {
  const names = ['HISTORY_TABLE_NAME', 'HISTORY_CACHE_SECONDS', 'HISTORY_TIME_ZONE', 'HISTORY_RETENTION_DAYS'] as const;
  const saved = Object.fromEntries(names.map((name) => [name, process.env[name]]));
  const endpoint = process.env.DYNAMODB_ENDPOINT;
  if (!endpoint) throw new Error('DYNAMODB_ENDPOINT is not set: createWorld sets it');
  try {
    // A fresh container of the history function (it trusts no earlier owner read), on fresh tables.
    forgetStanding();
    clearHistoryMemory();
    await world.startAfresh();
    process.env.HISTORY_TABLE_NAME = await createTable(endpoint, `bench-history-${Math.random().toString(36).slice(2, 10)}`, 'HistoryTable');
    // The history's own defaults (UTC, kept forever), but read on every request.
    delete process.env.HISTORY_TIME_ZONE;
    delete process.env.HISTORY_RETENTION_DAYS;
    process.env.HISTORY_CACHE_SECONDS = '0';
    const { timeZone } = historyConfig();

    const plays = yearOfPlays(options, Date.now(), timeZone);
    const seedSeconds = (await timed(() => seed(OWNER_ID, plays, timeZone))) / 1000;
    const periodDays = MAX_DAYS;
    log(`  seeded ${plays.length.toLocaleString('en-US')} plays over ${options.days} days in ${seedSeconds.toFixed(1)} s; ${options.requests} requests from the aggregates, ${options.naiveRequests} reading every play…`);

    const service = await sample(options.requests, async () => {
      const answer = await (historyHandler as unknown as Handler)(httpEvent('/history', { query: { days: String(periodDays) } }), lambdaContext('history'));
      expectOk('service', [answer]);
      return answer.body ?? '';
    });
    const dayItemsQuery = await sample(options.queryRequests, async () => {
      await daysBetween(OWNER_ID, addDays(localDate(Date.now(), timeZone), -(periodDays - 1)), localDate(Date.now(), timeZone));
      return '';
    });
    const naive = await sample(options.naiveRequests, () => naiveHistory(periodDays));

    const history = JSON.parse(service.body) as History;
    const naiveAnswer = JSON.parse(naive.body) as History;
    const aggregatesAnswer = summaryOf(history);
    const naiveSummary = summaryOf(naiveAnswer);
    if (JSON.stringify(aggregatesAnswer) !== JSON.stringify(naiveSummary) || JSON.stringify(history.days) !== JSON.stringify(naiveAnswer.days)) {
      throw new Error(`/history and the naive design disagree: ${JSON.stringify(aggregatesAnswer)} against ${JSON.stringify(naiveSummary)}`);
    }
    if (aggregatesAnswer.plays !== plays.length) throw new Error(`/history?days=${periodDays} counted ${aggregatesAnswer.plays} plays of the ${plays.length} seeded`);

    const start = new Date(startOfDay(history.from, timeZone)).toISOString();
    const end = new Date(startOfDay(addDays(history.to, 1), timeZone) - 1).toISOString();
    return {
      periodDays,
      seeded: { days: options.days, plays: plays.length, tracks: new Set(plays.map((play) => play.track.id)).size, artists: new Set(plays.flatMap((play) => play.track.credits.map((credit) => credit.id))).size, seconds: seedSeconds },
      aggregates: {
        latency: service.latency,
        answer: aggregatesAnswer,
        ...(await footprint(`day#${OWNER_ID}`, history.from, history.to)),
        dayItemsQuery: dayItemsQuery.latency,
        months: await footprint(`month#${OWNER_ID}`, history.from.slice(0, 7), history.to.slice(0, 7)).then(({ items, bytes }) => ({ items, bytes })),
      },
      complete: history.complete,
      naive: { latency: naive.latency, answer: naiveSummary, ...(await footprint(`play#${OWNER_ID}`, start, `${end}#\uffff`)) },
    };
  } finally {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  }
}
