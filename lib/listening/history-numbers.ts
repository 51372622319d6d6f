/**
 * The listening history's numbers, in one place: plays become a day's counts per track, days a
 * month's, and aggregates a period's totals, day series and top lists, with what the owner's
 * settings hide left out. Pure (no I/O, no clock): the collector, the month roll-ups and the reads
 * all count here, and tests/unit/listening/history-numbers.test.ts checks it against counting
 * every play. How the aggregates are stored is history-format.ts's; reading and writing them,
 * history-aggregates.ts's.
 */
import type { OwnerSettings } from '../owner/settings';
import { addDays } from '../platform/time';
import { trackShown } from './visible';

/** One track's share of a day, a month or a period: its plays, their milliseconds, and what the settings need of it. */
export interface DayTrack {
  id: string;
  plays: number;
  ms: number;
  explicit: boolean;
  /** The credited artists' ids (for the owner's hidden artists, and the artists' counts). */
  artistIds: string[];
}

export interface DayTotals {
  date: string;
  plays: number;
  ms: number;
}

/** A day's plays and milliseconds, and its tracks. */
export interface DayAggregate extends DayTotals {
  tracks: DayTrack[];
}

/** A month rolled up from its days: each day's totals, and its tracks merged (what a long period reads when nothing is hidden). */
export interface MonthAggregate {
  month: string;
  plays: number;
  ms: number;
  days: DayTotals[];
  tracks: DayTrack[];
}

/** What a play needs to be counted (a stored play has it). */
export interface CountedPlay {
  track: { id: string; durationMs: number; explicit: boolean; credits: { id: string }[] };
  /** How long it was listened to, when known (an imported play's ms_played); else the track's length, all the API tells. */
  msPlayed?: number;
}

/** A period of days (YYYY-MM-DD, inclusive). */
export interface Period {
  from: string;
  to: string;
}

/** How many artists and tracks a period's answer ranks. */
export const TOP = 10;

export interface Ranked {
  id: string;
  plays: number;
}

export interface PeriodNumbers {
  plays: number;
  minutes: number;
  days: { date: string; plays: number; minutes: number }[];
  topArtists: Ranked[];
  topTracks: Ranked[];
}

/** A long period's numbers: each month's totals instead of each day's. */
export interface MonthlyNumbers extends Omit<PeriodNumbers, 'days'> {
  months: { month: string; plays: number; minutes: number }[];
}

export const minutes = (ms: number) => Math.round(ms / 60_000);

/** Adds plays and milliseconds to the track's entry; the first time the track is met, its entry is made with `artistIds()`. */
function add(into: Map<string, DayTrack>, id: string, plays: number, ms: number, explicit: boolean, artistIds: () => string[]): void {
  const entry = into.get(id);
  if (entry) {
    entry.plays += plays;
    entry.ms += ms;
  } else into.set(id, { id, plays, ms, explicit, artistIds: artistIds() });
}

/**
 * The tracks summed by id: plays and milliseconds added, the first entry's explicit flag and
 * artists kept. With aggregateDay, the one place the history adds counts up; the inputs are not changed.
 */
export function sumTracks(tracks: Iterable<DayTrack>): DayTrack[] {
  const summed = new Map<string, DayTrack>();
  for (const track of tracks) add(summed, track.id, track.plays, track.ms, track.explicit, () => track.artistIds);
  return [...summed.values()];
}

/** The plays and milliseconds of these tracks (or days). */
export function totalsOf(entries: Iterable<{ plays: number; ms: number }>): { plays: number; ms: number } {
  let plays = 0;
  let ms = 0;
  for (const entry of entries) {
    plays += entry.plays;
    ms += entry.ms;
  }
  return { plays, ms };
}

/** The day's aggregate, from its plays: each play is one play of its track, for the track's duration. */
export function aggregateDay(date: string, plays: CountedPlay[]): DayAggregate {
  const summed = new Map<string, DayTrack>();
  for (const { track, msPlayed } of plays) {
    add(summed, track.id, 1, msPlayed ?? track.durationMs, track.explicit, () => track.credits.map((credit) => credit.id).filter(Boolean));
  }
  const tracks = [...summed.values()];
  return { date, ...totalsOf(tracks), tracks };
}

/** The month's roll-up, from its day aggregates (each day's totals kept, tracks merged). */
export function rollUp(month: string, days: DayAggregate[]): MonthAggregate {
  const tracks = sumTracks(days.flatMap((day) => day.tracks));
  return { month, ...totalsOf(tracks), days: days.map(({ date, plays, ms }) => ({ date, plays, ms })), tracks };
}

/**
 * A long period's numbers, month by month from `first` to `last` (YYYY-MM, inclusive): each month's
 * plays and minutes from `totals` (a month absent had no plays), the totals, and the top artists and
 * tracks from the months' track counts.
 */
export function monthlyNumbers(first: string, last: string, totals: { month: string; plays: number; ms: number }[], counts: TopCounts): MonthlyNumbers {
  const byMonth = new Map(totals.map((month) => [month.month, month]));
  const months: MonthlyNumbers['months'] = [];
  let plays = 0;
  let ms = 0;
  for (let month = first; month <= last; month = nextMonth(month)) {
    const entry = byMonth.get(month);
    months.push({ month, plays: entry?.plays ?? 0, minutes: minutes(entry?.ms ?? 0) });
    plays += entry?.plays ?? 0;
    ms += entry?.ms ?? 0;
  }
  return { plays, minutes: minutes(ms), months, topArtists: ranked(counts.artists()), topTracks: ranked(counts.tracks) };
}

/** The month after `month` (YYYY-MM). */
export function nextMonth(month: string): string {
  const [year, number] = month.split('-').map(Number) as [number, number];
  return number === 12 ? `${year + 1}-01` : `${year}-${String(number + 1).padStart(2, '0')}`;
}

/** A month's totals as the settings let them be seen: counted from its visible tracks (a hidden track was hidden every day). */
export function visibleMonthTotals(tracks: DayTrack[], settings: OwnerSettings): { plays: number; ms: number; tracks: DayTrack[] } {
  const shown = tracks.filter((track) => trackShown(track, settings));
  return { ...totalsOf(shown), tracks: shown };
}

/** The day as the settings let it be seen: hidden tracks left out of its tracks and its totals. */
export function visibleDay(day: DayAggregate, settings: OwnerSettings): DayAggregate {
  const tracks = day.tracks.filter((track) => trackShown(track, settings));
  return { date: day.date, ...totalsOf(tracks), tracks };
}

export const hidesNothing = (settings: OwnerSettings) => !settings.hideExplicit && !settings.hiddenArtists.length && !settings.hiddenTracks.length;

const before = (a: Ranked, b: Ranked) => b.plays < a.plays || (b.plays === a.plays && a.id < b.id);

/** The TOP entries by plays, ties by id (so every answer ranks alike), in one pass: no sort of every entry. */
export function ranked(counts: Map<string, number | Tally>): Ranked[] {
  const top: Ranked[] = [];
  for (const [id, count] of counts) {
    const entry = { id, plays: typeof count === 'number' ? count : count.plays };
    if (top.length === TOP && !before(entry, top[TOP - 1]!)) continue;
    let at = top.length;
    while (at > 0 && before(entry, top[at - 1]!)) at -= 1;
    top.splice(at, 0, entry);
    if (top.length > TOP) top.pop();
  }
  return top;
}

/** A count that is added to in place: one Map lookup per entry counted, not two (a year's answer counts about 160,000). */
interface Tally {
  plays: number;
}

/** A track's count, and its credited artists as its first entry gave them (ids, or as written: joined by ','). */
interface TrackTally extends Tally {
  artists: string | readonly string[];
}

/**
 * Plays per track and per credited artist: what a period's top lists rank. Tracks are counted
 * entry by entry and artists once per distinct track at the end (a track's plays go to each artist
 * its first entry credits, as a month's roll-up keeps them): a year has about 160,000 entries but
 * far fewer distinct tracks, and counting every entry's artists was a third of a year's CPU.
 */
export class TopCounts {
  readonly tracks = new Map<string, TrackTally>();

  /** Counts `plays` of track `id`; `artists` (ids, or as written: joined by ',') are kept the first time the track is met. */
  add(id: string, plays: number, artists: string | readonly string[]): void {
    const entry = this.tracks.get(id);
    if (entry) entry.plays += plays;
    else this.tracks.set(id, { plays, artists });
  }

  /** Plays per credited artist: every play of every track crediting it. */
  artists(): Map<string, Tally> {
    const counts = new Map<string, Tally>();
    for (const { plays, artists } of this.tracks.values()) {
      for (const artist of typeof artists === 'string' ? (artists ? artists.split(',') : []) : artists) {
        const entry = counts.get(artist);
        if (entry) entry.plays += plays;
        else counts.set(artist, { plays });
      }
    }
    return counts;
  }

  static of(tracks: Iterable<DayTrack>): TopCounts {
    const counts = new TopCounts();
    for (const track of tracks) counts.add(track.id, track.plays, track.artistIds);
    return counts;
  }
}

/**
 * The period's numbers: each day's plays and minutes from `totals` (a day absent is a day without
 * plays), the totals over the period, and the top artists and tracks from `tracks` (every track
 * entry of the period, from days or months alike, or their counts already made): an artist counts
 * every play of every track crediting it.
 */
export function periodNumbers(period: Period, totals: DayTotals[], tracks: Iterable<DayTrack> | TopCounts): PeriodNumbers {
  const byDate = new Map(totals.map((day) => [day.date, day]));
  const days: PeriodNumbers['days'] = [];
  let plays = 0;
  let ms = 0;
  for (let date = period.from; date <= period.to; date = addDays(date, 1)) {
    const day = byDate.get(date);
    days.push({ date, plays: day?.plays ?? 0, minutes: minutes(day?.ms ?? 0) });
    plays += day?.plays ?? 0;
    ms += day?.ms ?? 0;
  }
  const counts = tracks instanceof TopCounts ? tracks : TopCounts.of(tracks);
  return { plays, minutes: minutes(ms), days, topArtists: ranked(counts.artists()), topTracks: ranked(counts.tracks) };
}
