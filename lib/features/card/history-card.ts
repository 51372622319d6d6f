/**
 * GET /history.svg: the owner's listening history over a period (lib/listening/history.ts, the
 * owner's settings applied as for /history) drawn as a card, kept HISTORY_CACHE_SECONDS. The
 * history is the service's own store, not an answer of Spotify's, so a refused authorization
 * does not stop the card: the history collected so far is still true. Its DynamoDB reads keep
 * to the request's deadline, which route() sets for every AWS call.
 */
import { readHistory } from '../../listening/history';
import { historyConfig } from '../../platform/config';
import { localDate } from '../../platform/time';
import type { Params } from '../../platform/validation';
import { withOwnerDefaults } from '../../owner/standing';
import type { Card } from './card';
import { renderHistoryCard } from './history-render';
import { parseHistoryCardQuery } from './query';

/** GET /history.svg's answer to its query parameters (the owner's default theme for an omitted one). */
export async function historyCardFor(params: Params): Promise<Card> {
  const config = historyConfig();
  const now = Date.now();
  const today = localDate(now, config.timeZone);
  const { query, view } = await withOwnerDefaults((defaults) => parseHistoryCardQuery(params, today, defaults));
  const history = await readHistory(query.period, view.standing, now);
  return {
    svg: renderHistoryCard(history, query, { today, timeZone: config.timeZone }),
    freshness: { fetchedAt: now, freshUntil: now + config.cacheSeconds * 1000, stale: false },
  };
}
