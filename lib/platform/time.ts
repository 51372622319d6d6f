/** The facts about time that every layer shares, as plain numbers (epoch milliseconds), and calendar days in a time zone. */

// Temporal's tree-shakeable functions: a bundle carries only the ones it calls (the `Temporal` classes are
// ~20 kB zipped in every function; startOfDay costs ~8 kB, only in the functions that read the history).
import * as Calendar from 'temporal-polyfill/fns/Calendar';
import * as PlainDate from 'temporal-polyfill/fns/PlainDate';
import { ContainerMemory } from './memory';

/** Epoch milliseconds by which the whole request must be answered. */
export type Deadline = number;

/**
 * How fresh an answer's data is: a plain fact the listening layer knows, which lib/http turns
 * into Cache-Control.
 */
export interface Freshness {
  /** When the data was fetched from Spotify. */
  fetchedAt: number;
  /** Until when it is fresh; at or before now means "revalidate every time". */
  freshUntil: number;
  /** Served only because nothing fresher could be had. */
  stale: boolean;
}

/**
 * One formatter per time zone: making one is costly (an import dates every play: a new formatter
 * each time took 13 s and 800 MB of native memory for 200,000 plays), and the history uses one zone.
 */
const formatters = new ContainerMemory<Intl.DateTimeFormat>({ bound: 16 });

/** The calendar date (YYYY-MM-DD) of `ms` in `timeZone` (an IANA name such as Europe/Berlin). */
export function localDate(ms: number, timeZone: string): string {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    formatters.set(timeZone, formatter);
  }
  return formatter.format(ms);
}

/**
 * The first instant of `date` (YYYY-MM-DD) in `timeZone`, as epoch ms: Temporal's start of day, right where
 * daylight saving time begins at midnight and the day starts at 01:00 (America/Santiago on 2024-09-08:
 * 04:00Z, not 03:00Z), where midnight comes twice (the earlier), and for a day a zone skipped (the
 * next day's start, so consecutive days never overlap nor leave a gap).
 */
export function startOfDay(date: string, timeZone: string): number {
  return PlainDate.toZonedDateTime(PlainDate.fromString(date, Calendar.getISO), timeZone).epochMilliseconds;
}

/** The date `days` after `date` (YYYY-MM-DD; negative goes back). */
export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}
