/**
 * The owner's listening history over a period, read from the daily aggregates (history-store.ts:
 * one Query of at most 365 items, never the plays themselves), as the owner's settings let it be
 * seen: hidden artists, tracks and explicit tracks count nowhere, titles cleaned when asked.
 * Plays past HISTORY_RETENTION_DAYS are not answered, whether or not DynamoDB's ttl removed them.
 */
import type { OwnerSettings } from '../owner/settings';
import type { Standing } from '../owner/standing';
import { historyConfig } from '../platform/config';
import { addDays, localDate, startOfDay } from '../platform/time';
import { catalogue, collectorState, daysBetween, gapsOverlapping, type DayAggregate, type Gap } from './history-store';
import { cleanTitle, trackShown } from './visible';

/** A period of days (YYYY-MM-DD, inclusive) in HISTORY_TIME_ZONE. */
export interface HistoryPeriod {
  from: string;
  to: string;
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

/** The history of `period` for the owner as `standing` says, at `now`. */
export async function readHistory(period: HistoryPeriod, standing: Standing, now = Date.now()): Promise<History> {
  const config = historyConfig();
  const oldest = config.retentionDays === undefined ? period.from : localDate(now - config.retentionDays * 86_400_000, config.timeZone);
  const from = period.from > oldest ? period.from : oldest;
  const user = standing.spotifyUserId;
  const [stored, state] = await Promise.all([from <= period.to ? daysBetween(user, from, period.to) : Promise.resolve([]), collectorState(user)]);
  const start = new Date(startOfDay(period.from, config.timeZone)).toISOString();
  const end = new Date(startOfDay(addDays(period.to, 1), config.timeZone) - 1).toISOString();
  const gaps = await gapsOverlapping(user, start, end);
  return {
    from: period.from,
    to: period.to,
    ...(await named(user, summarise(period, stored.filter((day) => day.date >= from), standing.settings), standing.settings)),
    complete: Boolean(state.since && state.since <= start) && gaps.length === 0 && from === period.from,
    gaps,
    collectingSince: state.since ?? null,
  };
}
