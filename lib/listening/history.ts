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
import { decodeTracks, forEachTrack } from './history-format';
import { hidesNothing, monthlyNumbers, periodNumbers, TopCounts, visibleDay, visibleMonthTotals, type MonthlyNumbers, type PeriodNumbers } from './history-numbers';
import { catalogue, collectorState, gapsOverlapping, importCoverage, type CollectorState, type Gap } from './history-store';
import { queryFirst, ReadBudget, ReadCapReached } from './history-table';
import { cleanTitle } from './visible';

/** A period of days (YYYY-MM-DD, inclusive) in HISTORY_TIME_ZONE; `from` is FROM_THE_START for everything stored. */
export interface HistoryPeriod {
  from: string;
  to: string;
}

/** The longest period answered day by day; a longer one is answered month by month, from the month roll-ups alone. */
export const MAX_DAYS = 365;
/** `days=all`: from the first month stored. */
export const FROM_THE_START = '';
/** Spotify opened in October 2008: no history starts earlier, and no answer lists months before it. */
export const EARLIEST_DATE = '2008-10-01';

const DATE_FORM = /^\d{4}-\d{2}-\d{2}$/;

function date(name: string, value: string): string {
  if (!DATE_FORM.test(value) || Number.isNaN(Date.parse(`${value}T00:00:00Z`)) || new Date(`${value}T00:00:00Z`).toISOString().slice(0, 10) !== value) {
    throw new InvalidRequest('invalid_parameter', `${name} must be a date written YYYY-MM-DD.`);
  }
  return value;
}

/** Whether `period` is answered month by month: longer than MAX_DAYS, or everything stored. */
export const byMonths = (period: HistoryPeriod) => period.from === FROM_THE_START || addDays(period.from, MAX_DAYS - 1) < period.to;

/**
 * The period a query asks for (/history's and its card's): `days` back from `today` (today's date
 * in the history's time zone; 1–365, `defaultDays` when absent, or `all`: everything stored), or
 * `from` and `to` (to: today when left out). A period longer than MAX_DAYS is whole months (from
 * the first of `from`'s month to the end of `to`'s, today at the latest), so that every such
 * request names one of few periods. A bad value is an InvalidRequest naming it.
 */
export function parseHistoryPeriod(params: Params, today: string, defaultDays: number): HistoryPeriod {
  if (params?.days === 'all' && params.from === undefined && params.to === undefined) return { from: FROM_THE_START, to: today };
  const { days } = parseWith(z.object({ days: wholeNumber('days', MAX_DAYS, defaultDays, 'or all') }), { days: params?.days });
  if (params?.from === undefined && params?.to === undefined) return { from: addDays(today, -(days - 1)), to: today };
  if (params?.days !== undefined) throw new InvalidRequest('invalid_parameter', 'days cannot be given with from or to: ask for days back from today, or for a period.');
  if (params?.from === undefined) throw new InvalidRequest('invalid_parameter', 'from must be given with to (a date written YYYY-MM-DD).');
  const from = date('from', params.from);
  const to = params.to === undefined ? today : date('to', params.to);
  if (from > to) throw new InvalidRequest('invalid_parameter', 'from must not be after to.');
  if (from < EARLIEST_DATE) throw new InvalidRequest('invalid_parameter', `from must be ${EARLIEST_DATE} or later: Spotify keeps nothing older.`);
  const period = { from, to };
  if (!byMonths(period)) return period;
  const end = monthEnd(to.slice(0, 7));
  return { from: `${from.slice(0, 7)}-01`, to: end < today ? end : today };
}

export interface History {
  from: string;
  to: string;
  /** 'day': `days` lists every day of the period; 'month' (a period over 365 days): `months` lists every month, `days` is empty. */
  by: 'day' | 'month';
  plays: number;
  minutes: number;
  days: { date: string; plays: number; minutes: number }[];
  months: { month: string; plays: number; minutes: number }[];
  topArtists: { id: string; name: string; plays: number }[];
  topTracks: { id: string; name: string; artists: string[]; plays: number }[];
  /** True when collecting ran through the whole period, Spotify lost no plays in it, and no failed run left a day of it to rewrite. */
  complete: boolean;
  gaps: Gap[];
  collectingSince: string | null;
  sources: HistorySources;
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

/**
 * A long period's numbers from its months' roll-ups alone (a heavy listener's year is about 11 MB
 * of them, so the read cap lets a request take about three such years; a light listener's decade
 * fits). With something hidden, each month counts its visible tracks: a hidden track is hidden
 * on every day, so no day needs reading.
 */
async function monthlyOf(user: string, first: string, last: string, readFrom: string, settings: OwnerSettings, budget: ReadBudget): Promise<MonthlyNumbers> {
  const months = readFrom <= last ? await writtenMonthsBetween(user, readFrom, last, budget) : [];
  if (hidesNothing(settings)) return monthlyNumbers(first, last, months, countWritten(months));
  const visible = months.map((month) => ({ month: month.month, ...visibleMonthTotals(decodeTracks(month.tracks), settings) }));
  return monthlyNumbers(first, last, visible, TopCounts.of(visible.flatMap((month) => month.tracks)));
}

/** The first month the history holds (YYYY-MM), or undefined when it holds none. */
async function firstMonth(user: string): Promise<string | undefined> {
  const [first] = await queryFirst<{ sk: string }>(`month#${user}`);
  return first?.sk.slice(0, 7);
}

/** The ranked ids with their names from the catalogue (titles cleaned when the settings say so). */
async function named<T extends Pick<PeriodNumbers, 'topArtists' | 'topTracks'>>(user: string, summary: T, settings: OwnerSettings) {
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

/** Where the history's plays came from: the collector (since when) and imports of Spotify's data export (the period they cover). */
export interface HistorySources {
  collected: { since: string } | null;
  imported: { from: string; to: string } | null;
}

/**
 * Whether the stored plays cover all of `start`–`end` (ISO-8601): collected since before it, or an
 * import covering it (alone, or up to when collecting began); and the stretch covered by neither
 * between an import's end and collecting's start, as a gap, when it overlaps the period.
 */
function coverage(sources: HistorySources, start: string, end: string, now: number): { covered: boolean; uncovered: Gap | undefined } {
  const since = sources.collected?.since;
  const imported = sources.imported;
  const covered = Boolean((since && since <= start) || (imported && imported.from <= start && (imported.to >= end || (since !== undefined && since <= imported.to))));
  if (!imported || (since !== undefined && since <= imported.to)) return { covered, uncovered: undefined };
  const gap = { from: imported.to, to: since ?? new Date(now).toISOString(), reason: 'not_collected' };
  return { covered, uncovered: gap.from <= end && gap.to >= start ? gap : undefined };
}

/** The history of `asked` for the owner as `standing` says, at `now`; a period whose aggregates pass PUBLIC_READ_CAP is refused. */
export async function readHistory(asked: HistoryPeriod, standing: Standing, now = Date.now()): Promise<History> {
  const config = historyConfig();
  const user = standing.spotifyUserId;
  const monthly = byMonths(asked);
  const first = asked.from === FROM_THE_START ? await firstMonth(user) : undefined;
  const period = asked.from === FROM_THE_START ? { from: `${first ?? asked.to.slice(0, 7)}-01`, to: asked.to } : asked;
  const oldest = config.retentionDays === undefined ? period.from : localDate(now - config.retentionDays * 86_400_000, config.timeZone);
  // Months wholly past retention, or days, are answered as empty, unread.
  const from = period.from > oldest ? period.from : monthly ? `${oldest.slice(0, 7)}-01` : oldest;
  const start = new Date(startOfDay(period.from, config.timeZone)).toISOString();
  const end = new Date(startOfDay(addDays(period.to, 1), config.timeZone) - 1).toISOString();
  const budget = new ReadBudget(PUBLIC_READ_CAP);
  const refuse = (error: unknown): never => {
    if (!(error instanceof ReadCapReached)) throw error;
    throw new InvalidRequest(
      'invalid_parameter',
      `The period from ${period.from} to ${period.to} holds more listening than one request reads (${PUBLIC_READ_CAP.bytes / MIB} MiB of the history): ask for ${monthly ? 'fewer years' : 'fewer days'}.`,
    );
  };
  const counting = monthly
    ? monthlyOf(user, period.from.slice(0, 7), period.to.slice(0, 7), from.slice(0, 7), standing.settings, budget)
        .then((numbers) => ({ ...numbers, days: [] as History['days'] }))
        .catch(refuse)
    : (from <= period.to ? numbers(user, { from, to: period.to }, standing.settings, budget).catch(refuse) : Promise.resolve({ plays: 0, minutes: 0, days: [], topArtists: [], topTracks: [] })).then((numbers) => ({
        ...numbers,
        // Days before `from` (past retention) are answered as empty.
        days: from === period.from ? numbers.days : [...dateRange(period.from, addDays(from, -1)).map((date) => ({ date, plays: 0, minutes: 0 })), ...numbers.days],
        months: [] as History['months'],
      }));
  const [counted, state, imported, recorded] = await Promise.all([counting, collectorState(user), importCoverage(user), gapsOverlapping(user, start, end)]);
  const sources: HistorySources = {
    collected: state.since ? { since: state.since } : null,
    imported: imported ? { from: new Date(imported.from).toISOString(), to: new Date(imported.to).toISOString() } : null,
  };
  const { covered, uncovered } = coverage(sources, start, end, now);
  const gaps = uncovered ? [uncovered, ...recorded].sort((a, b) => a.from.localeCompare(b.from)) : recorded;
  return {
    from: period.from,
    to: period.to,
    by: monthly ? 'month' : 'day',
    ...(await named(user, counted, standing.settings)),
    complete: covered && gaps.length === 0 && from === period.from && !rewritePending(state, period, now),
    gaps,
    collectingSince: state.since ?? null,
    sources,
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
