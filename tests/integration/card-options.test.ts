/**
 * The cards' options through the real handlers, dynalite and the Spotify emulator: every variant
 * of a card (theme, colours, width, radius, images, border, title) draws the same cached
 * listening, one Spotify call for all of them; each stays self-contained; a bad option is a 400
 * card that names it, asks Spotify nothing, and still looks as the valid options ask.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { forgetContainerMemory } from '../../lib/platform/memory';
import { card, nowPlayingCard, useService, type Result } from '../support/service';
import { OWNER_ID, type Play, type Track } from '../support/spotify-emulator';

const service = useService();

const sizeOf = (svg: string) => /^<svg[^>]* width="(\d+)" height="\d+" viewBox="0 0 (\d+) \d+"/.exec(svg)?.slice(1).map(Number);
const frameOf = (svg: string) => /<rect [^>]*\/>/.exec(svg.slice(svg.indexOf('</defs>')))?.[0] ?? '';
const imageRequests = () => service.model.requests.filter((request) => request.path.startsWith('/image/'));
const topTrack = (index: number) => service.model.topFor(OWNER_ID, 'tracks', 'short_term')[index] as Track;

/** A card that loads nothing: its only URL is the SVG namespace, every picture a data: URI. */
function expectSelfContained(response: Result): void {
  expect(response.statusCode).toBe(200);
  expect(response.headers['Content-Type']).toBe('image/svg+xml; charset=utf-8');
  expect(response.body.match(/https?:\/\/[^"\s<]*/g)).toEqual(['http://www.w3.org/2000/svg']);
  for (const [, href] of response.body.matchAll(/href="([^"]*)"/g)) expect(href).toMatch(/^(data:image\/|#p\d+$)/);
}

/** Variants of one card and what each must show. */
const VARIANTS: [Record<string, string>, (svg: string) => void][] = [
  [{}, (svg) => expect([sizeOf(svg), frameOf(svg)]).toEqual([[400, 400], expect.stringContaining('fill="#ffffff" stroke=')])],
  [{ theme: 'spotify', width: '800' }, (svg) => expect([sizeOf(svg), frameOf(svg)]).toEqual([[800, 800], expect.stringContaining('fill="#191414"')])],
  [{ width: '300', images: '0' }, (svg) => expect([sizeOf(svg), /<image|<use/.test(svg)]).toEqual([[300, 300], false])],
  [{ bg: '1db954' }, (svg) => expect([frameOf(svg), /\.name\{[^}]*fill:#191414/.test(svg)]).toEqual([expect.stringContaining('fill="#1db954"'), true])],
  // What API Gateway hands the function for bg=%231db954.
  [{ bg: '#1DB954', theme: 'dark' }, (svg) => expect(frameOf(svg)).toContain('fill="#1db954"')],
  [{ theme: 'contrast', text: 'ff0', accent: '0ff' }, (svg) => expect(svg).toMatch(/\.name\{[^}]*fill:#ffff00.*\.accent\{fill:#00ffff\}/)],
  [{ radius: '0', border: '0', title: 'Tom & <Jerry>' }, (svg) => expect([frameOf(svg), svg.includes('>Tom &#38; &#60;Jerry&#62;</text>')]).toEqual([expect.not.stringContaining('stroke'), true])],
];

beforeEach(() => forgetContainerMemory());

describe('card options share one cached result', () => {
  it.each(['artists', 'tracks'])('every variant of the top %s card comes from one Spotify call and one fetch per picture', async (type) => {
    await service.connect();
    const etags = new Set<string>();
    const bodies = new Set<string>();
    for (const [query, check] of VARIANTS) {
      const response = await card({ type, limit: '5', ...query });
      expectSelfContained(response);
      check(response.body);
      etags.add(response.headers.ETag!);
      bodies.add(response.body);
    }
    expect(service.model.calls.top).toBe(1);
    expect(imageRequests()).toHaveLength(5);
    // A cache never answers one drawing with another's ETag. (The two green cards are the same
    // drawing: on that background neither theme's accent shows, so the text's colour marks it.)
    expect(bodies.size).toBe(VARIANTS.length - 1);
    expect(etags.size).toBe(bodies.size);
  });

  it('every variant of the last plays comes from one Spotify call', async () => {
    await service.connect();
    const now = service.model.now();
    const plays: Play[] = [1, 2, 3].map((i) => ({ track: topTrack(i), playedAt: now - i * 60_000, context: null }));
    service.model.player(OWNER_ID).setHistory(plays);
    for (const [query, check] of VARIANTS) {
      const response = await card({ type: 'recent', ...query });
      expectSelfContained(response);
      check(response.body);
    }
    expect(service.model.calls.recentlyPlayed).toBe(1);
    expect(service.model.calls.top).toBe(0);
  });

  it('every variant of the now-playing card comes from one Spotify call', async () => {
    await service.connect();
    service.model.player(OWNER_ID).play(topTrack(0), { positionMs: 30_000 });
    const sizes: number[][] = [];
    for (const [query, check] of VARIANTS) {
      const response = await nowPlayingCard(query);
      expectSelfContained(response);
      check(response.body);
      sizes.push(sizeOf(response.body)!);
    }
    expect(sizes.map(([width]) => width)).toEqual([400, 800, 300, 400, 400, 400, 400]);
    expect(service.model.calls.currentlyPlaying).toBe(1);
    const titled = await nowPlayingCard({ title: 'On my stereo' });
    expect(titled.body).toContain('class="status accent">On my stereo</text>');
    expect(service.model.calls.currentlyPlaying).toBe(1);
  });

  it('images=0 fetches no picture at all', async () => {
    await service.connect();
    service.model.player(OWNER_ID).play(topTrack(0));
    expectSelfContained(await card({ images: '0' }));
    expectSelfContained(await card({ type: 'tracks', images: '0', limit: '10' }));
    expectSelfContained(await nowPlayingCard({ images: '0' }));
    expect(imageRequests()).toEqual([]);
  });
});

describe('a bad option', () => {
  it.each([
    ['bg', 'green', 'bg must be a hex colour of 3 or 6 digits, with or without # (such as 1db954 or %231db954).'],
    ['text', '#12345', 'text must be a hex colour of 3 or 6 digits, with or without # (such as 1db954 or %231db954).'],
    ['accent', '1db9541', 'accent must be a hex colour of 3 or 6 digits, with or without # (such as 1db954 or %231db954).'],
    ['width', '299', 'width must be a whole number from 300 to 800.'],
    ['width', '400.5', 'width must be a whole number from 300 to 800.'],
    ['radius', '25', 'radius must be a whole number from 0 to 24.'],
    ['images', 'no', 'images must be 0 or 1.'],
    ['border', '2', 'border must be 0 or 1.'],
    ['title', 'x'.repeat(61), 'title must be 1 to 60 characters.'],
    ['theme', 'neon', 'theme must be one of light, dark, spotify, midnight, paper, contrast.'],
  ])('%s=%s is a 400 card naming it, on both cards, asking Spotify nothing', async (name, value, message) => {
    await service.connect();
    for (const answer of [card, nowPlayingCard]) {
      const response = await answer({ [name]: value });
      expect(response.statusCode).toBe(400);
      expect(response.headers['Content-Type']).toBe('image/svg+xml; charset=utf-8');
      expect(response.headers['Cache-Control']).toBe('no-store');
      expect(response.body).toContain('>This card link is not valid</text>');
      expect(response.body).toContain(message);
    }
    expect([service.model.calls.top, service.model.calls.currentlyPlaying]).toEqual([0, 0]);
  });

  it('still draws the error card as the valid options ask', async () => {
    const response = await card({ theme: 'midnight', width: '640', border: '0', radius: '2', title: 'Mine', limit: '99' });
    expect(response.statusCode).toBe(400);
    expect(sizeOf(response.body)).toEqual([640, 640]);
    expect(frameOf(response.body)).toBe(`<rect width="640" height="${/ height="(\d+)"/.exec(response.body)![1]}" rx="2" fill="#0f172a"/>`);
    expect(response.body).not.toContain('Mine');
    const bg = await nowPlayingCard({ bg: 'ffef00', width: '9000' });
    expect(sizeOf(bg.body)).toEqual([400, 400]);
    expect(frameOf(bg.body)).toContain('fill="#ffef00"');
    expect(bg.body).toMatch(/\.title\{[^}]*fill:#191414/);
  });

  it('before anyone connected, the "not connected" card takes the options too', async () => {
    const response = await card({ theme: 'spotify', width: '320', border: '0' });
    expect(response.statusCode).toBe(200);
    expect(response.body).toContain('Spotify is not connected yet');
    expect(sizeOf(response.body)).toEqual([320, 320]);
    expect(frameOf(response.body)).toContain('fill="#191414"');
  });
});
