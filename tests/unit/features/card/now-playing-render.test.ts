/** The now-playing card: playing, paused, stale, last played and nothing, its motion, and its text. */
import { describe, expect, it } from 'vitest';
import { styleOf, type Theme } from '../../../../lib/features/card/draw';
import { nowPlayingContent, renderNowPlaying } from '../../../../lib/features/card/now-playing-render';
import { textWidth } from '../../../../lib/features/card/text-width';
import type { NowPlaying } from '../../../../lib/listening/now-playing';
import type { Freshness } from '../../../../lib/platform/time';
import type { PlayingItem } from '../../../../lib/spotify/types';
import { expectWellFormed } from './svg-checks';

const PNG = 'data:image/png;base64,iVBORw0KGgo=';
const FETCHED = Date.parse('2026-11-28T16:00:00.000Z');
const fresh = { fetchedAt: FETCHED, freshUntil: FETCHED + 15_000, stale: false };
const stale = { ...fresh, stale: true };

const track: PlayingItem = {
  type: 'track',
  id: 't1',
  name: 'Paper Lanterns',
  url: 'https://open.spotify.com/track/t1',
  artists: ['Velvet Harbor', 'Neon Foxes'],
  album: 'Tides',
  image: 'https://i.scdn.co/image/ab67616d0000b273aaaa',
  pictures: [],
  durationMs: 200_000,
  explicit: false,
};
const episode: PlayingItem = {
  type: 'episode',
  id: 'e1',
  name: 'Making a record at home',
  url: 'https://open.spotify.com/episode/e1',
  show: 'The Liner Notes',
  image: 'https://i.scdn.co/image/ab6765630000ba8abbbb',
  pictures: [],
  durationMs: 1_800_000,
  explicit: false,
};

const playing = (item: PlayingItem = track): NowPlaying => ({ isPlaying: true, item, progressMs: 50_000, playedAt: null });
const paused: NowPlaying = { ...playing(), isPlaying: false };
const lastPlayed: NowPlaying = { isPlaying: false, item: track, progressMs: null, playedAt: new Date(FETCHED - 3 * 60_000).toISOString() };
const nothing: NowPlaying = { isPlaying: false, item: null, progressMs: null, playedAt: null };

function card(now: NowPlaying, { at = FETCHED + 10_000, freshness = fresh, theme = 'light' }: { at?: number; freshness?: Freshness; theme?: Theme } = {}) {
  return renderNowPlaying(nowPlayingContent(now, freshness, at, { theme }, () => PNG));
}

const styleOfSvg = (svg: string) => /<style>(.*)<\/style>/.exec(svg)?.[1] ?? '';
/** The declarations inside each @keyframes block. */
function keyframeProperties(css: string): string[] {
  const blocks = [...css.matchAll(/@keyframes \w+\{((?:[^{}]*\{[^}]*\})*)\}/g)].map((match) => match[1]!);
  return blocks.flatMap((block) => [...block.matchAll(/\{([^}]*)\}/g)].flatMap((frame) => frame[1]!.split(';').map((rule) => rule.split(':')[0]!.trim())));
}

describe('the now-playing card while an item plays', () => {
  it('shows the cover, title, artists, "Now playing", the equaliser and the bar', () => {
    const svg = card(playing());
    expectWellFormed(svg);
    expect(svg).toContain('>Now playing</text>');
    expect(svg).toContain('>Paper Lanterns</text>');
    expect(svg).toContain('>Velvet Harbor, Neon Foxes</text>');
    expect(svg).toContain(`<image id="p0" href="${PNG}" width="108" height="108"`);
    expect(svg).toContain('<use href="#p0" x="16" y="16" clip-path="url(#square)"/>');
    expect(svg.match(/<rect class="eq eq\d accent"/g)).toHaveLength(3);
    expect(svg).toContain('<rect class="bar"');
    expect(svg).toContain('aria-label="Now playing: Paper Lanterns, Velvet Harbor, Neon Foxes"');
    expect(svg.match(/https?:\/\/[^"\s<]*/g)).toEqual(['http://www.w3.org/2000/svg']);
    expect(svg).not.toMatch(/<script|on\w+=/i);
  });

  it('moves the bar from the position at the time it is drawn to the end, over the time left', () => {
    // Fetched at 50 s of 200 s and drawn 10 s later: 60 s in, 140 s to go.
    const css = styleOfSvg(card(playing()));
    expect(css).toContain('transform:scaleX(0.3000)');
    expect(css).toContain('.bar{animation:progress 140000ms linear forwards}');
    expect(css).toContain('@keyframes progress{from{transform:scaleX(0.3000)}to{transform:scaleX(1)}}');
    expect(css).toMatch(/\.eq\{[^}]*animation:eq [^}]*infinite/);
  });

  it('animates only transform and opacity, and nothing under prefers-reduced-motion', () => {
    const css = styleOfSvg(card(playing()));
    const properties = keyframeProperties(css);
    expect(properties.length).toBeGreaterThanOrEqual(4);
    expect(new Set(properties)).toEqual(new Set(['transform']));
    expect(css.endsWith('@media (prefers-reduced-motion:reduce){.bar,.eq{animation:none}}')).toBe(true);
    // Every element with an animation is switched off there.
    const animated = [...css.matchAll(/\.(\w+)\{[^}]*animation:/g)].map((match) => match[1]);
    expect(new Set(animated)).toEqual(new Set(['bar', 'eq']));
  });

  it('shows an episode with its show', () => {
    const svg = card(playing(episode));
    expect(svg).toContain('>Making a record at home</text>');
    expect(svg).toContain('>The Liner Notes</text>');
  });

  it('stops at the end: a bar that reached it does not move', () => {
    const css = styleOfSvg(card(playing(), { at: FETCHED + 900_000 }));
    expect(css).toContain('transform:scaleX(1.0000)');
    expect(css).not.toContain('@keyframes progress');
  });
});

describe('the now-playing card when nothing moves', () => {
  it('paused: the bar where it is, no equaliser, no animation at all', () => {
    const svg = card(paused);
    expectWellFormed(svg);
    expect(svg).toContain('>Paused</text>');
    expect(svg).not.toContain('class="eq');
    const css = styleOfSvg(svg);
    expect(css).toContain('transform:scaleX(0.2500)');
    expect(css).not.toContain('@keyframes');
    expect(css).not.toMatch(/animation:(?!none)/);
  });

  it('a stale answer (Spotify could not be asked): says when it was seen, and keeps still', () => {
    const svg = card(playing(), { at: FETCHED + 5 * 60_000, freshness: stale });
    expect(svg).toContain('>Seen playing · 5 min ago</text>');
    expect(styleOfSvg(svg)).not.toContain('@keyframes');
    expect(styleOfSvg(svg)).toContain('transform:scaleX(0.2500)');
    expect(card(paused, { at: FETCHED + 5 * 60_000, freshness: stale })).toContain('>Paused · 5 min ago</text>');
  });

  it('nothing playing: the last track and when it was played, without a bar', () => {
    const svg = card(lastPlayed, { at: FETCHED });
    expectWellFormed(svg);
    expect(svg).toContain('>Last played · 3 min ago</text>');
    expect(svg).toContain('>Paper Lanterns</text>');
    expect(svg).not.toContain('class="bar"');
    expect(styleOfSvg(svg)).not.toContain('@keyframes');
  });

  it('no history at all: "Not playing", with the placeholder', () => {
    const svg = card(nothing, { theme: 'dark' });
    expectWellFormed(svg);
    expect(svg).toContain('>Not playing</text>');
    expect(svg).not.toContain('<image');
    expect(svg).toContain('>♪</text>');
    expect(svg).toContain('fill="#121212"');
  });
});

describe('the now-playing card\'s text', () => {
  it('cuts a long title and artists with an ellipsis to the space right of the cover, escaped', () => {
    const long = { ...track, name: `${'Wonderwall & '.repeat(8)}<live>`, artists: Array.from({ length: 12 }, (_, i) => `Artist ${i}`) };
    const svg = card(playing(long));
    expectWellFormed(svg);
    const title = /class="headline">([^<]*)<\/text>/.exec(svg)?.[1] ?? '';
    expect(title.endsWith('…')).toBe(true);
    expect(title).toContain('Wonderwall &#38; ');
    // From x = 140 to 16 px before the card's edge.
    expect(textWidth(title.replace(/&#38;/g, '&'), styleOf('headline'))).toBeLessThanOrEqual(244);
    const detail = /class="detail">([^<]*)<\/text>/.exec(svg)?.[1] ?? '';
    expect(detail.endsWith('…')).toBe(true);
    expect(textWidth(detail, styleOf('detail'))).toBeLessThanOrEqual(244);
  });
});
