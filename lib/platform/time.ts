/** Two facts about time that every layer shares, as plain numbers (epoch milliseconds). */

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
