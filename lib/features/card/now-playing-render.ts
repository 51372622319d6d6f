/**
 * The card of /now-playing.svg: the cover, the title, the artists (or the show), and, for an item
 * playing or paused, a progress bar; equaliser bars while it plays. Nothing playing: the last
 * track played and when, or "Not playing" with no history.
 *
 * Motion is CSS inside the SVG (no script: an <img> runs none), animating transform only: the bar
 * grows to the item's end and stops there (progress.ts), the equaliser bars bounce while it plays.
 * A paused or stale item does not move, and under prefers-reduced-motion nothing does.
 *
 * Its look (look.ts) sets the width, the colours and the frame; with images off there is no
 * cover and the text starts at the left; a title of the author's leads the status line, with
 * the state after it unless the item is playing ("My music · Paused").
 */
import type { NowPlaying } from '../../listening/now-playing';
import type { Freshness } from '../../platform/time';
import { frame, pictureSheet, textAt } from './draw';
import { lookOf, type Look, type LookOptions } from './look';
import { progressAt, progressCss, type Progress } from './progress';
import { relativeTime } from './relative-time';
import type { PictureOf } from './render';

/** The cover's size (px, square). */
export const COVER = 108;
const HEIGHT = 140;
const BAR_Y = 100;

export interface NowPlayingContent {
  look: Look;
  /** "Now playing", "Paused", "Last played · 3 min ago", "Not playing"… */
  status: string;
  title: string;
  detail: string;
  /** A data: URI, or null for the placeholder. */
  cover: string | null;
  /** Whether the equaliser bounces. */
  playing: boolean;
  /** The bar, for an item playing or paused; null for the last played or nothing. */
  progress: Progress | null;
}

/** The status line: `state`, or the author's title with the state after it; a plain state ("Now playing", "On Spotify") gives way to the title. */
function statusLine(state: string, title: string | undefined, plain: boolean): string {
  if (title === undefined) return state;
  return plain ? title : `${title} · ${state}`;
}

/** What the card shows for `now` as fetched (`freshness`), drawn at `at` as `options` ask. */
export function nowPlayingContent(now: NowPlaying, freshness: Freshness, at: number, options: Partial<LookOptions>, pictureOf: PictureOf): NowPlayingContent {
  const look = lookOf(options);
  const titled = (state: string, plain = false) => statusLine(state, look.title, plain);
  const { item } = now;
  if (!item) return { look, status: titled('On Spotify', true), title: 'Not playing', detail: 'Nothing played recently', cover: null, playing: false, progress: null };
  const detail = item.type === 'episode' ? item.show : item.artists.join(', ');
  const shown = { look, title: item.name, detail, cover: look.images ? pictureOf(item) : null };
  if (now.playedAt !== null) return { ...shown, status: titled(`Last played · ${relativeTime(Date.parse(now.playedAt), at)}`), playing: false, progress: null };
  // A stale answer (Spotify could not be asked) may be long past: say when it was seen, and keep still.
  const live = !freshness.stale;
  const seen = live ? '' : ` · ${relativeTime(freshness.fetchedAt, at)}`;
  const status = now.isPlaying ? (live ? titled('Now playing', true) : titled(`Seen playing${seen}`)) : titled(`Paused${seen}`);
  const progress = progressAt({ isPlaying: now.isPlaying, progressMs: now.progressMs, durationMs: item.durationMs }, freshness.fetchedAt, at, live);
  return { ...shown, status, playing: now.isPlaying && live, progress };
}

const EQUALISER_CSS =
  '.eq{transform-box:fill-box;transform-origin:50% 100%;animation:eq .9s ease-in-out infinite alternate}' +
  '.eq2{animation-duration:.7s;animation-delay:-.4s}.eq3{animation-duration:1.1s;animation-delay:-.2s}' +
  '@keyframes eq{from{transform:scaleY(.3)}to{transform:scaleY(1)}}';
// Last, so it overrides every animation above.
const REDUCED_MOTION_CSS = '@media (prefers-reduced-motion:reduce){.bar,.eq{animation:none}}';

function equaliser(x: number): string {
  return [1, 2, 3].map((n) => `<rect class="eq eq${n} accent" x="${x + (n - 1) * 5}" y="24" width="3" height="12" rx="1"/>`).join('');
}

function bar(content: NowPlayingContent, x: number): string {
  if (!content.progress) return '';
  const { colours, right } = content.look;
  const shape = `x="${x}" y="${BAR_Y}" width="${right - x}" height="4" rx="2"`;
  return `<rect ${shape} fill="${colours.line}"/><rect class="bar" ${shape} fill="${content.playing ? colours.accent : colours.muted}"/>`;
}

export function renderNowPlaying(content: NowPlayingContent): string {
  const { look } = content;
  const { right } = look;
  const pictures = pictureSheet(look.colours);
  const textX = look.images ? 16 + COVER + 16 : 16;
  const statusX = content.playing ? textX + 20 : textX;
  const body =
    (look.images ? pictures.place(content.cover, 16, 16, COVER, 'square') : '') +
    (content.playing ? equaliser(textX) : '') +
    textAt('status', statusX, 34, content.status, { width: right - statusX, extraClass: content.playing ? 'accent' : undefined }) +
    textAt('headline', textX, 62, content.title, { width: right - textX }) +
    textAt('detail', textX, 82, content.detail, { width: right - textX }) +
    bar(content, textX) +
    textAt('foot', right, 124, 'Data from Spotify', { anchor: 'end' });
  const css = (content.playing ? EQUALISER_CSS : '') + (content.progress ? progressCss(content.progress) : '') + REDUCED_MOTION_CSS;
  const label = `${content.status}: ${content.title}${content.detail ? `, ${content.detail}` : ''}`;
  return frame({ look, height: HEIGHT, label, body, css, defs: pictures.defs() });
}
