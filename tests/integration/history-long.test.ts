/**
 * The whole listening life: a period over 365 days (up to everything stored, `days=all`) answered
 * month by month from the month roll-ups alone, as /history's JSON and as the card's monthly (or
 * yearly) bars; whole months, the owner's hidden artists left out, and the numbers those of every
 * day stored. The plays are seeded as the collector and the import store their aggregates.
 */
import { describe, expect, it, vi } from 'vitest';
import { putDay } from '../../lib/listening/history-aggregates';
import { aggregateDay, periodNumbers, type DayAggregate } from '../../lib/listening/history-numbers';
import { rollUpMonths } from '../../lib/listening/history-rewrite';
import { putCatalogue, type PlayedTrack } from '../../lib/listening/history-store';
import { documentClient } from '../../lib/platform/dynamo';
import { addDays } from '../../lib/platform/time';
import { history, useHistoryDefaults } from '../support/history';
import { historyCard, ownerSettings, sessionCookieOf, useService, type Result } from '../support/service';
import { OWNER_ID } from '../support/spotify-emulator';

const service = useService();
useHistoryDefaults();

const body = (response: Result) => JSON.parse(response.body);
const today = () => new Date().toISOString().slice(0, 10);

const TRACKS: PlayedTrack[] = Array.from({ length: 6 }, (_, n) => ({
  id: `track${String(n).padStart(17, '0')}`,
  name: `Track ${n}`,
  credits: [{ id: `artist${String(n % 3).padStart(16, '0')}`, name: `Artist ${n % 3}` }],
  album: '',
  durationMs: 180_000,
  explicit: false,
}));

/** Days of plays on the 3rd and the 17th of each month from `firstMonth` for `months` months: track n played n+1 times a day, shifted by month. */
async function seedMonths(firstMonth: string, months: number): Promise<DayAggregate[]> {
  const days: DayAggregate[] = [];
  for (let m = 0; m < months; m++) {
    const start = `${firstMonth}-01`;
    let month = start;
    for (let i = 0; i < m; i++) month = `${addDays(`${month.slice(0, 7)}-28`, 5).slice(0, 7)}-01`;
    for (const dayOfMonth of ['03', '17']) {
      const date = `${month.slice(0, 7)}-${dayOfMonth}`;
      if (date > today()) continue;
      const plays = TRACKS.flatMap((track, n) => Array.from({ length: ((n + m) % TRACKS.length) + 1 }, () => ({ track })));
      const day = aggregateDay(date, plays);
      await putDay(OWNER_ID, day);
      days.push(day);
    }
  }
  await rollUpMonths(OWNER_ID, days.map((day) => day.date));
  await putCatalogue(OWNER_ID, TRACKS);
  return days;
}

const monthsBack = (count: number) => {
  const now = new Date();
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - (count - 1), 1)).toISOString().slice(0, 7);
};

describe('the whole listening life', { timeout: 60_000 }, () => {
  it('days=all over ten years: every month from the first stored, from the month roll-ups alone, the numbers those of every day', async () => {
    await service.connect();
    const first = monthsBack(121);
    const days = await seedMonths(first, 121);
    const send = vi.spyOn(documentClient(), 'send');
    const answer = body(await history({ days: 'all' }));
    const read = send.mock.calls.map(([command]) => command as { input: { KeyConditionExpression?: string; ExpressionAttributeValues?: Record<string, string> } });
    // No day aggregate was read: only the months' (and the state, the gaps, the names).
    expect(read.some(({ input }) => input.ExpressionAttributeValues?.[':pk']?.startsWith('day#'))).toBe(false);

    const expected = periodNumbers({ from: `${first}-01`, to: today() }, days, days.flatMap((day) => day.tracks));
    expect(answer).toMatchObject({ by: 'month', from: `${first}-01`, to: today(), days: [], plays: expected.plays, minutes: expected.minutes });
    expect(answer.months).toHaveLength(121);
    expect(answer.months[0].month).toBe(first);
    expect(answer.months.reduce((sum: number, month: { plays: number }) => sum + month.plays, 0)).toBe(expected.plays);
    expect(answer.topTracks.map((track: { id: string; plays: number }) => [track.id, track.plays])).toEqual(expected.topTracks.map((track) => [track.id, track.plays]));
    expect(answer.topArtists.map((artist: { id: string; plays: number }) => [artist.id, artist.plays])).toEqual(expected.topArtists.map((artist) => [artist.id, artist.plays]));
    expect(answer.topArtists[0].name).toMatch(/^Artist \d$/);
  });

  it('a from and to over 365 days apart are whole months, and the same answer for any day of them', async () => {
    await service.connect();
    await seedMonths(monthsBack(26), 26);
    const from = `${monthsBack(25)}-09`;
    const to = addDays(`${monthsBack(2)}-01`, 3);
    const answer = body(await history({ from, to }));
    expect(answer).toMatchObject({ by: 'month', from: `${monthsBack(25)}-01`, to: addDays(`${monthsBack(1)}-01`, -1) });
    expect(answer.months).toHaveLength(24);
    expect(body(await history({ from: `${monthsBack(25)}-01`, to: addDays(`${monthsBack(1)}-01`, -1) }))).toEqual(answer);
    // 365 days or fewer stay day by day.
    expect(body(await history({ days: '365' }))).toMatchObject({ by: 'day', months: [] });
  });

  it('leaves out what the owner hides, month by month, without reading a day', async () => {
    const cookie = sessionCookieOf(await service.connect())!;
    await seedMonths(monthsBack(14), 14);
    const whole = body(await history({ days: 'all' }));
    const hidden = whole.topArtists[0];
    const settings = { hiddenArtists: [hidden.id], hiddenTracks: [], hideExplicit: false, cleanTitles: false, defaults: { timeRange: 'short_term', limit: 5, theme: 'light' } };
    const saved = await ownerSettings({ method: 'PUT', cookies: [cookie], body: JSON.stringify(settings), headers: { 'content-type': 'application/json', origin: 'http://127.0.0.1:3000' } });
    expect(saved.statusCode).toBe(200);
    const send = vi.spyOn(documentClient(), 'send');
    const answer = body(await history({ days: 'all' }));
    expect(answer.topArtists.map((artist: { id: string }) => artist.id)).not.toContain(hidden.id);
    expect(answer.plays).toBe(whole.plays - hidden.plays);
    const keys = send.mock.calls.map(([command]) => (command as { input: { ExpressionAttributeValues?: Record<string, string> } }).input.ExpressionAttributeValues?.[':pk'] ?? '');
    expect(keys.some((key) => key.startsWith('day#'))).toBe(false);
  });

  it('is drawn as monthly bars, and as yearly ones when a month\'s would be too thin', async () => {
    await service.connect();
    await seedMonths(monthsBack(30), 30);
    const card = await historyCard({ days: 'all' });
    expect(card.statusCode).toBe(200);
    expect(card.body.match(/<rect class="month accent"/g)).toHaveLength(30);
    expect(card.body).toContain('plays per month');
    expect(card.body).toContain(`since ${monthsBack(30)}`);
    const narrow = await historyCard({ days: 'all', width: '300' });
    const bars = narrow.body.match(/<rect class="(month|year) accent"/g) ?? [];
    expect(bars.length).toBeGreaterThan(0);
  });
});
