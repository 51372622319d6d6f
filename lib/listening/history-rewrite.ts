/**
 * Rewriting aggregates from what is stored: a day's from its plays, a month's from its days. What
 * writes plays (the collector, the import of Spotify's data export) calls these for the days it
 * touched; history-aggregates.ts keeps an older view from overwriting a newer one.
 */
import { historyConfig } from '../platform/config';
import { addDays, startOfDay } from '../platform/time';
import { daysBetween, putDay, putMonth } from './history-aggregates';
import { aggregateDay, rollUp } from './history-numbers';
import { playsBetween } from './history-store';

/** Rewrites the roll-up of every month these days are in, from its day aggregates. */
export async function rollUpMonths(user: string, dates: string[], keepUntil?: number): Promise<void> {
  for (const month of new Set(dates.map((date) => date.slice(0, 7)))) {
    await putMonth(user, rollUp(month, await daysBetween(user, `${month}-01`, `${month}-31`)), keepUntil);
  }
}

/** Rewrites the aggregate of `date` (in HISTORY_TIME_ZONE) from its plays as stored now. */
export async function rewriteDay(user: string, date: string, keepUntil?: number): Promise<void> {
  const { timeZone } = historyConfig();
  const from = new Date(startOfDay(date, timeZone)).toISOString();
  const to = new Date(startOfDay(addDays(date, 1), timeZone) - 1).toISOString();
  await putDay(user, aggregateDay(date, await playsBetween(user, from, to)), keepUntil);
}
