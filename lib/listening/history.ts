/**
 * The owner's listening history over a period (parsed here for /history and its card alike),
 * read from the aggregates (history-store.ts: the months' roll-ups and the days at the edges, or
 * day by day when the owner hides something; never the plays themselves), as the owner's settings let it be
 * seen: hidden artists, tracks and explicit tracks count nowhere, titles cleaned when asked.
 * Plays past HISTORY_RETENTION_DAYS are not answered, whether or not DynamoDB's ttl removed them.
 */
import * as z from 'zod/mini';
import type { OwnerSettings } from '../owner/settings';
import type { Standing } from '../owner/standing';
import { historyConfig } from '../platform/config';
import { InvalidRequest } from '../platform/errors';
import { addDays, localDate, startOfDay } from '../platform/time';
import { parseWith, wholeNumber, type Params } from '../platform/validation';
import { catalogue, collectorState, daysBetween, gapsOverlapping, monthsBetween, type DayAggregate, type DayTrack, type Gap } from './history-store';
import { cleanTitle, trackShown } from './visible';

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

/** How many artists and tracks the answer ranks. */
const TOP = 10;

export interface History {
  from: string;
  to: string;
  plays: number;
  minutes: number;
  days: { date: string; plays: number; minutes: number }[];
  topArtists: { id: string; name: string; plays: number }[];
  topTracks: { id: string; name: string; artists: string[]; plays: number }[];
  /** True when collecting ran through the whole period and Spotify lost no plays in it. */
  complete: boolean;
  gaps: Gap[];
  collectingSince: string | null;
}

const minutes = (ms: number) => Math.round(ms / 60_000);

/** The TOP entries by plays (ties by id, so every answer ranks alike). */
function ranked(counts: Map<string, number>): { id: string; plays: number }[] {
  return [...counts]
    .map(([id, plays]) => ({ id, plays }))
    .sort((a, b) => b.plays - a.plays || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    .slice(0, TOP);
}

/** The period's numbers from its days, what the settings hide left out; the top tracks and artists by id. */
export function summarise(period: HistoryPeriod, stored: DayAggregate[], settings: OwnerSettings) {
  const byDate = new Map(stored.map((day) => [day.date, day]));
  const days: History['days'] = [];
  const artists = new Map<string, number>();
  const tracks = new Map<string, number>();
  let plays = 0;
  let ms = 0;
  for (let date = period.from; date <= period.to; date = addDays(date, 1)) {
    let dayPlays = 0;
    let dayMs = 0;
    for (const track of byDate.get(date)?.tracks ?? []) {
      if (!trackShown(track, settings)) continue;
      dayPlays += track.plays;
      dayMs += track.ms;
      tracks.set(track.id, (tracks.get(track.id) ?? 0) + track.plays);
      for (const artist of track.artistIds) artists.set(artist, (artists.get(artist) ?? 0) + track.plays);
    }
    days.push({ date, plays: dayPlays, minutes: minutes(dayMs) });
    plays += dayPlays;
    ms += dayMs;
  }
  return { plays, minutes: minutes(ms), days, topArtists: ranked(artists), topTracks: ranked(tracks) };
}

/**
 * The same numbers when the settings hide nothing: from days' totals and tracks counted over the
 * period (months rolled up), not day by day.
 */
export function summariseAll(period: HistoryPeriod, totals: { date: string; plays: number; ms: number }[], tracks: DayTrack[]) {
  const byDate = new Map(totals.map((day) => [day.date, day]));
  const days: History['days'] = [];
  let plays = 0;
  let ms = 0;
  for (let date = period.from; date <= period.to; date = addDays(date, 1)) {
    const day = byDate.get(date);
    days.push({ date, plays: day?.plays ?? 0, minutes: minutes(day?.ms ?? 0) });
    plays += day?.plays ?? 0;
    ms += day?.ms ?? 0;
  }
  const trackCounts = new Map<string, number>();
  const artistCounts = new Map<string, number>();
  for (const track of tracks) {
    trackCounts.set(track.id, (trackCounts.get(track.id) ?? 0) + track.plays);
    for (const artist of track.artistIds) artistCounts.set(artist, (artistCounts.get(artist) ?? 0) + track.plays);
  }
  return { plays, minutes: minutes(ms), days, topArtists: ranked(artistCounts), topTracks: ranked(trackCounts) };
}

const hidesNothing = (settings: OwnerSettings) => !settings.hideExplicit && !settings.hiddenArtists.length && !settings.hiddenTracks.length;

/** The last day of a month (YYYY-MM). */
const monthEnd = (month: string) => addDays(`${addDays(`${month}-28`, 4).slice(0, 7)}-01`, -1);

/**
 * The period's numbers. With nothing hidden, the whole months inside it come from their roll-ups
 * (a year: 12 items and at most two months of days); otherwise, day by day, each track weighed
 * against the settings.
 */
async function numbers(user: string, period: HistoryPeriod, settings: OwnerSettings) {
  if (!hidesNothing(settings)) return summarise(period, await daysBetween(user, period.from, period.to), settings);
  let first = period.from.slice(0, 7);
  if (`${first}-01` < period.from) first = addDays(monthEnd(first), 1).slice(0, 7);
  let last = period.to.slice(0, 7);
  if (monthEnd(last) > period.to) last = addDays(`${last}-01`, -1).slice(0, 7);
  if (first > last) {
    const days = await daysBetween(user, period.from, period.to);
    return summariseAll(period, days, days.flatMap((day) => day.tracks));
  }
  const [head, months, tail] = await Promise.all([
    period.from < `${first}-01` ? daysBetween(user, period.from, addDays(`${first}-01`, -1)) : Promise.resolve([]),
    monthsBetween(user, first, last),
    monthEnd(last) < period.to ? daysBetween(user, addDays(monthEnd(last), 1), period.to) : Promise.resolve([]),
  ]);
  const edges = [...head, ...tail];
  return summariseAll(period, [...edges, ...months.flatMap((month) => month.days)], [...edges.flatMap((day) => day.tracks), ...months.flatMap((month) => month.tracks)]);
}

/** The ranked ids with their names from the catalogue (titles cleaned when the settings say so). */
async function named(user: string, summary: ReturnType<typeof summarise>, settings: OwnerSettings) {
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

/** The history of `period` for the owner as `standing` says, at `now`. */
export async function readHistory(period: HistoryPeriod, standing: Standing, now = Date.now()): Promise<History> {
  const config = historyConfig();
  const oldest = config.retentionDays === undefined ? period.from : localDate(now - config.retentionDays * 86_400_000, config.timeZone);
  const from = period.from > oldest ? period.from : oldest;
  const user = standing.spotifyUserId;
  const start = new Date(startOfDay(period.from, config.timeZone)).toISOString();
  const end = new Date(startOfDay(addDays(period.to, 1), config.timeZone) - 1).toISOString();
  const empty = { plays: 0, minutes: 0, days: [], topArtists: [], topTracks: [] };
  const [counted, state, gaps] = await Promise.all([
    from <= period.to ? numbers(user, { from, to: period.to }, standing.settings) : Promise.resolve(empty),
    collectorState(user),
    gapsOverlapping(user, start, end),
  ]);
  // Days before `from` (past retention) are answered as empty.
  const days = from === period.from ? counted.days : [...dateRange(period.from, addDays(from, -1)).map((date) => ({ date, plays: 0, minutes: 0 })), ...counted.days];
  return {
    from: period.from,
    to: period.to,
    ...(await named(user, { ...counted, days }, standing.settings)),
    complete: Boolean(state.since && state.since <= start) && gaps.length === 0 && from === period.from,
    gaps,
    collectingSince: state.since ?? null,
  };
}
