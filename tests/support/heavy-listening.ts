/**
 * A heavy listener's plays, the same every run (a seeded PRNG): `playsPerDay` a day (1,000 by
 * default) and exactly `distinctPerMonth` distinct tracks a calendar month (10,000): month m plays
 * tracks m·7,000 … m·7,000+9,999 (consecutive months share 3,000), each once over its first days,
 * then a skewed draw (a few favourites, a long tail). Tracks carry Spotify-shaped ids (22
 * characters), 1 to 3 credited artists, and one in a hundred credits 12 (a long featuring list).
 * Shared by the history's bound tests (tests/unit/listening/history-numbers.test.ts,
 * tests/integration/history-bounds.test.ts) and scripts/bench/history-cpu.ts.
 */
import type { PlayedTrack, StoredPlay } from '../../lib/listening/history-store';
import { addDays } from '../../lib/platform/time';
import { prng } from './spotify-emulator/util';

const DIGITS = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** A base-62 id of 22 characters, as Spotify's, from a number. */
export function spotifyId(prefix: string, n: number): string {
  let text = '';
  for (let value = n; text.length < 12; value = Math.floor(value / 62)) text = DIGITS[value % 62]! + text;
  return `${prefix}${'0'.repeat(22 - prefix.length - text.length)}${text}`;
}

const ARTISTS = 4_000;
const SHARED_WITH_NEXT_MONTH = 3_000;

export interface HeavyListening {
  playsPerDay: number;
  distinctPerMonth: number;
  /** The plays of `date` (YYYY-MM-DD, UTC days), oldest first. Days must be asked for in order, from the first. */
  day(date: string): StoredPlay[];
}

export function heavyListener({ playsPerDay = 1_000, distinctPerMonth = 10_000, seed = 2026 } = {}): HeavyListening {
  const random = prng(seed);
  const tracks = new Map<number, PlayedTrack>();
  const track = (n: number): PlayedTrack => {
    const known = tracks.get(n);
    if (known) return known;
    const credited = n % 100 === 0 ? 12 : 1 + (n % 3);
    const made: PlayedTrack = {
      id: spotifyId('tr', n),
      name: `Track ${n}`,
      credits: Array.from({ length: credited }, (_, k) => {
        const artist = (n * 31 + k * 977) % ARTISTS;
        return { id: spotifyId('ar', artist), name: `Artist ${artist}` };
      }),
      album: `Album ${Math.floor(n / 12)}`,
      durationMs: 90_000 + ((n * 7_919) % 300_000),
      explicit: n % 7 === 0,
    };
    tracks.set(n, made);
    return made;
  };
  const step = distinctPerMonth - SHARED_WITH_NEXT_MONTH;
  // The day's play times, spread evenly, as the time of day of an ISO instant.
  const times = Array.from({ length: playsPerDay }, (_, k) => new Date(Math.floor((k * 86_400_000) / playsPerDay)).toISOString().slice(10));
  return {
    playsPerDay,
    distinctPerMonth,
    day(date) {
      const monthIndex = Number(date.slice(0, 4)) * 12 + Number(date.slice(5, 7)) - 1;
      const dayOfMonth = Number(date.slice(8)) - 1;
      return Array.from({ length: playsPerDay }, (_, k) => {
        const nth = dayOfMonth * playsPerDay + k;
        const pick = nth < distinctPerMonth ? nth : Math.floor(random() ** 3 * distinctPerMonth);
        return { playedAt: `${date}${times[k]}`, track: track((monthIndex % 1_000) * step + pick) };
      });
    },
  };
}

/** Every date from `from` to `to` (inclusive). */
export function datesBetween(from: string, to: string): string[] {
  const dates: string[] = [];
  for (let date = from; date <= to; date = addDays(date, 1)) dates.push(date);
  return dates;
}

/** The top 10 of `counts` by plays, ties by id: what the history must answer, counted here from every play. */
export function topOf(counts: Map<string, number>): { id: string; plays: number }[] {
  return [...counts]
    .map(([id, plays]) => ({ id, plays }))
    .sort((a, b) => b.plays - a.plays || (a.id < b.id ? -1 : 1))
    .slice(0, 10);
}

/** Every play counted directly: plays, milliseconds, per day, per track and per credited artist. */
export class DirectCount {
  plays = 0;
  ms = 0;
  readonly days = new Map<string, number>();
  private readonly tracks = new Map<PlayedTrack, number>();

  add(date: string, plays: StoredPlay[]): void {
    this.days.set(date, (this.days.get(date) ?? 0) + plays.length);
    for (const { track } of plays) {
      this.plays += 1;
      this.ms += track.durationMs;
      this.tracks.set(track, (this.tracks.get(track) ?? 0) + 1);
    }
  }

  topTracks(): { id: string; plays: number }[] {
    return topOf(new Map([...this.tracks].map(([track, plays]) => [track.id, plays])));
  }

  topArtists(): { id: string; plays: number }[] {
    const artists = new Map<string, number>();
    for (const [track, plays] of this.tracks) for (const credit of track.credits) artists.set(credit.id, (artists.get(credit.id) ?? 0) + plays);
    return topOf(artists);
  }
}
