/**
 * The card for a failed request. Not connected or re-authorization needed: a "reconnect" card
 * answered 200, because many image proxies (GitHub's among them) show nothing for an error
 * status, and this is the one message the owner must see wherever the card is embedded. Every
 * other failure keeps its status (a bad query stays 400, an outage 5xx) with the reason drawn in.
 */
import { NotAuthorized, ReauthorizationRequired, SpotifyError } from '../../platform/errors';
import type { Params } from '../../platform/validation';
import { messageCard, themeOr, type Theme } from './render';

export interface CardError {
  statusCode: number;
  svg: string;
}

/** `answer` is what the service answers for `cause` (lib/http/errors.ts). */
export function errorCard(answer: { status: number; message: string }, cause: unknown, theme: Theme): CardError {
  if (cause instanceof NotAuthorized) {
    return { statusCode: 200, svg: messageCard('Spotify is not connected yet', 'The site owner should open /login in a browser to connect Spotify.', theme) };
  }
  if (cause instanceof ReauthorizationRequired || (cause instanceof SpotifyError && cause.kind === 'invalid_grant')) {
    return {
      statusCode: 200,
      svg: messageCard('Reconnect Spotify', 'Spotify no longer accepts this site’s authorization. The site owner should open /login in a browser to connect again.', theme),
    };
  }
  const title = answer.status < 500 ? 'This card link is not valid' : 'Spotify highlights are unavailable';
  return { statusCode: answer.status, svg: messageCard(title, answer.message, theme) };
}

/** The card route's error renderer: a card about a bad query still follows the theme asked for when it can. */
export function renderCardError(answer: { status: number; message: string }, cause: unknown, query: Params): { statusCode: number; body: string } {
  const { statusCode, svg } = errorCard(answer, cause, themeOr(query?.theme));
  return { statusCode, body: svg };
}
