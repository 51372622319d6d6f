/**
 * GET /history.svg against the emulator and dynalite: plays this test made itself over several
 * days, collected by the real collect handler, drawn as bars whose heights follow the day counts,
 * the top three artists as /history ranks them, what the owner's settings hide left out, a
 * history that started inside the period noted, names escaped, caching as /history's, and a bad
 * query, nobody connected and nothing collected yet each drawn as a card.
 */
import { describe, expect, it } from 'vitest';
import { collect, history, useHistoryDefaults } from '../support/history';
import { historyCard, ownerSettings, sessionCookieOf, useService } from '../support/service';
import { OWNER_ID, type Track } from '../support/spotify-emulator';

const service = useService();
const DAY = 86_400_000;
const MINUTE = 60_000;

const historyJson = async (query: Record<string, string>) => JSON.parse((await history(query)).body);

const player = () => service.model.player(OWNER_ID);
const tracks = () => service.model.topFor(OWNER_ID, 'tracks', 'short_term') as Track[];

/** The card's day bars, left to right: their heights. */
const barHeights = (svg: string) => [...svg.matchAll(/<rect class="day accent" x="[\d.]+" y="[\d.]+" width="[\d.]+" height="([\d.]+)"/g)].map(([, height]) => Number(height));
/** Its texts, entities decoded. */
const texts = (svg: string) => [...svg.matchAll(/<text [^>]*>([^<]*)<\/text>/g)].map(([, text]) => text!.replace(/&#(\d+);/g, (_, code: string) => String.fromCharCode(Number(code))));

/** Each day's plays, oldest first, for the five days before today. */
const COUNTS = [2, 5, 0, 3, 1];

/**
 * Plays on the five days before today (UTC noon, a minute apart): day i plays COUNTS[i] times,
 * cycling through `played` (track indexes, or tracks). Collected once; answers the period's dates.
 */
async function fiveDays(played: (number | Track)[] = [0, 1, 2]) {
  const noon = Date.parse(`${new Date().toISOString().slice(0, 10)}T12:00:00Z`);
  const dayOf = (i: number) => new Date(noon - (COUNTS.length - i) * DAY).toISOString().slice(0, 10);
  let n = 0;
  const plays = COUNTS.flatMap((count, day) =>
    Array.from({ length: count }, (_, k) => {
      const pick = played[n++ % played.length]!;
      return { track: typeof pick === 'number' ? tracks()[pick]! : pick, playedAt: noon - (COUNTS.length - day) * DAY + k * MINUTE, context: null };
    }),
  );
  player().setHistory(plays);
  await collect();
  return { from: dayOf(0), to: dayOf(COUNTS.length - 1) };
}

useHistoryDefaults();

describe('GET /history.svg', () => {
  it('draws a bar a day whose heights follow the day counts, the totals, and the top three artists as /history ranks them', async () => {
    await service.connect();
    const period = await fiveDays();
    const response = await historyCard(period);
    expect(response.statusCode).toBe(200);
    expect(response.headers['Content-Type']).toMatch(/^image\/svg\+xml/);

    const heights = barHeights(response.body);
    expect(heights).toHaveLength(COUNTS.length);
    // The busiest day is the tallest bar, a day without plays has none, and the order of the heights is the order of the counts.
    expect(heights[1]).toBe(88);
    expect(heights[2]).toBe(0);
    const byHeight = (values: number[]) => values.map((_, i) => i).sort((a, b) => values[a]! - values[b]! || a - b);
    expect(byHeight(heights)).toEqual(byHeight(COUNTS));
    expect(heights[0]! / heights[1]!).toBeCloseTo(2 / 5, 2);

    const json = await historyJson(period);
    expect(json.plays).toBe(11);
    const shown = texts(response.body);
    expect(shown).toContain(`11 plays · ${json.minutes} min from ${period.from} to ${period.to}`);
    expect(shown).toEqual(expect.arrayContaining([period.from, period.to]));
    const top = json.topArtists.slice(0, 3) as { name: string; plays: number }[];
    expect(top).toHaveLength(3);
    for (const artist of top) expect(shown).toContain(artist.name);
    expect(shown.filter((text) => / plays?$/.test(text) && !text.includes('·'))).toEqual(top.map((artist) => `${artist.plays} ${artist.plays === 1 ? 'play' : 'plays'}`));
    // The artist of the most played track leads.
    expect(top[0]!.name).toBe(tracks()[0]!.artists[0]!.name);
    expect(response.body).toContain(`aria-label="Listening history, 11 plays`);
  });

  it('notes a history whose collecting started inside the period, and draws the last 30 days by default', async () => {
    await service.connect();
    await fiveDays();
    const today = new Date().toISOString().slice(0, 10);
    const svg = (await historyCard()).body;
    expect(barHeights(svg)).toHaveLength(30);
    expect(texts(svg)).toContain(`Collecting since ${today}`);
    expect(texts(svg)).toContain(`11 plays · ${(await historyJson({ days: '30' })).minutes} min in the last 30 days`);
  });

  it("leaves out what the owner's settings hide: the hidden artist's plays and name", async () => {
    const cookie = sessionCookieOf(await service.connect())!;
    const period = await fiveDays();
    const hidden = tracks()[0]!.artists[0]!;
    const settings = { hiddenArtists: [hidden.id], hiddenTracks: [], hideExplicit: false, cleanTitles: false, defaults: { timeRange: 'short_term', limit: 5, theme: 'light' } };
    const saved = await ownerSettings({ method: 'PUT', cookies: [cookie], body: JSON.stringify(settings), headers: { 'content-type': 'application/json', origin: 'http://127.0.0.1:3000' } });
    expect(saved.statusCode).toBe(200);
    const svg = (await historyCard(period)).body;
    expect(svg).not.toContain(hidden.name);
    const json = await historyJson(period);
    expect(json.plays).toBeLessThan(11);
    expect(texts(svg)).toContain(`${json.plays} plays · ${json.minutes} min from ${period.from} to ${period.to}`);
    for (const artist of json.topArtists.slice(0, 3)) expect(texts(svg)).toContain(artist.name);
  });

  it('takes the owner\'s default theme and the card options', async () => {
    const cookie = sessionCookieOf(await service.connect())!;
    const period = await fiveDays();
    const settings = { hiddenArtists: [], hiddenTracks: [], hideExplicit: false, cleanTitles: false, defaults: { timeRange: 'short_term', limit: 5, theme: 'dark' } };
    await ownerSettings({ method: 'PUT', cookies: [cookie], body: JSON.stringify(settings), headers: { 'content-type': 'application/json', origin: 'http://127.0.0.1:3000' } });
    expect((await historyCard(period)).body).toContain('fill="#121212"');
    const styled = (await historyCard({ ...period, theme: 'paper', width: '640', title: 'My week' })).body;
    expect(styled).toMatch(/^<svg [^>]*width="640"/);
    expect(styled).toContain('fill="#f6f1e7"');
    expect(texts(styled)[0]).toBe('My week');
  });

  it('escapes the names it draws', async () => {
    await service.connect();
    const track = tracks()[0]!;
    const hostile = { ...track, artists: [{ ...track.artists[0]!, name: '<script>alert("&")</script>' }] };
    const period = await fiveDays([hostile]);
    const svg = (await historyCard(period)).body;
    expect(svg).not.toContain('<script');
    expect(svg).toContain('&#60;script&#62;alert(&#34;&#38;&#34;)&#60;/script&#62;');
  });

  it('is kept for HISTORY_CACHE_SECONDS (Cache-Control and ETag), answers 304 to its ETag, and no-cache with 0', async () => {
    process.env.HISTORY_CACHE_SECONDS = '300';
    await service.connect();
    const period = await fiveDays();
    const first = await historyCard(period);
    expect(first.headers['Cache-Control']).toMatch(/^public, max-age=(299|300), stale-while-revalidate=300$/);
    const again = await historyCard(period, { headers: { 'if-none-match': first.headers.ETag! } });
    expect(again.statusCode).toBe(304);
    process.env.HISTORY_CACHE_SECONDS = '0';
    expect((await historyCard(period)).headers['Cache-Control']).toBe('no-cache');
  });

  it.each([
    [{ days: '0' }, 'days must be a whole number from 1 to 365, or all.'],
    [{ days: '366' }, 'days must be a whole number from 1 to 365, or all.'],
    [{ from: '2026-02-30' }, 'from must be a date written YYYY-MM-DD.'],
    [{ to: '2026-12-01' }, 'from must be given with to'],
    [{ from: '2000-01-01', to: '2026-01-01' }, 'from must be 2008-10-01 or later: Spotify keeps nothing older.'],
    [{ days: '7', from: '2026-12-01' }, 'days cannot be given with from or to'],
    [{ width: '900' }, 'width must be a whole number from 300 to 800.'],
    [{ theme: 'neon' }, 'theme must be one of'],
  ])('refuses %j with a 400 card naming the parameter', async (query: Record<string, string>, message) => {
    await service.connect();
    const response = await historyCard({ ...query, ...(query.theme ? {} : { theme: 'dark' }) });
    expect(response.statusCode).toBe(400);
    expect(response.headers['Content-Type']).toMatch(/^image\/svg\+xml/);
    expect(response.headers['Cache-Control']).toBe('no-store');
    const shown = texts(response.body).join(' ');
    expect(shown).toContain('This card link is not valid');
    expect(shown).toContain(message.split(' ')[0]!);
    expect(response.body).toContain(`aria-label="This card link is not valid. ${message.replace(/"/g, '&#34;')}`);
    // The error card keeps the query's valid look.
    if (!query.theme) expect(response.body).toContain('fill="#121212"');
  });

  it('draws "Spotify is not connected yet" (200) while nobody is connected', async () => {
    const response = await historyCard();
    expect(response.statusCode).toBe(200);
    expect(texts(response.body)).toContain('Spotify is not connected yet');
  });

  it('draws "Nothing collected yet" (200) before the collector stored anything', async () => {
    await service.connect();
    const response = await historyCard();
    expect(response.statusCode).toBe(200);
    expect(texts(response.body)).toContain('Nothing collected yet');
    expect(response.body).not.toContain('class="day');
  });
});
