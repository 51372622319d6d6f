/**
 * GET /history: what the owner played over a period (lib/listening/history.ts), kept in this
 * container's memory for HISTORY_CACHE_SECONDS (0 = always read), per owner, settings version and
 * period.
 */
import { readHistory, type History } from '../../listening/history';
import { ownerView } from '../../owner/standing';
import { historyConfig } from '../../platform/config';
import { localDate, type Freshness } from '../../platform/time';
import type { Params } from '../../platform/validation';
import { parseHistoryQuery } from './query';

export interface HistoryAnswer {
  history: History;
  freshness: Freshness;
}

const memory = new Map<string, { answer: HistoryAnswer; until: number }>();

export async function historyFor(params: Params): Promise<HistoryAnswer> {
  const config = historyConfig();
  const now = Date.now();
  const period = parseHistoryQuery(params, localDate(now, config.timeZone));
  const { standing } = await ownerView();
  const key = `${standing.spotifyUserId}#${standing.settingsVersion}#${period.from}#${period.to}`;
  const kept = config.cacheSeconds > 0 ? memory.get(key) : undefined;
  if (kept && kept.until > now) return kept.answer;
  const history = await readHistory(period, standing, now);
  const answer = { history, freshness: { fetchedAt: now, freshUntil: now + config.cacheSeconds * 1000, stale: false } };
  if (config.cacheSeconds > 0) {
    if (memory.size > 100) memory.clear();
    memory.set(key, { answer, until: answer.freshness.freshUntil });
  }
  return answer;
}

/** Forgets the answers this container keeps (tests). */
export function clearHistoryMemory(): void {
  memory.clear();
}
