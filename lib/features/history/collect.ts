/**
 * The collector (issue 14), run every HISTORY_COLLECT_MINUTES: asks Spotify for the plays after
 * the cursor (its largest page, 50) with the owner's token (the same access-token code and lease
 * as the HTTP functions), stores each play once (a conditional put: two runs at once, or one run
 * twice, never store a play twice), recomputes the aggregate of every day it touched from that
 * day's plays (so a repeated or concurrent run writes the same numbers), and moves the cursor
 * forward. A full page whose oldest play is newer than the cursor means Spotify no longer had some
 * plays: that interval is recorded as a gap. A run that fails (Spotify down, rate limited, the
 * authorization refused) is recorded and moves nothing; the next run catches up. A run that
 * succeeds notes when it started (`lastRunAt`, even with no new play): the last plays answered
 * from the history are as fresh as that (lib/listening/recently-played.ts). Once a day it also
 * keeps a snapshot of each top list, for /highlights' previousRank.
 */
import { collectorState, daysBetween, failedRuns, moveCursor, noteRun, playsBetween, putCatalogue, putDay, putMonth, rollUp, putFailedRun, putGap, putPlay, putSnapshot, snapshot, type DayAggregate, type Gap, type StoredPlay } from '../../listening/history-store';
import { topList } from '../../listening/top-lists';
import { callAsOwner } from '../../owner/call-as-owner';
import { getOwner } from '../../owner/owner-store';
import { RECENTLY_PLAYED } from '../../owner/scopes';
import { historyConfig } from '../../platform/config';
import { ServiceError } from '../../platform/errors';
import { logger } from '../../platform/logger';
import { addDays, localDate, startOfDay } from '../../platform/time';
import { recentlyPlayed } from '../../spotify/player';
import { TIME_RANGES, TOP_TYPES, type Play } from '../../spotify/types';

/** Spotify's largest page of recently played. */
const PAGE = 50;

export interface CollectReport {
  outcome: 'collected' | 'failed' | 'not_connected';
  /** Plays this run stored (the others were stored already). */
  stored: number;
  /** Days whose aggregate this run wrote. */
  days: string[];
  gap: Gap | null;
  snapshots: number;
  reason?: string;
}

/** Rewrites the roll-up of every month these days are in, from its day aggregates. */
export async function rollUpMonths(user: string, dates: string[], keepUntil?: number): Promise<void> {
  for (const month of new Set(dates.map((date) => date.slice(0, 7)))) {
    await putMonth(user, rollUp(month, await daysBetween(user, `${month}-01`, `${month}-31`)), keepUntil);
  }
}

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

/** The day's aggregate, from its plays. */
export function aggregate(date: string, plays: StoredPlay[]): DayAggregate {
  const tracks = new Map<string, DayAggregate['tracks'][number]>();
  let ms = 0;
  for (const { track } of plays) {
    ms += track.durationMs;
    const entry = tracks.get(track.id) ?? { id: track.id, plays: 0, ms: 0, explicit: track.explicit, artistIds: track.credits.map((credit) => credit.id).filter(Boolean) };
    entry.plays += 1;
    entry.ms += track.durationMs;
    tracks.set(track.id, entry);
  }
  return { date, plays: plays.length, ms, tracks: [...tracks.values()] };
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

/** The top lists of `date`, once: through the cached sources, so a fresh one costs Spotify nothing. */
async function snapshotTopLists(user: string, date: string): Promise<number> {
  let written = 0;
  for (const type of TOP_TYPES) {
    for (const range of TIME_RANGES) {
      const name = `${type}#${range}`;
      if (await snapshot(user, date, name)) continue;
      const { value } = await topList(type, range);
      if (await putSnapshot(user, date, name, value.items.map((item) => item.id))) written += 1;
    }
  }
  return written;
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

  const state = await collectorState(user);
  let page: Play[];
  try {
    ({ value: page } = await callAsOwner(RECENTLY_PLAYED, (token) => recentlyPlayed(token, state.cursor)));
  } catch (error) {
    const reason = reasonOf(error);
    logger.warn('The collector could not read the recent plays: the next run catches up', { reason });
    await putFailedRun(user, at, reason);
    return { ...report, outcome: 'failed', reason };
  }

  const plays = page.map(storedPlay).sort((a, b) => a.playedAt.localeCompare(b.playedAt));
  const touched = new Set<string>();
  // Names for the answers first (the day aggregates hold ids and counts only), so no stored play
  // lacks them even if this run stops halfway. The page holds the plays after the cursor: new ones.
  await putCatalogue(user, plays.map((play) => play.track));
  for (const play of plays) {
    if (await putPlay(user, play, keepUntil)) report.stored += 1;
    touched.add(localDate(Date.parse(play.playedAt), config.timeZone));
  }
  for (const date of [...touched].sort()) {
    const from = new Date(startOfDay(date, config.timeZone)).toISOString();
    const to = new Date(startOfDay(addDays(date, 1), config.timeZone) - 1).toISOString();
    await putDay(user, aggregate(date, await playsBetween(user, from, to)), keepUntil);
    report.days.push(date);
  }
  await rollUpMonths(user, report.days, keepUntil);
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

  report.snapshots = await snapshotTopLists(user, localDate(now, config.timeZone)).catch((error: unknown) => {
    logger.warn('The daily snapshot of the top lists waits for the next run', { reason: reasonOf(error) });
    return 0;
  });
  logger.info('Collected the recent plays', { stored: report.stored, days: report.days.length, gap: Boolean(report.gap), snapshots: report.snapshots });
  return report;
}
