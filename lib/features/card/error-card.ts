/**
 * The card for a failed request. When only the owner can fix it (nobody connected yet, or
 * Spotify wants a new authorization): a "reconnect" card answered 200, because many image
 * proxies (GitHub's among them) show nothing for an error status, and this is the one message
 * the owner must see wherever the card is embedded. Every other failure keeps its status (a bad
 * query stays 400, an outage 5xx) with the reason drawn in. The card takes the look the query
 * asked for, as far as the query's options are valid.
 */
import type { Params } from '../../platform/validation';
import { messageCard } from './draw';
import { lookOf, type LookOptions } from './look';
import { lookOfFailedQuery } from './query';

/** What the service answers for a failure (lib/http/errors.ts); the card draws it. */
interface Failure {
  status: number;
  message: string;
  ownerMust?: 'connect' | 'reconnect' | 'allow';
}

export interface CardError {
  statusCode: number;
  svg: string;
}

export function errorCard(failure: Failure, options: Partial<LookOptions> = {}): CardError {
  const look = lookOf(options);
  if (failure.ownerMust === 'connect') {
    return { statusCode: 200, svg: messageCard('Spotify is not connected yet', 'The site owner should open /login in a browser to connect Spotify.', look) };
  }
  if (failure.ownerMust === 'reconnect') {
    return {
      statusCode: 200,
      svg: messageCard('Reconnect Spotify', 'Spotify no longer accepts this site’s authorization. The site owner should open /login in a browser to connect again.', look),
    };
  }
  if (failure.ownerMust === 'allow') {
    return {
      statusCode: 200,
      svg: messageCard('Reconnect Spotify to show what you are playing', 'This site may not read it yet. The site owner should open /login in a browser to connect again and allow it.', look),
    };
  }
  const title = failure.status < 500 ? 'This card link is not valid' : 'Spotify highlights are unavailable';
  return { statusCode: failure.status, svg: messageCard(title, failure.message, look) };
}

/** The card routes' error renderer: a card about a bad query still looks as asked where it can. */
export function renderCardError(failure: Failure, query: Params): { statusCode: number; body: string } {
  const { statusCode, svg } = errorCard(failure, lookOfFailedQuery(query));
  return { statusCode, body: svg };
}
