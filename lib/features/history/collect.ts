/**
 * The collector, run every HISTORY_COLLECT_MINUTES: asks Spotify for the plays after
 * the cursor (its largest page, 50) with the owner's token (the same access-token code and lease
 * as the HTTP functions), marks the days it will rewrite, stores each play once (a conditional put:
 * two runs at once, or one run twice, never store a play twice), rewrites the aggregate of every
 * marked day from that day's plays and each of their months from its days (history-aggregates.ts:
 * an older view never overwrites a newer one), and moves the cursor forward. A full page whose
 * oldest play is newer than the cursor means Spotify no longer had some plays: that interval is
 * recorded as a gap. A run that fails, reading Spotify (down, rate limited, the authorization
 * refused) or writing DynamoDB, is recorded with its reason and moves nothing; its marked days stay
 * marked (so /history does not call them complete) and the next run rewrites them. A run that
 * succeeds notes when it started (`lastRunAt`, even with no new play): the last plays answered
 * from the history are as fresh as that (lib/listening/recently-played.ts). Once a day it also
 * keeps a snapshot of each top list, for /highlights' previousRank (snapshots.ts).
 */
import { rewriteDay, rollUpMonths } from '../../listening/history-rewrite';
import {
  clearPending,
  collectorState,
  failedRuns,
  markPending,
  moveCursor,
  noteRun,
  putCatalogue,
  putFailedRun,
  putGap,
  putPlay,
  type CollectorState,
  type Gap,
  type StoredPlay,
} from '../../listening/history-store';
import { callAsOwner } from '../../owner/call-as-owner';
import { getOwner } from '../../owner/owner-store';
import { RECENTLY_PLAYED } from '../../owner/scopes';
import { AFTER_DEADLINE_MS } from '../../platform/aws-calls';
import { historyConfig } from '../../platform/config';
import { ServiceError } from '../../platform/errors';
import { logger } from '../../platform/logger';
import { requestDeadline } from '../../platform/request-context';
import { localDate } from '../../platform/time';
import { recentlyPlayed } from '../../spotify/player';
import type { Play } from '../../spotify/types';
import { snapshotTopLists } from './snapshots';

// scripts/bench/history.ts seeds the day aggregates with it.
export { aggregateDay as aggregate } from '../../listening/history-numbers';

/** Spotify's largest page of recently played. */
const PAGE = 50;

export interface CollectReport {
  outcome: 'collected' | 'failed' | 'not_connected';
  /** Plays this run stored (the others were stored already). */
  stored: number;
  /** Days whose aggregate this run rewrote (its own, and those of failed runs it took over). */
  days: string[];
  gap: Gap | null;
  snapshots: number;
  reason?: string;
}

export { rollUpMonths };

/** A play as the history keeps it: what /history counts, and what the last plays answer (link and pictures), nothing more. */
export function storedPlay({ track, playedAt }: Play): StoredPlay {
  const ids = track.artistIds ?? [];
  const credits = track.artists.map((name, index) => ({ id: ids.length === track.artists.length ? (ids[index] ?? '') : '', name }));
  const { id, album, durationMs, explicit, url, image, pictures } = track;
  return {
    playedAt: new Date(playedAt).toISOString(),
    track: { id, name: track.rawName ?? track.name, credits, album, durationMs, explicit, url, image, pictures },
  };
}

/**
 * Why plays were lost between the last successful run and this one: Spotify's daily quota if any
 * run in between met it (the lockout is what kept the collector away), else the last failure's
 * reason, else more plays than Spotify keeps between two runs.
 */
async function gapReason(user: string, lastRun: string, now: string): Promise<string> {
  const failed = await failedRuns(user, lastRun, now);
  if (failed.some((run) => run.reason === 'quota_exceeded')) return 'quota_exceeded';
  return failed.at(-1)?.reason ?? 'over_50_plays';
}

function reasonOf(error: unknown): string {
  return error instanceof ServiceError ? error.code : error instanceof Error ? error.name : 'unknown';
}

interface Run {
  user: string;
  at: string;
  now: number;
  state: CollectorState;
  keepUntil: number | undefined;
  report: CollectReport;
  /** The days this run marked for rewriting, under its marker. */
  marked?: { marker: string; dates: string[] };
}

/**
 * Stores `page` and everything that follows from it, in the order that keeps a failure anywhere
 * harmless: the marker first, the cursor and the run's success last, the marker cleared after.
 */
async function store(run: Run, page: Play[]): Promise<void> {
  const { user, at, now, state, keepUntil, report } = run;
  const { timeZone } = historyConfig();
  const plays = page.map(storedPlay).sort((a, b) => a.playedAt.localeCompare(b.playedAt));
  const dead = (state.pending ?? []).filter((marked) => marked.endsBy < now);
  const dates = [...new Set([...plays.map((play) => localDate(Date.parse(play.playedAt), timeZone)), ...dead.flatMap((marked) => marked.dates)])].sort();
  if (dates.length) run.marked = { marker: await markPending(user, dates, requestDeadline() + AFTER_DEADLINE_MS, dead.map((marked) => marked.marker)), dates };
  // Names for the answers first (the day aggregates hold ids and counts only), so no stored play
  // lacks them even if this run stops halfway. The page holds the plays after the cursor: new ones.
  await putCatalogue(user, plays.map((play) => play.track));
  for (const play of plays) if (await putPlay(user, play, keepUntil)) report.stored += 1;
  for (const date of dates) {
    await rewriteDay(user, date, keepUntil);
    report.days.push(date);
  }
  await rollUpMonths(user, dates, keepUntil);
  const oldest = plays[0];
  if (page.length >= PAGE && state.cursor !== undefined && oldest && Date.parse(oldest.playedAt) > state.cursor + 1) {
    report.gap = { from: new Date(state.cursor).toISOString(), to: oldest.playedAt, reason: await gapReason(user, state.lastRunAt ?? new Date(state.cursor).toISOString(), at) };
    await putGap(user, report.gap);
    logger.warn('Spotify no longer had some plays: a gap in the history', { ...report.gap });
  }
  const newest = plays.at(-1);
  if (newest) await moveCursor(user, Date.parse(newest.playedAt), state.since ?? at);
  // Read and stored, even nothing: what the last plays' freshness counts from (lib/listening/recently-played.ts).
  await noteRun(user, at, state.since ?? at);
  if (run.marked) await clearPending(user, [run.marked.marker]);
}

export async function collect(now = Date.now()): Promise<CollectReport> {
  const config = historyConfig();
  const report: CollectReport = { outcome: 'collected', stored: 0, days: [], gap: null, snapshots: 0 };
  const owner = await getOwner();
  if (!owner) {
    logger.info('The collector: nobody is connected, so there is nothing to collect');
    return { ...report, outcome: 'not_connected' };
  }
  const user = owner.spotifyUserId;
  const at = new Date(now).toISOString();
  const keepUntil = config.retentionDays === undefined ? undefined : now + config.retentionDays * 86_400_000;

  const run: Run = { user, at, now, state: await collectorState(user), keepUntil, report };
  let page: Play[];
  try {
    ({ value: page } = await callAsOwner(RECENTLY_PLAYED, (token) => recentlyPlayed(token, run.state.cursor)));
  } catch (error) {
    const reason = reasonOf(error);
    logger.warn('The collector could not read the recent plays: the next run catches up', { reason });
    await putFailedRun(user, at, reason);
    return { ...report, outcome: 'failed', reason };
  }
  try {
    await store(run, page);
  } catch (error) {
    const reason = reasonOf(error);
    logger.warn('The collector could not store the recent plays: it moved nothing, and the next run rewrites the days it left', { reason });
    // Over now: its marked days are for the next run, and not complete meanwhile (with storage down, its marker ends by its deadline anyway).
    if (run.marked) await markPending(user, run.marked.dates, Date.now() - 1, [run.marked.marker]).catch(() => undefined);
    await putFailedRun(user, at, reason);
    return { ...report, outcome: 'failed', reason };
  }

  report.snapshots = await snapshotTopLists(user, localDate(now, config.timeZone)).catch((error: unknown) => {
    logger.warn('The daily snapshot of the top lists waits for the next run', { reason: reasonOf(error) });
    return 0;
  });
  logger.info('Collected the recent plays', { stored: report.stored, days: report.days.length, gap: Boolean(report.gap), snapshots: report.snapshots });
  return report;
}
