/**
 * Where each item of a top list stood some days ago: the daily snapshot the collector keeps
 * (history-store.ts, the list as the public saw it that day), as 1-based ranks by id. A day's
 * snapshot never changes once written, so this container keeps what it read (per table, owner,
 * list and day) and a warm request reads nothing; a day without one is asked again after
 * MISSING_KEPT_MS (a collector run that began just before midnight may still write it). The history
 * is optional: without HISTORY_TABLE_NAME nothing is read, and a failed read is "no snapshot",
 * never a failed answer.
 */
import type { OwnerView } from '../owner/standing';
import { historyConfig, historyTableName } from '../platform/config';
import { ConfigError } from '../platform/errors';
import { logger } from '../platform/logger';
import { ContainerMemory } from '../platform/memory';
import { addDays, localDate } from '../platform/time';
import type { TimeRange, TopType } from '../spotify/types';
import type { ListeningResult } from './cached-source';
import { snapshot } from './history-store';
import { topList, type TopList } from './top-lists';

/** How many days back `compare` (of /highlights and the list card) looks by default, and at most. */
export const DEFAULT_COMPARE = 7;
export const MAX_COMPARE = 365;

/** An item's id → its 1-based rank in the snapshot. */
export type Ranks = ReadonlyMap<string, number>;

const MISSING_KEPT_MS = 10 * 60_000;
/** Six lists, a few compare values each: a container rarely keeps more than a handful. */
const MAX_KEPT = 200;

/** A day's ranks; `ranks` undefined: that day had no snapshot when read (kept MISSING_KEPT_MS). */
const memory = new ContainerMemory<{ ranks: Ranks | undefined }>({ bound: MAX_KEPT });
const warned = new Set<'unconfigured' | 'unreadable'>();

function warnOnce(why: 'unconfigured' | 'unreadable', message: string, reason: string): void {
  if (warned.has(why)) return;
  warned.add(why);
  logger.warn(message, { reason });
}

/** The snapshot's ids as ranks (the first place of an id that appears twice). */
export function ranksOf(ids: readonly string[]): Ranks {
  const ranks = new Map<string, number>();
  ids.forEach((id, index) => {
    if (!ranks.has(id)) ranks.set(id, index + 1);
  });
  return ranks;
}

/**
 * The ranks of `user`'s `type`/`range` list on the day `compareDays` before today (in
 * HISTORY_TIME_ZONE), or undefined when there is no snapshot of that day, no history table, or the
 * read failed.
 */
export async function previousRanks(user: string, type: TopType, range: TimeRange, compareDays: number, now = Date.now()): Promise<Ranks | undefined> {
  let table: string;
  let timeZone: string;
  try {
    table = historyTableName();
    ({ timeZone } = historyConfig());
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    warnOnce('unconfigured', 'No previous ranks: the listening history is not configured', error.message);
    return undefined;
  }
  const date = addDays(localDate(now, timeZone), -compareDays);
  const list = `${type}#${range}`;
  const key = `${table}#${user}#${list}#${date}`;
  const kept = memory.get(key);
  if (kept) return kept.ranks;

  let ids: string[] | undefined;
  try {
    ids = await snapshot(user, date, list);
  } catch (error) {
    warnOnce('unreadable', 'No previous ranks: the snapshot could not be read', error instanceof Error ? error.name : 'unknown');
    return undefined;
  }
  const ranks = ids ? ranksOf(ids) : undefined;
  memory.set(key, { ranks }, ranks ? Number.POSITIVE_INFINITY : now + MISSING_KEPT_MS);
  return ranks;
}

/**
 * The top list (top-lists.ts) and its snapshot's ranks of `compareDays` ago. With the owner this
 * request already saw (`view`), the snapshot is read alongside the list, so a cold request waits
 * for no extra round trip; the list's own owner decides (it may be another, after a change of hands).
 */
export async function topListWithRanks(
  type: TopType,
  range: TimeRange,
  compareDays: number,
  view?: OwnerView,
): Promise<ListeningResult<TopList> & { previous: Ranks | undefined }> {
  const seen = view?.standing.spotifyUserId;
  const early = seen === undefined ? undefined : previousRanks(seen, type, range, compareDays);
  const result = await topList(type, range, view);
  const previous = await (early && result.owner === seen ? early : previousRanks(result.owner, type, range, compareDays));
  return { ...result, previous };
}

/** Forgets what this container read, and that it warned (tests). */
export function clearRanksMemory(): void {
  memory.clear();
  warned.clear();
}
