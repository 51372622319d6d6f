/** The progress bar: where it is when the card is drawn, and the CSS that moves it (or not). */
import { describe, expect, it } from 'vitest';
import { progressAt, progressCss } from '../../../../lib/features/card/progress';

const FETCHED = Date.parse('2026-11-28T16:00:00.000Z');
const track = { durationMs: 200_000, progressMs: 50_000 };

describe('progressAt', () => {
  it('moves a playing item on by the time since it was fetched, and says how long it has left', () => {
    expect(progressAt({ ...track, isPlaying: true }, FETCHED, FETCHED + 10_000, true)).toEqual({ fraction: 0.3, movingMs: 140_000 });
    expect(progressAt({ ...track, isPlaying: true }, FETCHED, FETCHED, true)).toEqual({ fraction: 0.25, movingMs: 150_000 });
  });

  it('stops at the item\'s end, never past it', () => {
    expect(progressAt({ ...track, isPlaying: true }, FETCHED, FETCHED + 600_000, true)).toEqual({ fraction: 1, movingMs: 0 });
    expect(progressAt({ durationMs: 1_000, progressMs: 5_000, isPlaying: false }, FETCHED, FETCHED, true)).toEqual({ fraction: 1, movingMs: 0 });
  });

  it('keeps a paused item where it is, and a stale answer where it was when fetched', () => {
    expect(progressAt({ ...track, isPlaying: false }, FETCHED, FETCHED + 10_000, true)).toEqual({ fraction: 0.25, movingMs: 0 });
    expect(progressAt({ ...track, isPlaying: true }, FETCHED, FETCHED + 10_000, false)).toEqual({ fraction: 0.25, movingMs: 0 });
  });

  it('starts at 0 without a position, never goes back for a clock behind, and draws no bar without a length', () => {
    expect(progressAt({ durationMs: 200_000, progressMs: null, isPlaying: false }, FETCHED, FETCHED, true)).toEqual({ fraction: 0, movingMs: 0 });
    expect(progressAt({ ...track, isPlaying: true }, FETCHED, FETCHED - 5_000, true)).toEqual({ fraction: 0.25, movingMs: 150_000 });
    expect(progressAt({ durationMs: 0, progressMs: 0, isPlaying: true }, FETCHED, FETCHED, true)).toBeNull();
  });
});

describe('progressCss', () => {
  it('animates the bar from where it is to the end over the time left, on transform alone, then keeps it there', () => {
    const css = progressCss({ fraction: 0.3, movingMs: 140_000 });
    expect(css).toContain('.bar{transform-box:fill-box;transform-origin:0 50%;transform:scaleX(0.3000)}');
    expect(css).toContain('.bar{animation:progress 140000ms linear forwards}');
    expect(css).toContain('@keyframes progress{from{transform:scaleX(0.3000)}to{transform:scaleX(1)}}');
  });

  it('draws a bar that does not move without an animation', () => {
    const css = progressCss({ fraction: 0.25, movingMs: 0 });
    expect(css).toBe('.bar{transform-box:fill-box;transform-origin:0 50%;transform:scaleX(0.2500)}');
  });
});
