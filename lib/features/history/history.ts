/**
 * GET /history: what the owner played over a period (lib/listening/history.ts), kept in this
 * container's memory for HISTORY_CACHE_SECONDS (0 = always read), per owner, settings version and
 * period.
 */
import { readHistory, type History } from '../../listening/history';
import { ownerView } from '../../owner/standing';
import { historyConfig } from '../../platform/config';
import { ContainerMemory } from '../../platform/memory';
import { localDate, type Freshness } from '../../platform/time';
import type { Params } from '../../platform/validation';
import { parseHistoryQuery } from './query';

export interface HistoryAnswer {
  history: History;
  freshness: Freshness;
}

/** A few periods per settings version are asked for: a hundred answers is plenty. */
const ANSWERS_KEPT = 100;
const memory = new ContainerMemory<HistoryAnswer>({ bound: ANSWERS_KEPT });

export async function historyFor(params: Params): Promise<HistoryAnswer> {
  const config = historyConfig();
  const now = Date.now();
  const period = parseHistoryQuery(params, localDate(now, config.timeZone));
  const { standing } = await ownerView();
  const key = `${standing.spotifyUserId}#${standing.settingsVersion}#${period.from}#${period.to}`;
  const kept = config.cacheSeconds > 0 ? memory.get(key) : undefined;
  if (kept) return kept;
  const history = await readHistory(period, standing, now);
  const answer = { history, freshness: { fetchedAt: now, freshUntil: now + config.cacheSeconds * 1000, stale: false } };
  if (config.cacheSeconds > 0) memory.set(key, answer, answer.freshness.freshUntil);
  return answer;
}

/** Forgets the answers this container keeps (tests). */
export function clearHistoryMemory(): void {
  memory.clear();
}
