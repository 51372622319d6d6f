/**
 * GET /history: what the owner played over a period (lib/listening/history.ts), kept in this
 * container's memory for HISTORY_CACHE_SECONDS (0 = always read), per owner, settings version and
 * period (whole days: `days=7` and the same `from`/`to` are one answer).
 */
import { clearHistoryAnswers, historyAnswer, type HistoryAnswer } from '../../listening/history';
import { ownerView } from '../../owner/standing';
import { historyConfig } from '../../platform/config';
import { localDate } from '../../platform/time';
import type { Params } from '../../platform/validation';
import { parseHistoryQuery } from './query';

export type { HistoryAnswer };

export async function historyFor(params: Params): Promise<HistoryAnswer> {
  const now = Date.now();
  const period = parseHistoryQuery(params, localDate(now, historyConfig().timeZone));
  const { standing } = await ownerView();
  return historyAnswer(period, standing, now);
}

/** Forgets the answers this container keeps (scripts/bench/history.ts). */
export function clearHistoryMemory(): void {
  clearHistoryAnswers();
}
