/**
 * The now-playing card's progress bar: where the item is when the card is drawn, and how the bar
 * moves from there. Spotify's position is the one at `fetchedAt`; while the item plays it has
 * moved on by the time since, up to the item's end. The bar moves only while the item plays and
 * the answer is live (not a stale one served while Spotify cannot answer), then stops at the end.
 */

export interface Progress {
  /** How far the bar is filled when the card is drawn, 0 to 1. */
  fraction: number;
  /** How long it moves on to the end, in ms; 0 when it does not move. */
  movingMs: number;
}

export interface Position {
  isPlaying: boolean;
  progressMs: number | null;
  durationMs: number;
}

/** The bar at `now`, or null when the item's length is unknown (no bar then). */
export function progressAt(position: Position, fetchedAt: number, now: number, live: boolean): Progress | null {
  const { durationMs } = position;
  if (!(durationMs > 0)) return null;
  const moving = position.isPlaying && live;
  const atMs = Math.min(durationMs, Math.max(0, (position.progressMs ?? 0) + (moving ? Math.max(0, now - fetchedAt) : 0)));
  return { fraction: atMs / durationMs, movingMs: moving ? durationMs - atMs : 0 };
}

/**
 * The bar's CSS: a rect of the bar's full width scaled on x to where it is, and while it moves an
 * animation (transform only) to full width over the time left, kept at the end (`forwards`).
 * Under prefers-reduced-motion nothing animates, so it shows where the item was when drawn.
 */
export function progressCss(progress: Progress): string {
  const from = progress.fraction.toFixed(4);
  const base = `.bar{transform-box:fill-box;transform-origin:0 50%;transform:scaleX(${from})}`;
  if (progress.movingMs <= 0) return base;
  return `${base}.bar{animation:progress ${Math.round(progress.movingMs)}ms linear forwards}@keyframes progress{from{transform:scaleX(${from})}to{transform:scaleX(1)}}`;
}
