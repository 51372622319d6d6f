/** The /history query: `days` back from today (1–365, default 7), or `from` and `to` dates; a bad value is refused by name. */
import { MAX_DAYS, parseHistoryPeriod, type HistoryPeriod } from '../../listening/history';
import type { Params } from '../../platform/validation';

export { MAX_DAYS };
export type { HistoryPeriod };

/** The period asked for, where `today` is today's date in the history's time zone. */
export function parseHistoryQuery(params: Params, today: string): HistoryPeriod {
  return parseHistoryPeriod(params, today, 7);
}
