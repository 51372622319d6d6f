/** The SVG card, drawn from a top list: escaping, limits, themes, data: URIs and placeholders. */
import { describe, expect, it } from 'vitest';
import { errorCard } from '../../../../lib/features/card/error-card';
import { cardContent, messageCard, renderCard, themeOr, truncate, xmlEscape, type CardItem } from '../../../../lib/features/card/render';
import { errorAnswer } from '../../../../lib/http/errors';
import type { TopList } from '../../../../lib/listening/top-lists';
import { InvalidRequest, NotAuthorized, ReauthorizationRequired, SpotifyError } from '../../../../lib/platform/errors';

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

const allImages = (list: TopList) => new Map(list.items.map((item) => [item.image ?? '', PNG]));

/** Balanced tags, no stray "<" or "&" in text, one root: what an XML parser needs. */
function expectWellFormed(svg: string): void {
  const stack: string[] = [];
  const tag = /<(\/?)([a-zA-Z][\w:-]*)((?:\s+[\w:-]+="[^"<&]*(?:&#?\w+;[^"<&]*)*")*)\s*(\/?)>/y;
  let at = 0;
  while (at < svg.length) {
    if (svg[at] === '<') {
      tag.lastIndex = at;
      const match = tag.exec(svg);
      expect(match, `a valid tag at ${at}: ${svg.slice(at, at + 40)}`).not.toBeNull();
      const [whole, closing, name, , selfClosing] = match!;
      if (closing) expect(stack.pop()).toBe(name);
      else if (!selfClosing) stack.push(name!);
      at += whole.length;
    } else {
      const text = /[^<]*/y;
      text.lastIndex = at;
      const content = text.exec(svg)![0];
      expect(content.replace(/&(#\d+|#x[0-9a-f]+|amp|lt|gt|quot|apos);/gi, '')).not.toContain('&');
      at += content.length;
    }
  }
  expect(stack).toEqual([]);
  expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
}

const rows = (svg: string) => svg.match(/<g class="item">/g)?.length ?? 0;
const heightOf = (svg: string) => Number(/^<svg[^>]* height="(\d+)"/.exec(svg)?.[1]);

describe('renderCard', () => {
  it('draws one row per item, rank, name and detail, with the images as data: URIs', () => {
    const highlights = artists(5);
    const svg = renderCard(cardContent(highlights, 'light', allImages(highlights)));
    expectWellFormed(svg);
    expect(rows(svg)).toBe(5);
    expect(svg).toContain('>Top artists</text>');
    expect(svg).toContain('>On Spotify, the last 4 weeks</text>');
    expect(svg).toContain('>Artist 5</text>');
    expect(svg).toContain('>indie pop, shoegaze</text>');
    expect(svg.match(/<image href="data:image\/png;base64,iVBORw0KGgo="/g)).toHaveLength(5);
    expect(svg).toContain('clip-path="url(#round)"');
    // Nothing to load from anywhere: the only URL is the SVG namespace.
    expect(svg.match(/https?:\/\/[^"\s<]*/g)).toEqual(['http://www.w3.org/2000/svg']);
  });

  it('labels the image for screen readers with what it shows', () => {
    const svg = renderCard(cardContent(artists(2), 'light', new Map()));
    expect(svg).toContain('aria-label="Top artists, on Spotify, the last 4 weeks: Artist 1, Artist 2"');
    expect(svg).toContain('role="img"');
  });

  it('escapes every name, detail and label, and drops characters XML cannot hold', () => {
    const highlights = artists(1, { name: '<script>"x" & \'Co\'\u0000\u001b\ud800', genres: ['r&b', '<g>'] });
    const svg = renderCard(cardContent(highlights, 'dark', new Map()));
    expectWellFormed(svg);
    expect(svg).not.toContain('<script');
    expect(svg).toContain('>&#60;script&#62;&#34;x&#34; &#38; &#39;Co&#39;</text>');
    expect(svg).toContain('aria-label="Top artists, on Spotify, the last 4 weeks: &#60;script&#62;&#34;x&#34; &#38; &#39;Co&#39;"');
    expect(svg).toContain('>r&#38;b, &#60;g&#62;</text>');
    expect(svg).not.toMatch(/[\u0000-\u0008\u001b\ud800]/); // eslint-disable-line no-control-regex
  });

  it('cuts long names with an ellipsis, never inside an emoji', () => {
    expect(truncate('x'.repeat(40), 34)).toBe(`${'x'.repeat(33)}…`);
    expect(truncate('short', 34)).toBe('short');
    expect(truncate(`${'a'.repeat(32)}🎸🎸🎸`, 34)).toBe(`${'a'.repeat(32)}🎸…`);
    const svg = renderCard(cardContent(artists(1, { name: 'A'.repeat(200) }), 'light', new Map()));
    expect(svg).toContain(`>${'A'.repeat(33)}…</text>`);
  });

  it('grows with the number of rows, up to ten, and says so when there is nothing to show', () => {
    const one = renderCard(cardContent(artists(1), 'light', new Map()));
    const ten = renderCard(cardContent(artists(10), 'light', new Map()));
    expect(rows(ten)).toBe(10);
    expect(heightOf(ten) - heightOf(one)).toBe(9 * 56);
    expect(heightOf(ten)).toBeLessThanOrEqual(660);
    const empty = renderCard(cardContent(artists(0), 'light', new Map()));
    expectWellFormed(empty);
    expect(rows(empty)).toBe(0);
    expect(empty).toContain('Nothing here yet');
    expect(heightOf(empty)).toBe(heightOf(one));
  });

  it('has a light and a dark theme', () => {
    const light = renderCard(cardContent(artists(1), 'light', new Map()));
    const dark = renderCard(cardContent(artists(1), 'dark', new Map()));
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
    const images = new Map([
      [highlights.items[1]!.image!, null],
      [highlights.items[2]!.image!, PNG],
    ]);
    const svg = renderCard(cardContent(highlights, 'light', images));
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
    const content = cardContent(highlights, 'light', new Map([['https://i.scdn.co/image/x', PNG]]));
    expect(content).toMatchObject({ title: 'Top tracks', subtitle: 'On Spotify, the last year', shape: 'square' });
    expect(content.items).toEqual<CardItem[]>([{ name: 'Song', detail: 'One, Two', image: PNG }]);
    expect(renderCard(content)).toContain('clip-path="url(#square)"');
  });
});

describe('errorCard', () => {
  it('not connected, and re-authorization needed: a reconnect card answered 200', () => {
    for (const cause of [new NotAuthorized(), new ReauthorizationRequired(), new SpotifyError('invalid_grant', 400)]) {
      const card = errorCard(errorAnswer(cause), 'dark');
      expect(card.statusCode).toBe(200);
      expect(card.svg).toContain('/login');
      expect(card.svg).toContain('fill="#121212"');
      expectWellFormed(card.svg);
    }
    expect(errorCard(errorAnswer(new ReauthorizationRequired()), 'light').svg).toContain('>Reconnect Spotify</text>');
    expect(errorCard(errorAnswer(new NotAuthorized()), 'light').svg).toContain('>Spotify is not connected yet</text>');
  });

  it('a bad query keeps its 400 and says what is wrong; an outage keeps its 5xx', () => {
    const invalid = new InvalidRequest('invalid_parameter', 'limit must be a whole number from 1 to 10.');
    const bad = errorCard(errorAnswer(invalid), 'light');
    expect(bad.statusCode).toBe(400);
    expect(bad.svg).toContain('limit must be a whole number from 1 to 10.');
    const limited = new SpotifyError('rate_limited', 429, 5);
    const down = errorCard(errorAnswer(limited), 'light');
    expect(down.statusCode).toBe(503);
    expect(down.svg).toContain('Spotify highlights are unavailable');
    expect(down.svg).toContain('Spotify asked us to slow down. Try again shortly.');
    expect(errorCard(errorAnswer(new Error('x')), 'light').statusCode).toBe(500);
  });

  it('wraps a long message on several lines, escaped', () => {
    const svg = messageCard('Title', `${'word '.repeat(30)}<&>`, 'light');
    expectWellFormed(svg);
    expect(svg.match(/class="detail"/g)!.length).toBeGreaterThan(1);
    expect(xmlEscape('<&>"\'')).toBe('&#60;&#38;&#62;&#34;&#39;');
  });
});
