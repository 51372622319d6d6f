/**
 * The history card (/history.svg): bars scaled to the busiest day, thin periods drawn by week,
 * every text escaped and inside the card at 300 and 800 px, the subtitle's totals, the notes of an
 * incomplete history, the empty states, the label; and its query, held to /history's answers.
 */
import { describe, expect, it } from 'vitest';
import { duration, historyBars, MIN_BAR, renderHistoryCard } from '../../../../lib/features/card/history-render';
import { parseHistoryCardQuery } from '../../../../lib/features/card/query';
import { parseHistoryQuery } from '../../../../lib/features/history/query';
import { errorAnswer } from '../../../../lib/http/errors';
import type { History } from '../../../../lib/listening/history';
import { addDays } from '../../../../lib/platform/time';
import { expectWellFormed, extentOf, svgSize, textsOf } from './svg-checks';

const TODAY = '2026-11-30';
const CALENDAR = { today: TODAY, timeZone: 'UTC' };

/** A history of the days up to TODAY with these plays (oldest first), three plays a minute. */
function historyOf(plays: number[], overrides: Partial<History> = {}): History {
  const days = plays.map((count, index) => ({ date: addDays(TODAY, index - plays.length + 1), plays: count, minutes: count * 3 }));
  const total = plays.reduce((sum, count) => sum + count, 0);
  return {
    from: days[0]!.date,
    to: TODAY,
    by: 'day',
    plays: total,
    minutes: total * 3,
    days,
    months: [],
    topArtists: [
      { id: 'a1', name: 'Velvet Harbor', plays: 12 },
      { id: 'a2', name: 'Neon Foxes', plays: 7 },
      { id: 'a3', name: 'The Liner Notes', plays: 3 },
      { id: 'a4', name: 'Fourth Artist', plays: 1 },
    ],
    topTracks: [],
    complete: true,
    gaps: [],
    collectingSince: '2025-01-01T00:00:00.000Z',
    sources: { collected: { since: '2025-01-01T00:00:00.000Z' }, imported: null },
    ...overrides,
  };
}

const rects = (svg: string, unit: 'day' | 'week') =>
  [...svg.matchAll(new RegExp(`<rect class="${unit} accent" x="([\\d.]+)" y="([\\d.]+)" width="([\\d.]+)" height="([\\d.]+)"`, 'g'))].map(([, x, y, width, height]) => ({
    x: Number(x),
    y: Number(y),
    width: Number(width),
    height: Number(height),
  }));
const words = (svg: string) => textsOf(svg).map((text) => text.text);
const labelOf = (svg: string) => /aria-label="([^"]*)"/.exec(svg)?.[1] ?? '';

describe('the history card', () => {
  it('draws one bar a day, scaled to the busiest day, on a baseline, bottoms aligned, left to right', () => {
    const svg = renderHistoryCard(historyOf([3, 0, 6, 1, 2, 0, 4]), {}, CALENDAR);
    expectWellFormed(svg);
    const bars = rects(svg, 'day');
    expect(bars).toHaveLength(7);
    expect(bars.map((bar) => bar.height)).toEqual([44, 0, 88, 14.67, 29.33, 0, 58.67]);
    const bottoms = new Set(bars.map((bar) => Math.round((bar.y + bar.height) * 100) / 100));
    expect(bottoms.size).toBe(1);
    const [bottom] = [...bottoms];
    expect(svg).toContain(`<rect class="baseline" x="16" y="${bottom}" width="368" height="1"`);
    for (let i = 1; i < bars.length; i++) expect(bars[i]!.x).toBeGreaterThan(bars[i - 1]!.x + bars[i - 1]!.width);
    expect(rects(svg, 'week')).toEqual([]);
  });

  it('keeps a bar with plays visible however busy the busiest day, and ordered like the counts', () => {
    const { bars } = historyBars(historyOf([1, 2, 1000]).days, 368);
    expect(bars.map((bar) => bar.height)).toEqual([MIN_BAR, MIN_BAR, 88]);
    expect(historyBars(historyOf([0, 0]).days, 368).bars.map((bar) => bar.height)).toEqual([0, 0]);
  });

  it('draws a week a bar when a day would be under 1.5 px: 365 days at 300 and 400 px, every play counted, the latest week full', () => {
    const plays = Array.from({ length: 365 }, (_, i) => i % 5);
    const total = plays.reduce((sum, n) => sum + n, 0);
    for (const width of [300, 400]) {
      const svg = renderHistoryCard(historyOf(plays), { width }, CALENDAR);
      expect(rects(svg, 'day')).toEqual([]);
      const weeks = rects(svg, 'week');
      expect(weeks).toHaveLength(53);
      expect(weeks.every((bar) => bar.width >= MIN_BAR)).toBe(true);
      expect(words(svg)).toContain('by week');
      expect(labelOf(svg)).toContain('plays per week');
    }
    const { unit, bars } = historyBars(historyOf(plays).days, 268);
    expect(unit).toBe('week');
    expect(bars.reduce((sum, bar) => sum + bar.plays, 0)).toBe(total);
    expect(bars.at(-1)).toMatchObject({ from: addDays(TODAY, -6), to: TODAY });
    expect(bars[0]).toMatchObject({ from: addDays(TODAY, -364), to: addDays(TODAY, -364) });
  });

  it('keeps a bar a day where each is at least 1.5 px: 365 days at 800 px, 134 at 300 (135 would not fit)', () => {
    const svg = renderHistoryCard(historyOf(Array.from({ length: 365 }, () => 1)), { width: 800 }, CALENDAR);
    const days = rects(svg, 'day');
    expect(days).toHaveLength(365);
    expect(days.every((bar) => bar.width >= MIN_BAR)).toBe(true);
    expect(words(svg)).not.toContain('by week');
    expect(historyBars(historyOf(Array.from({ length: 134 }, () => 1)).days, 268).unit).toBe('day');
    expect(historyBars(historyOf(Array.from({ length: 135 }, () => 1)).days, 268).unit).toBe('week');
  });

  it('says the totals and the period in the subtitle, the dates at the ends of the bars, and the top three artists with their plays', () => {
    const plays = Array.from({ length: 30 }, (_, i) => (i === 0 ? 1204 : 1));
    const svg = renderHistoryCard({ ...historyOf(plays), minutes: 3_365 }, {}, CALENDAR);
    const texts = words(svg);
    expect(texts).toContain('Listening history');
    expect(texts).toContain('1,233 plays · 56 h in the last 30 days');
    expect(texts).toContain('2026-11-01');
    expect(texts).toContain('2026-11-30');
    expect(texts).toEqual(expect.arrayContaining(['Top artists', '1', 'Velvet Harbor', '12 plays', '2', 'Neon Foxes', '7 plays', '3', 'The Liner Notes', '3 plays']));
    expect(texts).not.toContain('Fourth Artist');
    expect(svg.match(/<g class="artist">/g)).toHaveLength(3);
    expect(texts.at(-1)).toBe('Data from Spotify');
  });

  it('names a period that does not end today by its dates, and one day by its date', () => {
    const older = { ...historyOf([1, 2]), from: '2026-10-01', to: '2026-10-02' };
    expect(words(renderHistoryCard(older, { width: 800 }, CALENDAR))).toContain('3 plays · 9 min from 2026-10-01 to 2026-10-02');
    const one = { ...historyOf([1]), from: '2026-10-01', to: '2026-10-01', days: [{ date: '2026-10-01', plays: 1, minutes: 3 }] };
    const texts = words(renderHistoryCard(one, { width: 800 }, CALENDAR));
    expect(texts).toContain('1 play · 3 min on 2026-10-01');
    expect(texts.filter((text) => text === '2026-10-01')).toHaveLength(1);
    expect(words(renderHistoryCard(historyOf([5]), {}, CALENDAR))).toContain('5 plays · 15 min today');
  });

  it('says time in minutes under an hour, else in whole hours', () => {
    expect([duration(0), duration(59), duration(60), duration(89), duration(90), duration(60_000)]).toEqual(['0 min', '59 min', '1 h', '1 h', '2 h', '1,000 h']);
  });

  it('shortens the subtitle rather than cut it where the card is narrow', () => {
    const plays = Array.from({ length: 365 }, () => 40);
    const texts = words(renderHistoryCard({ ...historyOf(plays), minutes: 876_000 }, { width: 300 }, CALENDAR));
    expect(texts).toContain('14,600 plays · 14,600 h · 365 days');
    expect(texts.some((text) => text.endsWith('…'))).toBe(false);
  });

  it('escapes every text: artist names and the title', () => {
    const hostile = historyOf([1, 2], {
      topArtists: [{ id: 'x', name: '<script>alert("&")</script> \u0007\'', plays: 2 }],
    });
    const svg = renderHistoryCard(hostile, { title: 'My <b>history</b> & "more"' }, CALENDAR);
    expectWellFormed(svg);
    expect(svg).not.toContain('<script');
    expect(svg).not.toContain('<b>');
    expect(svg).toContain('&#60;script&#62;alert(&#34;&#38;&#34;)&#60;/script&#62;');
    expect(words(svg)).toContain('My <b>history</b> & "more"');
    expect(svg.match(/https?:\/\/[^"\s<]*/g)).toEqual(['http://www.w3.org/2000/svg']);
    expect(svg).not.toMatch(/<image|href=|on\w+=/i);
  });

  it.each([300, 800])('keeps every text inside the card at %i px, long names and notes included', (width) => {
    const long = historyOf(Array.from({ length: 30 }, (_, i) => i), {
      topArtists: [
        { id: 'a', name: `${'Wonderful Mammoth '.repeat(8)}Orchestra`, plays: 123_456 },
        { id: 'b', name: '🎸'.repeat(60), plays: 2 },
        { id: 'c', name: 'WWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWW', plays: 1 },
      ],
      complete: false,
      gaps: [{ from: '2026-11-10T00:00:00.000Z', to: '2026-11-11T00:00:00.000Z' }, { from: '2026-11-20T00:00:00.000Z', to: '2026-11-21T00:00:00.000Z' }],
      collectingSince: '2026-11-05T10:00:00.000Z',
    });
    const svg = renderHistoryCard(long, { width, title: 'A title that takes all sixty characters it may have, or more' }, CALENDAR);
    expectWellFormed(svg);
    expect(svgSize(svg).width).toBe(width);
    const texts = textsOf(svg);
    expect(texts.length).toBeGreaterThan(10);
    for (const text of texts) {
      const { left, right } = extentOf(text);
      expect(right, text.text).toBeLessThanOrEqual(width - 16 + 0.01);
      expect(left, text.text).toBeGreaterThanOrEqual(8);
    }
    // Each artist's name ends before its plays begin.
    const names = texts.filter((text) => text.kind === 'name').map(extentOf);
    const plays = texts.filter((text) => text.kind === 'detail' && / plays?$/.test(text.text)).map(extentOf);
    names.forEach((name, index) => expect(name.right).toBeLessThanOrEqual(plays[index]!.left - 8 + 0.01));
    // The bars stay inside too.
    for (const bar of rects(svg, 'day')) expect(bar.x + bar.width).toBeLessThanOrEqual(width - 16 + 0.01);
  });

  it('notes a history that started inside the period, gaps, and anything else incomplete; nothing when complete', () => {
    const notes = (overrides: Partial<History>) => textsOf(renderHistoryCard(historyOf([1, 2, 3], overrides), { width: 800 }, CALENDAR)).filter((text) => svgNote(text.text));
    const svgNote = (text: string) => text.startsWith('Collecting') || text.startsWith('Incomplete');
    expect(notes({})).toEqual([]);
    expect(notes({ complete: false, collectingSince: '2026-11-29T08:00:00.000Z' }).map((note) => note.text)).toEqual(['Collecting since 2026-11-29']);
    expect(notes({ complete: false, gaps: [{ from: '2026-11-29T01:00:00.000Z', to: '2026-11-29T05:00:00.000Z' }] }).map((note) => note.text)).toEqual([
      'Incomplete: a gap where Spotify no longer had the plays',
    ]);
    expect(notes({ complete: false }).map((note) => note.text)).toEqual(['Incomplete: plays this old are no longer kept']);
    const both = renderHistoryCard(historyOf([1, 2, 3], { complete: false, collectingSince: '2026-11-29T08:00:00.000Z', gaps: [{ from: 'a', to: 'b' }, { from: 'c', to: 'd' }] }), { width: 800 }, CALENDAR);
    expect(words(both)).toContain('Collecting since 2026-11-29 · Incomplete: 2 gaps where Spotify no longer had the plays');
    expect(labelOf(both)).toContain('Collecting since 2026-11-29. Incomplete: 2 gaps');
  });

  it('says the collecting date in the history\'s time zone', () => {
    const svg = renderHistoryCard(historyOf([1, 2, 3], { complete: false, collectingSince: '2026-11-29T02:00:00.000Z' }), {}, { today: TODAY, timeZone: 'America/New_York' });
    expect(words(svg)).toContain('Collecting since 2026-11-28');
  });

  it('grows to hold the notes: a note adds its line to the height', () => {
    const height = (history: History) => svgSize(renderHistoryCard(history, {}, CALENDAR)).height;
    expect(height(historyOf([1], { complete: false }))).toBe(height(historyOf([1])) + 18);
  });

  it('draws "Nothing collected yet" as a message card before the collector stored anything', () => {
    const svg = renderHistoryCard(historyOf([0, 0, 0], { collectingSince: null, complete: false, topArtists: [] }), { theme: 'dark', width: 300 }, CALENDAR);
    expectWellFormed(svg);
    expect(words(svg)).toContain('Nothing collected yet');
    expect(svg).not.toContain('class="day');
    expect(svgSize(svg).width).toBe(300);
    expect(svg).toContain('fill="#121212"');
    for (const text of textsOf(svg)) expect(extentOf(text).right, text.text).toBeLessThanOrEqual(300 - 16 + 0.01);
  });

  it('draws a quiet period with a baseline and says there were no plays, no artist rows', () => {
    const svg = renderHistoryCard(historyOf([0, 0, 0], { topArtists: [] }), {}, CALENDAR);
    expectWellFormed(svg);
    expect(words(svg)).toContain('No plays in this period');
    expect(words(svg)).toContain('0 plays · 0 min in the last 3 days');
    expect(words(svg)).not.toContain('Top artists');
    expect(svg).toContain('class="baseline"');
    expect(rects(svg, 'day').map((bar) => bar.height)).toEqual([0, 0, 0]);
    expect(labelOf(svg)).toContain('No plays in this period.');
  });

  it('labels the card for screen readers: the period, its totals and the top artists', () => {
    const svg = renderHistoryCard(historyOf([1, 2, 3]), {}, CALENDAR);
    const label = 'Listening history, 6 plays · 18 min in the last 3 days (2026-11-28 to 2026-11-30, plays per day). Top artists: Velvet Harbor (12 plays), Neon Foxes (7 plays), The Liner Notes (3 plays).';
    expect(labelOf(svg)).toBe(label);
    expect(svg).toContain(`<title>${label}</title>`);
  });

  it('takes the card options: theme, colours, width, radius, border, title; images=0 changes nothing (the history has no pictures)', () => {
    const history = historyOf([1, 2, 3]);
    const plain = renderHistoryCard(history, {}, CALENDAR);
    expect(renderHistoryCard(history, { images: false }, CALENDAR)).toBe(plain);
    const styled = renderHistoryCard(history, { theme: 'spotify', width: 640, radius: 0, border: false, accent: '#ff0088', title: 'My year' }, CALENDAR);
    expect(svgSize(styled)).toMatchObject({ width: 640 });
    expect(styled).toContain('<rect width="640" height=');
    expect(styled).toContain('rx="0" fill="#191414"/>');
    expect(styled).toContain('.accent{fill:#ff0088}');
    expect(words(styled)[0]).toBe('My year');
    expect(rects(styled, 'day').at(-1)!.height).toBe(88);
  });
});

describe('parseHistoryCardQuery', () => {
  const refusal = (parse: () => unknown) => {
    try {
      parse();
    } catch (error) {
      return errorAnswer(error);
    }
    return undefined;
  };

  it('defaults to the last 30 days, and takes the look', () => {
    expect(parseHistoryCardQuery(undefined, TODAY)).toEqual({ period: { from: '2026-11-01', to: TODAY }, theme: 'light', width: 400, radius: 12, images: true, border: true });
    expect(parseHistoryCardQuery({ theme: 'dark', width: '800' }, TODAY, { theme: 'paper' })).toMatchObject({ theme: 'dark', width: 800 });
    expect(parseHistoryCardQuery({}, TODAY, { theme: 'paper' }).theme).toBe('paper');
    expect(refusal(() => parseHistoryCardQuery({ width: '900' }, TODAY))).toMatchObject({ status: 400, message: 'width must be a whole number from 300 to 800.' });
  });

  it.each([
    {},
    { days: '1' },
    { days: '7' },
    { days: '365' },
    { days: '0' },
    { days: '366' },
    { days: 'week' },
    { days: '07' },
    { days: '' },
    { from: '2026-11-01', to: '2026-11-30' },
    { from: '2026-11-01' },
    { from: '2026-02-30' },
    { from: '2026-2-3' },
    { from: '2026-12-01', to: 'yesterday' },
    { to: '2026-12-01' },
    { from: '2026-12-02', to: '2026-12-01' },
    { from: '2024-01-01', to: '2026-01-01' },
    { from: '2025-12-01', to: '2026-11-30' },
    { from: '2025-11-30', to: '2026-11-30' },
    { days: '7', from: '2026-12-01' },
    { days: 'x', from: '2026-12-01' },
  ])('answers %j as /history does: the same period, or the same refusal', (params) => {
    const history = refusal(() => parseHistoryQuery(params, TODAY));
    const card = refusal(() => parseHistoryCardQuery(params, TODAY));
    expect(card).toEqual(history);
    if (history) return;
    // Only the default differs: /history's 7 days, the card's 30.
    const expected = parseHistoryQuery(params.days === undefined && params.from === undefined ? { days: '30' } : params, TODAY);
    expect(parseHistoryCardQuery(params, TODAY).period).toEqual(expected);
  });
});
