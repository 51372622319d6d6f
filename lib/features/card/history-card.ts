/**
 * GET /history.svg: the owner's listening history over a period (lib/listening/history.ts, the
 * owner's settings applied as for /history) drawn as a card. The history is kept in this
 * container's memory for HISTORY_CACHE_SECONDS per period, as /history keeps it, so a warm card
 * reads nothing, and the card is cached as long (Cache-Control, ETag). The
 * history is the service's own store, not an answer of Spotify's, so a refused authorization
 * does not stop the card: the history collected so far is still true. Its DynamoDB reads keep
 * to the request's deadline, which route() sets for every AWS call.
 */
import { historyAnswer } from '../../listening/history';
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
  const { history, freshness } = await historyAnswer(query.period, view.standing, now);
  return { svg: renderHistoryCard(history, query, { today, timeZone: config.timeZone }), freshness };
}
