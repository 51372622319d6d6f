/**
 * The history's numbers (lib/listening/history-numbers.ts), the one place plays are counted: a
 * day from its plays, a month from its days, a period from days or months, what the settings hide
 * left out, and the top lists. Checked against counting every play directly, and, for three years
 * at 1,000 plays a day and 10,000 distinct tracks a month, through the stored format's parts
 * (history-format.ts): every item stays under its bound and the year's top 10 is the one every
 * play gives.
 */
import { describe, expect, it } from 'vitest';
import { AGGREGATE_ITEM_BYTES, decodeTracks, DYNAMODB_ITEM_BYTES, itemBytes, packTracks, PART_BYTES } from '../../../lib/listening/history-format';
import { aggregateDay, periodNumbers, ranked, rollUp, sumTracks, TopCounts, totalsOf, visibleDay, type CountedPlay, type DayAggregate, type MonthAggregate } from '../../../lib/listening/history-numbers';
import { DEFAULT_SETTINGS } from '../../../lib/owner/settings';
import { datesBetween, DirectCount, heavyListener } from '../../support/heavy-listening';
import { prng } from '../../support/spotify-emulator/util';

const play = (id: string, durationMs: number, artists: string[], explicit = false): CountedPlay => ({ track: { id, durationMs, explicit, credits: artists.map((artist) => ({ id: artist })) } });

describe("a day's aggregate", () => {
  it('counts each play once for its track, with its duration, its artists and explicit flag; totals are the sums', () => {
    const day = aggregateDay('2026-03-01', [play('a', 100, ['x', 'y']), play('b', 50, ['y'], true), play('a', 100, ['x', 'y']), play('c', 10, ['', 'z'])]);
    expect(day).toEqual({
      date: '2026-03-01',
      plays: 4,
      ms: 260,
      tracks: [
        { id: 'a', plays: 2, ms: 200, explicit: false, artistIds: ['x', 'y'] },
        { id: 'b', plays: 1, ms: 50, explicit: true, artistIds: ['y'] },
        // A credit without an id (a local artist) counts for no artist.
        { id: 'c', plays: 1, ms: 10, explicit: false, artistIds: ['z'] },
      ],
    });
    expect(aggregateDay('2026-03-02', [])).toEqual({ date: '2026-03-02', plays: 0, ms: 0, tracks: [] });
  });

  it('sums tracks by id without changing its inputs', () => {
    const a = { id: 'a', plays: 2, ms: 20, explicit: false, artistIds: ['x'] };
    const summed = sumTracks([a, { ...a, plays: 3, ms: 30 }, { id: 'b', plays: 1, ms: 5, explicit: true, artistIds: [] }]);
    expect(summed).toEqual([
      { id: 'a', plays: 5, ms: 50, explicit: false, artistIds: ['x'] },
      { id: 'b', plays: 1, ms: 5, explicit: true, artistIds: [] },
    ]);
    expect(a).toEqual({ id: 'a', plays: 2, ms: 20, explicit: false, artistIds: ['x'] });
    expect(totalsOf(summed)).toEqual({ plays: 6, ms: 55 });
  });

  it('as the settings let it be seen: hidden artists, tracks and explicit tracks out of its tracks and totals', () => {
    const day = aggregateDay('2026-03-01', [play('a', 100, ['x']), play('b', 50, ['y'], true), play('c', 10, ['z', 'x'])]);
    expect(visibleDay(day, { ...DEFAULT_SETTINGS, hiddenArtists: ['x'] })).toMatchObject({ plays: 1, ms: 50, tracks: [{ id: 'b' }] });
    expect(visibleDay(day, { ...DEFAULT_SETTINGS, hideExplicit: true })).toMatchObject({ plays: 2, ms: 110 });
    expect(visibleDay(day, { ...DEFAULT_SETTINGS, hiddenTracks: ['a'] })).toMatchObject({ plays: 2, ms: 60 });
  });
});

describe("a month's roll-up", () => {
  it("keeps each day's totals and merges the tracks: its counts are the sums of its days'", () => {
    const days = [aggregateDay('2026-03-01', [play('a', 100, ['x']), play('b', 50, ['y'])]), aggregateDay('2026-03-02', [play('a', 100, ['x'])])];
    expect(rollUp('2026-03', days)).toEqual({
      month: '2026-03',
      plays: 3,
      ms: 250,
      days: [
        { date: '2026-03-01', plays: 2, ms: 150 },
        { date: '2026-03-02', plays: 1, ms: 100 },
      ],
      tracks: [
        { id: 'a', plays: 2, ms: 200, explicit: false, artistIds: ['x'] },
        { id: 'b', plays: 1, ms: 50, explicit: false, artistIds: ['y'] },
      ],
    });
  });
});

describe("a period's numbers", () => {
  it('answers every day of the period (none stored: no plays), the totals, and an artist counting every play of every track crediting it', () => {
    const days = [aggregateDay('2026-03-01', [play('a', 120_000, ['x', 'y']), play('b', 60_000, ['y'])]), aggregateDay('2026-03-03', [play('a', 120_000, ['x', 'y'])])];
    const numbers = periodNumbers({ from: '2026-03-01', to: '2026-03-04' }, days, days.flatMap((day) => day.tracks));
    expect(numbers).toEqual({
      plays: 3,
      minutes: 5,
      days: [
        { date: '2026-03-01', plays: 2, minutes: 3 },
        { date: '2026-03-02', plays: 0, minutes: 0 },
        { date: '2026-03-03', plays: 1, minutes: 2 },
        { date: '2026-03-04', plays: 0, minutes: 0 },
      ],
      topArtists: [
        { id: 'y', plays: 3 },
        { id: 'x', plays: 2 },
      ],
      topTracks: [
        { id: 'a', plays: 2 },
        { id: 'b', plays: 1 },
      ],
    });
  });

  it("counts an artist every play of every track crediting it, the track's credits being its first entry's, given as ids or as written", () => {
    const fromIds = new TopCounts();
    const fromText = new TopCounts();
    for (const [id, plays, artists] of [['a', 2, ['x', 'y']], ['b', 1, ['y']], ['a', 3, ['z']], ['c', 4, []]] as const) {
      fromIds.add(id, plays, artists);
      fromText.add(id, plays, artists.join(','));
    }
    for (const counts of [fromIds, fromText]) {
      expect(ranked(counts.tracks)).toEqual([{ id: 'a', plays: 5 }, { id: 'c', plays: 4 }, { id: 'b', plays: 1 }]);
      // A month's roll-up keeps a track's first credits (sumTracks): the period counts it alike.
      expect(ranked(counts.artists())).toEqual([{ id: 'y', plays: 6 }, { id: 'x', plays: 5 }]);
    }
  });

  it('ranks the top 10 by plays, ties by id, as sorting every entry would', () => {
    const random = prng(3);
    const counts = new Map(Array.from({ length: 500 }, (_, i) => [`t${String(i).padStart(3, '0')}`, 1 + Math.floor(random() * 20)] as const));
    const sorted = [...counts].map(([id, plays]) => ({ id, plays })).sort((a, b) => b.plays - a.plays || (a.id < b.id ? -1 : 1));
    expect(ranked(counts)).toEqual(sorted.slice(0, 10));
    expect(ranked(new Map([['b', 1], ['a', 1]]))).toEqual([{ id: 'a', plays: 1 }, { id: 'b', plays: 1 }]);
  });
});

describe('three years at 1,000 plays a day and 10,000 distinct tracks a month', () => {
  it("keeps every stored item under its bound, and a year's totals, days and top 10 are exactly those of every play", () => {
    const listener = heavyListener();
    const months = new Map<string, DayAggregate[]>();
    const direct = new Map<string, DirectCount>();
    let largestDay = 0;
    for (const date of datesBetween('2023-01-01', '2025-12-31')) {
      const plays = listener.day(date);
      const year = date.slice(0, 4);
      (direct.get(year) ?? direct.set(year, new DirectCount()).get(year)!).add(date, plays);
      const day = aggregateDay(date, plays);
      // The first days of a month play 1,000 distinct tracks each: the largest days.
      if (date.endsWith('-01')) largestDay = Math.max(largestDay, ...packTracks(day.tracks).map((part) => Buffer.byteLength(part)));
      const month = date.slice(0, 7);
      months.set(month, [...(months.get(month) ?? []), day]);
    }
    expect(largestDay).toBeLessThanOrEqual(PART_BYTES);

    // Each month as stored: its parts, each item sized as DynamoDB sizes it, then read back.
    const stored: MonthAggregate[] = [];
    let largestItem = 0;
    for (const [month, days] of months) {
      const rolled = rollUp(month, days);
      expect(rolled.tracks).toHaveLength(listener.distinctPerMonth);
      const parts = packTracks(rolled.tracks);
      // One item would not have fitted: the month's tracks alone are past DynamoDB's limit.
      expect(parts.join(';').length).toBeGreaterThan(DYNAMODB_ITEM_BYTES);
      const daysText = rolled.days.map((day) => `${day.date.slice(8)}:${day.plays}:${day.ms}`).join(';');
      const pk = 'month#a-spotify-user-id-of-thirty-chars';
      const items = parts.map((tracksText, n) =>
        n === 0
          ? { pk, sk: month, plays: rolled.plays, ms: rolled.ms, parts: parts.length, writeId: 'abcdef12', tracks: tracksText, days: daysText, writtenAt: Date.now(), ttl: 2_000_000_000 }
          : { pk, sk: `${month}#abcdef12#${n}`, tracks: tracksText, writtenAt: Date.now(), ttl: 2_000_000_000 },
      );
      for (const item of items) largestItem = Math.max(largestItem, itemBytes(item));
      stored.push({ ...rolled, tracks: decodeTracks(parts.join(';')) });
    }
    expect(largestItem).toBeLessThanOrEqual(AGGREGATE_ITEM_BYTES);
    expect(AGGREGATE_ITEM_BYTES).toBeLessThan(DYNAMODB_ITEM_BYTES);
    console.log(`three heavy years: largest day part ${largestDay} bytes, largest month item ${largestItem} bytes (bound ${AGGREGATE_ITEM_BYTES})`);

    for (const [year, counted] of direct) {
      const yearMonths = stored.filter((month) => month.month.startsWith(year));
      const numbers = periodNumbers({ from: `${year}-01-01`, to: `${year}-12-31` }, yearMonths.flatMap((month) => month.days), yearMonths.flatMap((month) => month.tracks));
      expect(numbers.plays).toBe(counted.plays);
      expect(numbers.minutes).toBe(Math.round(counted.ms / 60_000));
      expect(numbers.days.map((day) => day.plays)).toEqual([...counted.days.values()]);
      expect(numbers.topTracks).toEqual(counted.topTracks());
      expect(numbers.topArtists).toEqual(counted.topArtists());
    }
  }, 60_000);
});
