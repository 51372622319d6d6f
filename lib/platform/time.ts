/** The facts about time that every layer shares, as plain numbers (epoch milliseconds), and calendar days in a time zone. */

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

/** The calendar date (YYYY-MM-DD) of `ms` in `timeZone` (an IANA name such as Europe/Berlin). */
export function localDate(ms: number, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(ms);
}

/** How far `timeZone`'s wall clock is ahead of UTC at `ms`. */
function offsetAt(ms: number, timeZone: string): number {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' })
      .formatToParts(ms)
      .map((part) => [part.type, Number(part.value)]),
  );
  const wall = Date.UTC(parts.year!, parts.month! - 1, parts.day!, parts.hour!, parts.minute!, parts.second!);
  return wall - (ms - (((ms % 1000) + 1000) % 1000));
}

/** The first instant of `date` (YYYY-MM-DD) in `timeZone`, as epoch ms. */
export function startOfDay(date: string, timeZone: string): number {
  const midnightUtc = Date.parse(`${date}T00:00:00Z`);
  // Twice: the offset at the guess may differ from the one at the answer (a change of daylight saving time).
  let start = midnightUtc - offsetAt(midnightUtc, timeZone);
  start = midnightUtc - offsetAt(start, timeZone);
  return start;
}

/** The date `days` after `date` (YYYY-MM-DD; negative goes back). */
export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}
