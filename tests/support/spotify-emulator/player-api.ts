// Pure builders for the player endpoints: GET /v1/me/player/currently-playing and /recently-played.
import { MAX_REACHABLE_PLAYS, type Playback } from './player';
import type { ModelResponse, Play } from './types';
import { apiError, json } from './util';

const MARKET = /^(?:[A-Z]{2}|from_token)$/;
const WHOLE = /^\d+$/;

/** Spotify sends only the disallows that are true, nested under `disallows` (the spec shows them flat). */
function disallows(playback: Playback): Record<string, true> {
  const out: Record<string, true> = playback.isPlaying ? { resuming: true } : { pausing: true };
  if (playback.type === 'ad') Object.assign(out, { seeking: true, skipping_next: true, skipping_prev: true, toggling_repeat_context: true, toggling_repeat_track: true, toggling_shuffle: true });
  return out;
}

/**
 * Nothing playing or a private session (`playback` null): 204 with no body and no content type,
 * as Spotify sends it, so spotify-web-api-node hands the caller `{}`. An episode is shown only
 * when `additional_types` lists `episode`; otherwise its type is said and `item` is null.
 */
export function currentlyPlayingResponse(playback: Playback | null, query: URLSearchParams): ModelResponse {
  const market = query.get('market');
  if (market !== null && !MARKET.test(market)) return apiError(400, 'Invalid market code');
  if (!playback) return { status: 204, body: '' };
  const types = (query.get('additional_types') ?? '').split(',').map((type) => type.trim());
  const hidden = playback.type === 'episode' && !types.includes('episode');
  return json(200, {
    timestamp: playback.timestamp,
    context: playback.context,
    progress_ms: playback.progressMs,
    item: hidden ? null : playback.item,
    currently_playing_type: playback.type,
    actions: { disallows: disallows(playback) },
    is_playing: playback.isPlaying,
  });
}

/**
 * The newest plays first, at most `limit` (1–50, default 20), of the last MAX_REACHABLE_PLAYS only.
 * `before=T` pages back from T; `after=T` gives the plays just after T (still newest first).
 * No `total`; an empty page has `cursors: null` and `next: null`. The messages for bad cursors
 * are the emulator's own (Spotify's are not documented).
 */
export function recentlyPlayedResponse(plays: Play[], query: URLSearchParams, apiBase: string): ModelResponse {
  const limitText = query.get('limit');
  if (limitText !== null && (!WHOLE.test(limitText) || Number(limitText) < 1 || Number(limitText) > 50)) return apiError(400, 'Invalid limit');
  const [after, before] = [query.get('after'), query.get('before')];
  if (after !== null && before !== null) return apiError(400, 'Only one of after and before may be given');
  if (after !== null && !WHOLE.test(after)) return apiError(400, 'Invalid after');
  if (before !== null && !WHOLE.test(before)) return apiError(400, 'Invalid before');
  const limit = limitText === null ? 20 : Number(limitText);

  const reachable = plays.slice(0, MAX_REACHABLE_PLAYS);
  const page = after !== null
    ? reachable.filter((play) => play.playedAt > Number(after)).slice(-limit)
    : reachable.filter((play) => before === null || play.playedAt < Number(before)).slice(0, limit);
  const [newest, oldest] = [page[0], page.at(-1)];
  const link = (params: Record<string, string | null>) => {
    const search = new URLSearchParams(Object.entries(params).filter((entry): entry is [string, string] => entry[1] !== null));
    return `${apiBase}/v1/me/player/recently-played?${search.toString()}`;
  };
  const older = oldest !== undefined && reachable.some((play) => play.playedAt < oldest.playedAt);
  return json(200, {
    items: page.map((play) => ({ track: play.track, played_at: new Date(play.playedAt).toISOString(), context: play.context })),
    next: older ? link({ before: String(oldest.playedAt), limit: String(limit) }) : null,
    cursors: newest && oldest ? { after: String(newest.playedAt), before: String(oldest.playedAt) } : null,
    limit,
    href: link({ after, before, limit: String(limit) }),
  });
}
