/**
 * The owner's listening history over a period (parsed here for /history and its card alike),
 * read from the aggregates (history-aggregates.ts: the months' roll-ups and the days at the edges,
 * or day by day when the owner hides something; never the plays themselves) and counted by
 * history-numbers.ts, as the owner's settings let it be seen: hidden artists, tracks and explicit
 * tracks count nowhere, titles cleaned when asked. Plays past HISTORY_RETENTION_DAYS are not
 * answered, whether or not DynamoDB's ttl removed them. What a public request costs is bounded:
 * the period is whole days (its key in memory, so `days=7` and the same `from`/`to` share one
 * answer), answers (and refusals) are kept in this container's memory for HISTORY_CACHE_SECONDS,
 * one read at a time per period, reads are eventually consistent (history-table.ts), and one read
 * may take at most PUBLIC_READ_CAP.
 */
import * as z from 'zod/mini';
import type { OwnerSettings } from '../owner/settings';
import type { Standing } from '../owner/standing';
import { historyConfig } from '../platform/config';
import { InvalidRequest } from '../platform/errors';
import { ContainerMemory } from '../platform/memory';
import { addDays, localDate, startOfDay, type Freshness } from '../platform/time';
import { parseWith, wholeNumber, type Params } from '../platform/validation';
import { daysBetween, writtenDaysBetween, writtenMonthsBetween } from './history-aggregates';
import { forEachTrack } from './history-format';
import { hidesNothing, periodNumbers, TopCounts, visibleDay, type PeriodNumbers } from './history-numbers';
import { catalogue, collectorState, gapsOverlapping, type CollectorState, type Gap } from './history-store';
import { ReadBudget, ReadCapReached } from './history-table';
import { cleanTitle } from './visible';

/** A period of days (YYYY-MM-DD, inclusive) in HISTORY_TIME_ZONE. */
export interface HistoryPeriod {
  from: string;
  to: string;
}

/** The longest period answered. */
export const MAX_DAYS = 365;

const DATE_FORM = /^\d{4}-\d{2}-\d{2}$/;

function date(name: string, value: string): string {
  if (!DATE_FORM.test(value) || Number.isNaN(Date.parse(`${value}T00:00:00Z`)) || new Date(`${value}T00:00:00Z`).toISOString().slice(0, 10) !== value) {
    throw new InvalidRequest('invalid_parameter', `${name} must be a date written YYYY-MM-DD.`);
  }
  return value;
}

/**
 * The period a query asks for (/history's and its card's): `days` back from `today` (today's date
 * in the history's time zone; 1–365, `defaultDays` when absent), or `from` and `to` (to: today
 * when left out), at most MAX_DAYS days. A bad value is an InvalidRequest naming it.
 */
export function parseHistoryPeriod(params: Params, today: string, defaultDays: number): HistoryPeriod {
  const { days } = parseWith(z.object({ days: wholeNumber('days', MAX_DAYS, defaultDays) }), { days: params?.days });
  if (params?.from === undefined && params?.to === undefined) return { from: addDays(today, -(days - 1)), to: today };
  if (params?.days !== undefined) throw new InvalidRequest('invalid_parameter', 'days cannot be given with from or to: ask for days back from today, or for a period.');
  if (params?.from === undefined) throw new InvalidRequest('invalid_parameter', 'from must be given with to (a date written YYYY-MM-DD).');
  const from = date('from', params.from);
  const to = params.to === undefined ? today : date('to', params.to);
  if (from > to) throw new InvalidRequest('invalid_parameter', 'from must not be after to.');
  if (addDays(from, MAX_DAYS - 1) < to) throw new InvalidRequest('invalid_parameter', `from and to may span at most ${MAX_DAYS} days.`);
  return { from, to };
}

export interface History {
  from: string;
  to: string;
  plays: number;
  minutes: number;
  days: { date: string; plays: number; minutes: number }[];
  topArtists: { id: string; name: string; plays: number }[];
  topTracks: { id: string; name: string; artists: string[]; plays: number }[];
  /** True when collecting ran through the whole period, Spotify lost no plays in it, and no failed run left a day of it to rewrite. */
  complete: boolean;
  gaps: Gap[];
  collectingSince: string | null;
}

/**
 * What one request may read of the aggregates. A heavy listener's year (1,000 plays a day, 10,000
 * distinct tracks a month) is about 11 MB in 100 items read from its months' roll-ups and the days
 * at its edges, and 26 MB in 365 items read day by day (when the owner hides something): both fit.
 * What does not is a year of days far fuller than that (a day's aggregate can grow to megabytes at
 * 2,880 plays of tracks crediting many artists). Past the cap a request is refused (400,
 * invalid_parameter, naming the period); the refusal is kept like an answer.
 */
export const PUBLIC_READ_CAP = { items: 1_500, bytes: 32 * 1024 * 1024 };

/** The last day of a month (YYYY-MM). */
const monthEnd = (month: string) => addDays(`${addDays(`${month}-28`, 4).slice(0, 7)}-01`, -1);

/** The top counts of aggregates whose tracks are still written down: counted straight from the text. */
function countWritten(aggregates: { tracks: string }[]): TopCounts {
  const counts = new TopCounts();
  for (const { tracks } of aggregates) forEachTrack(tracks, (id, plays, _ms, _explicit, artists) => counts.add(id, plays, artists));
  return counts;
}

/**
 * The period's numbers. With nothing hidden, the whole months inside it come from their roll-ups
 * (a year: 12 months and at most two months of days); otherwise, day by day, each track weighed
 * against the settings (a month's merged tracks cannot say on which day a hidden track was played).
 */
async function numbers(user: string, period: HistoryPeriod, settings: OwnerSettings, budget: ReadBudget): Promise<PeriodNumbers> {
  if (!hidesNothing(settings)) {
    const days = (await daysBetween(user, period.from, period.to, budget)).map((day) => visibleDay(day, settings));
    return periodNumbers(period, days, days.flatMap((day) => day.tracks));
  }
  let first = period.from.slice(0, 7);
  if (`${first}-01` < period.from) first = addDays(monthEnd(first), 1).slice(0, 7);
  let last = period.to.slice(0, 7);
  if (monthEnd(last) > period.to) last = addDays(`${last}-01`, -1).slice(0, 7);
  if (first > last) {
    const days = await writtenDaysBetween(user, period.from, period.to, budget);
    return periodNumbers(period, days, countWritten(days));
  }
  const [head, months, tail] = await Promise.all([
    period.from < `${first}-01` ? writtenDaysBetween(user, period.from, addDays(`${first}-01`, -1), budget) : Promise.resolve([]),
    writtenMonthsBetween(user, first, last, budget),
    monthEnd(last) < period.to ? writtenDaysBetween(user, addDays(monthEnd(last), 1), period.to, budget) : Promise.resolve([]),
  ]);
  const edges = [...head, ...tail];
  return periodNumbers(period, [...edges, ...months.flatMap((month) => month.days)], countWritten([...edges, ...months]));
}

/** The ranked ids with their names from the catalogue (titles cleaned when the settings say so). */
async function named(user: string, summary: PeriodNumbers, settings: OwnerSettings) {
  const { tracks, artists } = await catalogue(user, summary.topTracks.map((track) => track.id), summary.topArtists.map((artist) => artist.id));
  return {
    ...summary,
    topArtists: summary.topArtists.map(({ id, plays }) => ({ id, name: artists.get(id) ?? '', plays })),
    topTracks: summary.topTracks.map(({ id, plays }) => {
      const track = tracks.get(id);
      const name = track?.name ?? '';
      return { id, name: settings.cleanTitles ? cleanTitle(name) : name, artists: (track?.credits ?? []).map((credit) => credit.name), plays };
    }),
  };
}

function dateRange(from: string, to: string): string[] {
  const dates: string[] = [];
  for (let date = from; date <= to; date = addDays(date, 1)) dates.push(date);
  return dates;
}

/** Whether a run that failed or died left a day of `period` to rewrite: its aggregates may lack plays. */
function rewritePending(state: CollectorState, period: HistoryPeriod, now: number): boolean {
  return (state.pending ?? []).some((marked) => marked.endsBy < now && marked.dates.some((date) => date >= period.from && date <= period.to));
}

const MIB = 1024 * 1024;

/** The history of `period` for the owner as `standing` says, at `now`; a period whose aggregates pass PUBLIC_READ_CAP is refused. */
export async function readHistory(period: HistoryPeriod, standing: Standing, now = Date.now()): Promise<History> {
  const config = historyConfig();
  const oldest = config.retentionDays === undefined ? period.from : localDate(now - config.retentionDays * 86_400_000, config.timeZone);
  const from = period.from > oldest ? period.from : oldest;
  const user = standing.spotifyUserId;
  const start = new Date(startOfDay(period.from, config.timeZone)).toISOString();
  const end = new Date(startOfDay(addDays(period.to, 1), config.timeZone) - 1).toISOString();
  const empty = { plays: 0, minutes: 0, days: [], topArtists: [], topTracks: [] };
  const budget = new ReadBudget(PUBLIC_READ_CAP);
  const [counted, state, gaps] = await Promise.all([
    from <= period.to
      ? numbers(user, { from, to: period.to }, standing.settings, budget).catch((error: unknown) => {
          if (!(error instanceof ReadCapReached)) throw error;
          throw new InvalidRequest(
            'invalid_parameter',
            `The period from ${period.from} to ${period.to} holds more listening than one request reads (${PUBLIC_READ_CAP.bytes / MIB} MiB of the history): ask for fewer days.`,
          );
        })
      : Promise.resolve(empty),
    collectorState(user),
    gapsOverlapping(user, start, end),
  ]);
  // Days before `from` (past retention) are answered as empty.
  const days = from === period.from ? counted.days : [...dateRange(period.from, addDays(from, -1)).map((date) => ({ date, plays: 0, minutes: 0 })), ...counted.days];
  return {
    from: period.from,
    to: period.to,
    ...(await named(user, { ...counted, days }, standing.settings)),
    complete: Boolean(state.since && state.since <= start) && gaps.length === 0 && from === period.from && !rewritePending(state, period, now),
    gaps,
    collectingSince: state.since ?? null,
  };
}

export interface HistoryAnswer {
  history: History;
  freshness: Freshness;
}

type Remembered = HistoryAnswer | { refused: InvalidRequest };

/** A few periods per settings version are asked for: a hundred answers (about 20 kB each for a year) is plenty. */
const ANSWERS_KEPT = 100;
const answers = new ContainerMemory<Remembered>({ bound: ANSWERS_KEPT });

/**
 * The history of `period` as /history and its card answer it: kept in this container's memory for
 * HISTORY_CACHE_SECONDS (0: read every time) per owner, settings version and period, a refusal too
 * (a period past the read cap costs its reads once, not once per request), and read once however
 * many requests ask for it at the same time.
 */
export async function historyAnswer(period: HistoryPeriod, standing: Standing, now = Date.now()): Promise<HistoryAnswer> {
  const { cacheSeconds } = historyConfig();
  const key = `${standing.spotifyUserId}#${standing.settingsVersion}#${period.from}#${period.to}`;
  const remembered =
    (cacheSeconds > 0 ? answers.get(key) : undefined) ??
    (await answers.load(key, async () => {
      const freshness = { fetchedAt: now, freshUntil: now + cacheSeconds * 1000, stale: false };
      let value: Remembered;
      try {
        value = { history: await readHistory(period, standing, now), freshness };
      } catch (error) {
        if (!(error instanceof InvalidRequest)) throw error;
        value = { refused: error };
      }
      if (cacheSeconds > 0) answers.set(key, value, freshness.freshUntil);
      return value;
    }));
  if ('refused' in remembered) throw remembered.refused;
  return remembered;
}

/** Forgets the answers this container keeps (tests, the bench). */
export function clearHistoryAnswers(): void {
  answers.clear();
}
