/** The SVG list card, drawn from a top list: escaping, limits, themes, data: URIs, placeholders and the ranks' movement. */
import { describe, expect, it } from 'vitest';
import { messageCard, styleOf, themeOr, xmlEscape } from '../../../../lib/features/card/draw';
import { errorCard } from '../../../../lib/features/card/error-card';
import { lookOf } from '../../../../lib/features/card/look';
import { cardContent, movementOf, recentContent, renderCard, type CardItem } from '../../../../lib/features/card/render';
import { ranksOf } from '../../../../lib/listening/ranks';
import { textWidth } from '../../../../lib/features/card/text-width';
import { errorAnswer } from '../../../../lib/http/errors';
import type { TopList } from '../../../../lib/listening/top-lists';
import type { Play } from '../../../../lib/spotify/types';
import { InvalidRequest, NotAuthorized, ReauthorizationRequired, SpotifyError } from '../../../../lib/platform/errors';
import { expectWellFormed, extentOf, svgSize, textsOf, type DrawnText } from './svg-checks';

const PNG = 'data:image/png;base64,iVBORw0KGgo=';

function artists(count: number, overrides: Partial<{ name: string; image: string | null; genres: string[] }> = {}): TopList & { type: 'artists' } {
  return {
    type: 'artists',
    items: Array.from({ length: count }, (_, i) => ({
      id: `a${i}`,
      name: `Artist ${i + 1}`,
      url: `https://open.spotify.com/artist/a${i}`,
      image: `https://i.scdn.co/image/ab6761610000e5eb00000000000000000000000${i}`,
      pictures: [],
      genres: ['indie pop', 'shoegaze'],
      ...overrides,
    })),
    timeRange: 'short_term',
  };
}

const allImages = () => PNG;
const noImages = () => null;

const rows = (svg: string) => svg.match(/<g class="item">/g)?.length ?? 0;
const heightOf = (svg: string) => Number(/^<svg[^>]* height="(\d+)"/.exec(svg)?.[1]);

describe('renderCard', () => {
  it('draws one row per item, rank, name and detail, with the images as data: URIs', () => {
    const highlights = artists(5);
    const svg = renderCard(cardContent(highlights, { theme: 'light' }, allImages));
    expectWellFormed(svg);
    expect(rows(svg)).toBe(5);
    expect(svg).toContain('>Top artists</text>');
    expect(svg).toContain('>On Spotify, the last 4 weeks</text>');
    expect(svg).toContain('>Artist 5</text>');
    expect(svg).toContain('>indie pop, shoegaze</text>');
    // Five rows show the picture; the file holds it once.
    expect(svg.match(/<use href="#p0" /g)).toHaveLength(5);
    expect(svg.match(/<image id="p0" href="data:image\/png;base64,iVBORw0KGgo="/g)).toHaveLength(1);
    expect(svg).toContain('clip-path="url(#round)"');
    // Nothing to load from anywhere: the only URL is the SVG namespace.
    expect(svg.match(/https?:\/\/[^"\s<]*/g)).toEqual(['http://www.w3.org/2000/svg']);
  });

  it('labels the image for screen readers with what it shows', () => {
    const svg = renderCard(cardContent(artists(2), { theme: 'light' }, noImages));
    expect(svg).toContain('aria-label="Top artists, on Spotify, the last 4 weeks: Artist 1, Artist 2"');
    expect(svg).toContain('role="img"');
  });

  it('escapes every name, detail and label, and drops characters XML cannot hold', () => {
    const highlights = artists(1, { name: '<script>"x" & \'Co\'\u0000\u001b\ud800', genres: ['r&b', '<g>'] });
    const svg = renderCard(cardContent(highlights, { theme: 'dark' }, noImages));
    expectWellFormed(svg);
    expect(svg).not.toContain('<script');
    expect(svg).toContain('>&#60;script&#62;&#34;x&#34; &#38; &#39;Co&#39;</text>');
    expect(svg).toContain('aria-label="Top artists, on Spotify, the last 4 weeks: &#60;script&#62;&#34;x&#34; &#38; &#39;Co&#39;"');
    expect(svg).toContain('>r&#38;b, &#60;g&#62;</text>');
    expect(svg).not.toMatch(/[\u0000-\u0008\u001b\ud800]/); // eslint-disable-line no-control-regex
  });

  it('cuts long names and details with an ellipsis to fit the row, at the size they are drawn', () => {
    const svg = renderCard(cardContent(artists(1, { name: 'A'.repeat(200), genres: ['w'.repeat(100)] }), { theme: 'light' }, noImages));
    const name = />(A+…)<\/text>/.exec(svg)?.[1] ?? '';
    const detail = />(w+…)<\/text>/.exec(svg)?.[1] ?? '';
    // The row's text starts at x = 100 and ends 16 px before the card's edge.
    expect(textWidth(name, styleOf('name'))).toBeLessThanOrEqual(284);
    expect(textWidth(`${name.slice(0, -1)}A…`, styleOf('name'))).toBeGreaterThan(284);
    expect(textWidth(detail, styleOf('detail'))).toBeLessThanOrEqual(284);
    expect(renderCard(cardContent(artists(1, { name: 'Short name' }), { theme: 'light' }, noImages))).toContain('>Short name</text>');
  });

  it('grows with the number of rows, up to ten, and says so when there is nothing to show', () => {
    const one = renderCard(cardContent(artists(1), { theme: 'light' }, noImages));
    const ten = renderCard(cardContent(artists(10), { theme: 'light' }, noImages));
    expect(rows(ten)).toBe(10);
    expect(heightOf(ten) - heightOf(one)).toBe(9 * 56);
    expect(heightOf(ten)).toBeLessThanOrEqual(660);
    const empty = renderCard(cardContent(artists(0), { theme: 'light' }, noImages));
    expectWellFormed(empty);
    expect(rows(empty)).toBe(0);
    expect(empty).toContain('Nothing here yet');
    expect(heightOf(empty)).toBe(heightOf(one));
  });

  it('has a light and a dark theme', () => {
    const light = renderCard(cardContent(artists(1), { theme: 'light' }, noImages));
    const dark = renderCard(cardContent(artists(1), { theme: 'dark' }, noImages));
    expect(light).toContain('fill="#ffffff"');
    expect(light).toMatch(/\.name\{[^}]*fill:#191414/);
    expect(dark).toContain('fill="#121212"');
    expect(dark).toMatch(/\.name\{[^}]*fill:#f2f2f2/);
    expect(themeOr('dark')).toBe('dark');
    expect(themeOr('neon')).toBe('light');
    expect(themeOr(undefined)).toBe('light');
  });

  it('draws a placeholder for an image that is missing or failed', () => {
    const highlights = artists(3);
    const first = highlights.items[0]!;
    first.image = null;
    const images = (item: unknown) => (item === highlights.items[2] ? PNG : null);
    const svg = renderCard(cardContent(highlights, { theme: 'light' }, images));
    expect(svg.match(/<image /g)).toHaveLength(1);
    expect(svg.match(/>♪<\/text>/g)).toHaveLength(2);
  });

  it('shows tracks with their artists, on square covers', () => {
    const highlights: TopList = {
      type: 'tracks',
      items: [
        { id: 't', name: 'Song', url: 'https://open.spotify.com/track/t', artists: ['One', 'Two'], album: 'Album', image: 'https://i.scdn.co/image/x', pictures: [], durationMs: 1000, explicit: false },
      ],
      timeRange: 'long_term',
    };
    const content = cardContent(highlights, { theme: 'light' }, allImages);
    expect(content).toMatchObject({ title: 'Top tracks', subtitle: 'On Spotify, the last year', shape: 'square' });
    expect(content.items).toEqual<CardItem[]>([{ name: 'Song', detail: 'One, Two', image: PNG }]);
    expect(renderCard(content)).toContain('clip-path="url(#square)"');
  });
});

describe('the movement of each rank since the snapshot compared with', () => {
  // Now a0…a4. The snapshot: a1, a0, a2, two others, a3; so a0 ▲1, a1 ▼1, a2 unchanged, a3 ▲2 (6th to 4th), a4 new.
  const snapshot = ranksOf(['a1', 'a0', 'a2', 'gone', 'a5', 'a3']);
  const isMark = (text: DrawnText) => text.kind === 'detail' && /^(?:▲\d+|▼\d+|NEW)$/.test(text.text);
  const marks = (svg: string) => textsOf(svg).filter(isMark);

  it('is up, down or new by the item\'s id, and nothing when unchanged or without a snapshot', () => {
    expect(movementOf(snapshot, 'a0', 1)).toBe(1);
    expect(movementOf(snapshot, 'a1', 2)).toBe(-1);
    expect(movementOf(snapshot, 'a2', 3)).toBeUndefined();
    expect(movementOf(snapshot, 'a3', 4)).toBe(2);
    expect(movementOf(snapshot, 'a4', 5)).toBe('new');
    expect(movementOf(undefined, 'a0', 1)).toBeUndefined();
    expect(ranksOf(['x', 'y', 'x'])).toEqual(new Map([['x', 1], ['y', 2]]));
    expect(cardContent(artists(5), { theme: 'light' }, noImages, snapshot).items.map((item) => item.movement)).toEqual([1, -1, undefined, 2, 'new']);
  });

  it('draws ▲n in the accent colour, ▼n muted and NEW beside the rank, nothing for an unchanged row, and says it in the label', () => {
    const svg = renderCard(cardContent(artists(5), { theme: 'light', accent: '#ff0055' }, noImages, snapshot));
    expectWellFormed(svg);
    expect(marks(svg).map((text) => text.text)).toEqual(['▲1', '▼1', '▲2', 'NEW']);
    expect(svg).toContain('class="detail accent">▲1</text>');
    expect(svg).toContain('class="detail accent">▲2</text>');
    expect(svg).toContain('class="detail accent">NEW</text>');
    expect(svg).toContain('class="detail">▼1</text>');
    expect(svg).toMatch(/\.accent\{fill:#ff0055\}/);
    // Each mark right under its rank, both centred in the rank's column.
    expect(svg).toContain('<text x="24" y="89" text-anchor="middle" class="rank">1</text><text x="24" y="107" text-anchor="middle" class="detail accent">▲1</text>');
    // The unchanged third row keeps its rank in the middle of the row.
    expect(svg).toContain('<text x="24" y="208" text-anchor="middle" class="rank">3</text>');
    expect(svg).toContain('aria-label="Top artists, on Spotify, the last 4 weeks: Artist 1 (up 1), Artist 2 (down 1), Artist 3, Artist 4 (up 2), Artist 5 (new)"');
  });

  it('draws no marks, and the ranks as before, without a snapshot or when nothing moved', () => {
    const plain = renderCard(cardContent(artists(3), { theme: 'light' }, noImages));
    expect(renderCard(cardContent(artists(3), { theme: 'light' }, noImages, undefined))).toBe(plain);
    expect(renderCard(cardContent(artists(3), { theme: 'light' }, noImages, ranksOf(['a0', 'a1', 'a2'])))).toBe(plain);
    expect(plain).toContain('<text x="28" y="96" text-anchor="end" class="rank">1</text>');
    expect(marks(plain)).toEqual([]);
    expect(marks(renderCard(cardContent(artists(0), { theme: 'light' }, noImages, snapshot)))).toEqual([]);
  });

  it('keeps the names escaped beside the marks', () => {
    const svg = renderCard(cardContent(artists(1, { name: '<b>"Tom" & \'Jerry\'</b>' }), { theme: 'dark' }, noImages, ranksOf(['other'])));
    expectWellFormed(svg);
    expect(svg).toContain('>&#60;b&#62;&#34;Tom&#34; &#38; &#39;Jerry&#39;&#60;/b&#62;</text>');
    expect(svg).toContain('aria-label="Top artists, on Spotify, the last 4 weeks: &#60;b&#62;&#34;Tom&#34; &#38; &#39;Jerry&#39;&#60;/b&#62; (new)"');
    expect(svg).not.toContain('<b>');
  });

  it.each([true, false])('keeps every text inside a 300 px card, and the marks left of the pictures and names (images %s)', (images) => {
    // Ten rows: the widest marks (▲49: 50th before, first now; ▼9; NEW; two digits of rank).
    const list = artists(10, { name: 'W'.repeat(80), genres: ['m'.repeat(80)] });
    const before = ranksOf(Array.from({ length: 50 }, (_, i) => (i === 49 ? 'a0' : i === 0 ? 'a9' : i < 9 ? `a${i}` : `old${i}`)));
    const svg = renderCard(cardContent(list, { width: 300, images }, allImages, before));
    expectWellFormed(svg);
    expect(svgSize(svg).width).toBe(300);
    const texts = textsOf(svg);
    expect(marks(svg).map((text) => text.text)).toEqual(['▲49', '▼9']);
    for (const text of texts) {
      const { left, right } = extentOf(text);
      expect(left, text.text).toBeGreaterThanOrEqual(0);
      expect(right, text.text).toBeLessThanOrEqual(300);
    }
    const column = texts.filter((drawn) => drawn.kind === 'rank' || isMark(drawn));
    expect(column).toHaveLength(12);
    for (const text of column) expect(extentOf(text).right, text.text).toBeLessThanOrEqual(44);
    const newMark = textsOf(renderCard(cardContent(list, { width: 300, images }, allImages, ranksOf(['x'])))).filter((text) => text.text === 'NEW');
    expect(newMark).toHaveLength(10);
    for (const text of newMark) expect([extentOf(text).left >= 0, extentOf(text).right <= 44]).toEqual([true, true]);
  });
});

describe('the recently played card', () => {
  const NOW = Date.parse('2026-11-28T16:00:00.000Z');
  const play = (name: string, album: string, minutesAgo: number): Play => ({
    track: { id: name, name, url: `https://open.spotify.com/track/${name}`, artists: ['Velvet Harbor'], album, image: `https://i.scdn.co/image/${album}`, pictures: [], durationMs: 1000, explicit: false },
    playedAt: new Date(NOW - minutesAgo * 60_000).toISOString(),
  });
  const plays = [play('Tides', 'a', 3), play('Pines', 'a', 7), play('Orchard', 'b', 60 * 30)];
  const coverOf = (item: { image: string | null }) => `data:image/png;base64,${item.image === 'https://i.scdn.co/image/a' ? 'AAAA' : 'BBBB'}`;

  it('draws each play with when it was played, newest first, without ranks', () => {
    const svg = renderCard(recentContent(plays, { theme: 'light' }, coverOf, NOW));
    expectWellFormed(svg);
    expect(rows(svg)).toBe(3);
    expect(svg).toContain('>Recently played</text>');
    expect(svg).toContain('<text x="384" y="89" text-anchor="end" class="detail">3 min ago</text>');
    expect(svg).toContain('>7 min ago</text>');
    expect(svg).toContain('>yesterday</text>');
    expect(svg).not.toContain('class="rank"');
    expect(svg).toContain('aria-label="Recently played, on Spotify, newest first: Tides (3 min ago), Pines (7 min ago), Orchard (yesterday)"');
  });

  it('puts an album\'s cover in the file once, however many of its tracks were played', () => {
    const svg = renderCard(recentContent(plays, { theme: 'light' }, coverOf, NOW));
    expect(svg.match(/<image /g)).toHaveLength(2);
    expect(svg.match(/<use href="#p0" /g)).toHaveLength(2);
    expect(svg.match(/<use href="#p1" /g)).toHaveLength(1);
  });

  it('leaves room for the time: a long name stops before it', () => {
    const long = [play('W'.repeat(60), 'a', 3)];
    const svg = renderCard(recentContent(long, { theme: 'light' }, coverOf, NOW));
    const name = />(W+…)<\/text>/.exec(svg)?.[1] ?? '';
    // The name starts at x = 72; the time ends at 384 and the gap is 8 px.
    expect(72 + textWidth(name, styleOf('name')) + 8 + textWidth('3 min ago', styleOf('detail'))).toBeLessThanOrEqual(384);
  });

  it('says so when there is nothing to show', () => {
    const svg = renderCard(recentContent([], { theme: 'dark' }, coverOf, NOW));
    expectWellFormed(svg);
    expect(svg).toContain('Spotify has no plays to show.');
  });
});

describe('errorCard', () => {
  it('not connected, and re-authorization needed: a reconnect card answered 200', () => {
    for (const cause of [new NotAuthorized(), new ReauthorizationRequired(), new SpotifyError('invalid_grant', 400)]) {
      const card = errorCard(errorAnswer(cause), { theme: 'dark' });
      expect(card.statusCode).toBe(200);
      expect(card.svg).toContain('/login');
      expect(card.svg).toContain('fill="#121212"');
      expectWellFormed(card.svg);
    }
    expect(errorCard(errorAnswer(new ReauthorizationRequired()), { theme: 'light' }).svg).toContain('>Reconnect Spotify</text>');
    expect(errorCard(errorAnswer(new NotAuthorized()), { theme: 'light' }).svg).toContain('>Spotify is not connected yet</text>');
  });

  it('a bad query keeps its 400 and says what is wrong; an outage keeps its 5xx', () => {
    const invalid = new InvalidRequest('invalid_parameter', 'limit must be a whole number from 1 to 10.');
    const bad = errorCard(errorAnswer(invalid), { theme: 'light' });
    expect(bad.statusCode).toBe(400);
    expect(bad.svg).toContain('limit must be a whole number from 1 to 10.');
    const limited = new SpotifyError('rate_limited', 429, 5);
    const down = errorCard(errorAnswer(limited), { theme: 'light' });
    expect(down.statusCode).toBe(503);
    expect(down.svg).toContain('Spotify highlights are unavailable');
    expect(down.svg).toContain('Spotify asked us to slow down. Try again shortly.');
    expect(errorCard(errorAnswer(new Error('x')), { theme: 'light' }).statusCode).toBe(500);
  });

  it('wraps a long message on several lines, escaped', () => {
    const svg = messageCard('Title', `${'word '.repeat(30)}<&>`, lookOf({ theme: 'light' }));
    expectWellFormed(svg);
    expect(svg.match(/class="detail"/g)!.length).toBeGreaterThan(1);
    expect(xmlEscape('<&>"\'')).toBe('&#60;&#38;&#62;&#34;&#39;');
  });
});
