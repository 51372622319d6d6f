/**
 * The look's options on every card: width (the layout follows, text stays inside), radius,
 * border, images=0, a title of the author's (escaped, fitted), colours over a theme, and every
 * theme on the list card, the last plays, the now-playing card and the message card.
 */
import { describe, expect, it } from 'vitest';
import { contrast, readableTextOn } from '../../../../lib/features/card/colour';
import { messageCard, PALETTES, THEMES } from '../../../../lib/features/card/draw';
import { errorCard } from '../../../../lib/features/card/error-card';
import { lookOf, type LookOptions } from '../../../../lib/features/card/look';
import { nowPlayingContent, renderNowPlaying } from '../../../../lib/features/card/now-playing-render';
import { cardContent, recentContent, renderCard } from '../../../../lib/features/card/render';
import { errorAnswer } from '../../../../lib/http/errors';
import type { NowPlaying } from '../../../../lib/listening/now-playing';
import type { TopList } from '../../../../lib/listening/top-lists';
import { InvalidRequest, NotAuthorized } from '../../../../lib/platform/errors';
import type { Play, Track } from '../../../../lib/spotify/types';
import { expectWellFormed, extentOf, svgSize, textsOf } from './svg-checks';

const PNG = 'data:image/png;base64,iVBORw0KGgo=';
const NOW = Date.parse('2026-11-28T16:00:00.000Z');
const LONG = `${'Wonderful Mammoth '.repeat(6)}(Remastered) 🎸🎸`;
const WIDE_DETAIL = Array.from({ length: 10 }, (_, i) => `Wide Artist Number ${i}`);

const track = (i: number, name = `Track ${i}`): Track => ({
  id: `t${i}`,
  name,
  url: `https://open.spotify.com/track/t${i}`,
  artists: WIDE_DETAIL,
  album: 'Album',
  image: `https://i.scdn.co/image/${i}`,
  pictures: [],
  durationMs: 200_000,
  explicit: false,
});
const artists: TopList = {
  type: 'artists',
  timeRange: 'short_term',
  items: Array.from({ length: 5 }, (_, i) => ({
    id: `a${i}`,
    name: i === 0 ? LONG : `Artist ${i}`,
    url: `https://open.spotify.com/artist/a${i}`,
    image: `https://i.scdn.co/image/a${i}`,
    pictures: [],
    genres: ['indie pop', 'shoegaze', 'dream pop with a very long genre name'],
  })),
};
const tracks: TopList = { type: 'tracks', timeRange: 'long_term', items: [track(0, LONG), track(1)] };
const plays: Play[] = [
  { track: track(0, LONG), playedAt: new Date(NOW - 3 * 60_000).toISOString() },
  { track: track(1), playedAt: new Date(NOW - 3 * 86_400_000).toISOString() },
];
const playing: NowPlaying = { isPlaying: true, item: { type: 'track', ...track(0, LONG) }, progressMs: 50_000, playedAt: null };
const paused: NowPlaying = { ...playing, isPlaying: false };
const fresh = { fetchedAt: NOW, freshUntil: NOW + 15_000, stale: false };
const pictureOf = () => PNG;

/** Every card there is, drawn as `options` ask. */
function everyCard(options: Partial<LookOptions>): [string, string][] {
  return [
    ['artists', renderCard(cardContent(artists, options, pictureOf))],
    ['tracks', renderCard(cardContent(tracks, options, pictureOf))],
    ['recent', renderCard(recentContent(plays, options, pictureOf, NOW))],
    ['empty', renderCard(recentContent([], options, pictureOf, NOW))],
    ['now playing', renderNowPlaying(nowPlayingContent(playing, fresh, NOW, options, pictureOf))],
    ['paused', renderNowPlaying(nowPlayingContent(paused, fresh, NOW, options, pictureOf))],
    ['message', errorCard(errorAnswer(new InvalidRequest('invalid_parameter', `${'a long reason '.repeat(12)}`)), options).svg],
  ];
}

/** The frame: the first <rect> after the definitions. */
const frameOf = (svg: string) => /<rect [^>]*\/>/.exec(svg.slice(svg.indexOf('</defs>')))?.[0] ?? '';
const bgOf = (svg: string) => /fill="(#[0-9a-f]{6})"/.exec(frameOf(svg))?.[1];
/** The fill the card's CSS gives a kind of text. */
const cssFill = (svg: string, kind: string) => new RegExp(`\\.${kind}\\{[^}]*fill:(#[0-9a-f]{6})`).exec(svg)?.[1];

describe('width', () => {
  it.each([300, 400, 555, 800])('draws every card %i px wide, and no text past its right edge or the card\'s left', (width) => {
    for (const images of [true, false]) {
      for (const [name, svg] of everyCard({ width, images, title: 'A title of sixty characters, which is the most there can be' })) {
        expectWellFormed(svg);
        expect(svgSize(svg).width, name).toBe(width);
        expect(svgSize(svg).viewBox, name).toBe(`0 0 ${width} ${svgSize(svg).height}`);
        const texts = textsOf(svg);
        expect(texts.length, name).toBeGreaterThan(3);
        for (const text of texts) {
          const { left, right } = extentOf(text);
          expect(right, `${name}: ${text.text}`).toBeLessThanOrEqual(width - 16);
          expect(left, `${name}: ${text.text}`).toBeGreaterThanOrEqual(8);
        }
      }
    }
  });

  it('fits more of a long name on a wider card, cut with an ellipsis on both', () => {
    const nameAt = (width: number) => textsOf(renderCard(cardContent(artists, { width }, pictureOf))).find((text) => text.text.startsWith('Wonderful'))!.text;
    expect(nameAt(300).endsWith('…')).toBe(true);
    expect(nameAt(800).endsWith('…')).toBe(true);
    expect(nameAt(800).length).toBeGreaterThan(nameAt(400).length);
    expect(nameAt(400).length).toBeGreaterThan(nameAt(300).length);
  });

  it('puts the right-hand texts at the right edge, and the frame and the bar across the width', () => {
    const recent = renderCard(recentContent(plays, { width: 640 }, pictureOf, NOW));
    expect(textsOf(recent).filter((text) => text.anchor === 'end').map((text) => [text.text, text.x])).toEqual([
      ['3 min ago', 624],
      ['3 days ago', 624],
      ['Data from Spotify', 624],
    ]);
    expect(frameOf(recent)).toContain('width="639"');
    const now = renderNowPlaying(nowPlayingContent(playing, fresh, NOW, { width: 640 }, pictureOf));
    expect(now).toContain('<rect class="bar" x="140" y="100" width="484"');
  });
});

describe('radius and border', () => {
  it('rounds the frame\'s corners as asked, 12 by default', () => {
    for (const [name, svg] of everyCard({})) expect(frameOf(svg), name).toContain('rx="12"');
    for (const radius of [0, 5, 24]) for (const [name, svg] of everyCard({ radius })) expect(frameOf(svg), name).toContain(`rx="${radius}"`);
  });

  it('strokes the frame by default, and not with border=0 (which then fills the whole card)', () => {
    for (const [name, svg] of everyCard({ theme: 'dark' })) expect(frameOf(svg), name).toContain(`stroke="${PALETTES.dark.line}"`);
    for (const [name, svg] of everyCard({ theme: 'dark', border: false })) {
      expect(frameOf(svg), name).not.toContain('stroke');
      expect(frameOf(svg), name).toMatch(new RegExp(`^<rect width="${svgSize(svg).width}" height="${svgSize(svg).height}" `));
    }
  });
});

describe('images=0', () => {
  it('draws no picture and no placeholder on any card, and asks for no picture', () => {
    const asked: unknown[] = [];
    const pictureOfSpy = (item: unknown) => (asked.push(item), PNG);
    const svgs = [
      renderCard(cardContent(artists, { images: false }, pictureOfSpy)),
      renderCard(recentContent(plays, { images: false }, pictureOfSpy, NOW)),
      renderNowPlaying(nowPlayingContent(playing, fresh, NOW, { images: false }, pictureOfSpy)),
    ];
    expect(asked).toEqual([]);
    for (const svg of svgs) {
      expectWellFormed(svg);
      expect(svg).not.toMatch(/<image|<use/);
      expect(svg).not.toContain('♪');
    }
    // With images, the same cards have them.
    expect(renderCard(cardContent(artists, {}, pictureOf))).toMatch(/<image[^>]*>[\s\S]*<use /);
  });

  it('moves the text left into the picture\'s place', () => {
    const xOf = (svg: string, kind: string) => textsOf(svg).find((text) => text.kind === kind)!.x;
    expect(xOf(renderCard(cardContent(artists, {}, pictureOf)), 'name')).toBe(100);
    expect(xOf(renderCard(cardContent(artists, { images: false }, pictureOf)), 'name')).toBe(44);
    expect(xOf(renderCard(recentContent(plays, {}, pictureOf, NOW)), 'name')).toBe(72);
    expect(xOf(renderCard(recentContent(plays, { images: false }, pictureOf, NOW)), 'name')).toBe(16);
    expect(xOf(renderNowPlaying(nowPlayingContent(paused, fresh, NOW, {}, pictureOf)), 'headline')).toBe(140);
    expect(xOf(renderNowPlaying(nowPlayingContent(paused, fresh, NOW, { images: false }, pictureOf)), 'headline')).toBe(16);
  });
});

describe('title', () => {
  it('replaces the list card\'s title, in the picture and the label, escaped', () => {
    const svg = renderCard(cardContent(artists, { title: '<script>alert(1)</script> & "Co"' }, pictureOf));
    expectWellFormed(svg);
    expect(svg).not.toContain('<script');
    expect(svg).toContain('>&#60;script&#62;alert(1)&#60;/script&#62; &#38; &#34;Co&#34;</text>');
    expect(svg).toContain('aria-label="&#60;script&#62;alert(1)&#60;/script&#62; &#38; &#34;Co&#34;, on Spotify');
    expect(svg).not.toContain('Top artists');
    expect(renderCard(recentContent(plays, { title: 'Rock & roll' }, pictureOf, NOW))).toContain('class="title">Rock &#38; roll</text>');
  });

  it('is cut with an ellipsis to the width', () => {
    const title = 'The wonderful things I keep playing all year round';
    const shown = (width: number) => textsOf(renderCard(cardContent(tracks, { title, width }, pictureOf))).find((text) => text.kind === 'title')!.text;
    expect(shown(300)).toMatch(/^The wonderful .*…$/);
    expect(shown(800)).toBe(title);
  });

  it('leads the now-playing card\'s status line, with the state after it unless it plays', () => {
    const status = (now: NowPlaying) => textsOf(renderNowPlaying(nowPlayingContent(now, fresh, NOW + 1000, { title: 'On <my> stereo', width: 800 }, pictureOf))).find((text) => text.kind === 'status')!.text;
    expect(status(playing)).toBe('On <my> stereo');
    expect(status(paused)).toBe('On <my> stereo · Paused');
    expect(status({ ...paused, playedAt: new Date(NOW - 3 * 60_000).toISOString() })).toBe('On <my> stereo · Last played · 3 min ago');
    expect(status({ isPlaying: false, item: null, progressMs: null, playedAt: null })).toBe('On <my> stereo');
    expect(renderNowPlaying(nowPlayingContent(playing, fresh, NOW, { title: 'On <my> stereo' }, pictureOf))).toContain('>On &#60;my&#62; stereo</text>');
  });

  it('never replaces a message card\'s title: the message is the point', () => {
    const svg = errorCard(errorAnswer(new NotAuthorized()), { title: 'My music' }).svg;
    expect(svg).toContain('>Spotify is not connected yet</text>');
    expect(svg).not.toContain('My music');
  });
});

describe('colours', () => {
  it('with bg only, draws every card on it with readable text and matching muted text', () => {
    for (const bg of ['#1db954', '#ffef00', '#3b0764', '#777777', '#000000']) {
      for (const [name, svg] of everyCard({ theme: 'dark', bg })) {
        expect(bgOf(svg), name).toBe(bg);
        const text = cssFill(svg, 'name')!;
        expect(text).toBe(readableTextOn(bg));
        expect(contrast(text, bg), `${name} on ${bg}`).toBeGreaterThanOrEqual(4.5);
        expect(contrast(cssFill(svg, 'detail')!, bg), `${name} on ${bg}`).toBeGreaterThanOrEqual(4.5);
      }
    }
  });

  it('draws the text and accent colours asked for', () => {
    for (const [name, svg] of everyCard({ bg: '#101010', text: '#ff8800', accent: '#00aaff' })) {
      expect(cssFill(svg, 'title'), name).toBe('#ff8800');
      expect(cssFill(svg, 'headline'), name).toBe('#ff8800');
      expect(svg, name).toMatch(/\.accent\{fill:#00aaff\}/);
    }
    const now = renderNowPlaying(nowPlayingContent(paused, fresh, NOW, { accent: '#00aaff', text: '#222222' }, pictureOf));
    expect(cssFill(now, 'headline')).toBe('#222222');
  });
});

describe('every theme', () => {
  it.each(THEMES)('%s draws every card well-formed, in its own colours', (theme) => {
    for (const [name, svg] of everyCard({ theme })) {
      expectWellFormed(svg);
      expect(bgOf(svg), name).toBe(PALETTES[theme].bg);
      expect(svg, name).toMatch(new RegExp(`\\.name\\{[^}]*fill:${PALETTES[theme].text}`));
      expect(svg, name).toContain(`.accent{fill:${PALETTES[theme].accent}}`);
    }
    expect(messageCard('Title', 'Message', lookOf({ theme }))).toContain(`fill="${PALETTES[theme].bg}"`);
  });
});
