/**
 * The collector's daily snapshot of each top list (for /highlights' previousRank, lib/listening/
 * ranks.ts): taken through the cached sources, so a fresh list costs Spotify nothing, and written
 * once a day. Only a fresh list is kept: a stale one (Spotify failing, the quota spent, the
 * authorization refused) is an older day's list, so that day's snapshot waits for a later run.
 */
import { putSnapshot, snapshot } from '../../listening/history-store';
import { topList } from '../../listening/top-lists';
import { logger } from '../../platform/logger';
import { TIME_RANGES, TOP_TYPES } from '../../spotify/types';

/** Writes the snapshots of `date` that are missing and fresh now; answers how many it wrote. */
export async function snapshotTopLists(user: string, date: string): Promise<number> {
  let written = 0;
  for (const type of TOP_TYPES) {
    for (const range of TIME_RANGES) {
      const name = `${type}#${range}`;
      if (await snapshot(user, date, name)) continue;
      const { value, freshness, staleBecause } = await topList(type, range);
      if (freshness.stale) {
        logger.info("A top list served stale is not that day's snapshot: a later run takes it", { list: name, reason: staleBecause?.code });
        continue;
      }
      if (await putSnapshot(user, date, name, value.items.map((item) => item.id))) written += 1;
    }
  }
  return written;
}
