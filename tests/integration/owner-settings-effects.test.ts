/**
 * What the owner's settings do to every public answer (issue 12, point 4): hidden artists (and
 * tracks by them), hidden tracks and, with hideExplicit, explicit tracks appear in no endpoint and
 * no card, while lists are still filled to their limit from the one 50-item page; cleanTitles
 * tidies names (rawName keeps Spotify's); defaults fill what a query omits.
 */
import { describe, expect, it } from 'vitest';
import { card, highlights, nowPlaying, nowPlayingCard, ownerSettings, recentlyPlayed, sessionCookieOf, useService, type Result } from '../support/service';
import { OWNER_ID, type Artist, type Track } from '../support/spotify-emulator';

const service = useService();
const body = (response: Result) => JSON.parse(response.body);
const player = () => service.model.player(OWNER_ID);
const topArtists = () => service.model.topFor(OWNER_ID, 'artists', 'short_term') as Artist[];
const topTracks = () => service.model.topFor(OWNER_ID, 'tracks', 'short_term') as Track[];

const DEFAULTS = { hiddenArtists: [], hiddenTracks: [], hideExplicit: false, cleanTitles: false, defaults: { timeRange: 'short_term', limit: 5, theme: 'light' } };

/** Connects the owner and saves `settings` (over the defaults) through PUT /owner/settings. */
async function ownerWith(settings: Partial<typeof DEFAULTS> | Record<string, unknown>): Promise<void> {
  const cookie = sessionCookieOf(await service.connect());
  const response = await ownerSettings({
    method: 'PUT',
    cookies: [cookie!],
    headers: { 'content-type': 'application/json', origin: 'http://127.0.0.1:3000' },
    body: JSON.stringify({ ...DEFAULTS, ...settings }),
  });
  expect(response.statusCode, response.body).toBe(200);
}

const ids = (items: { id: string }[]) => items.map((item) => item.id);

describe('hidden artists', () => {
  it('never appear in the top artists, which are still filled to the limit', async () => {
    const hidden = ids(topArtists().slice(0, 2));
    await ownerWith({ hiddenArtists: hidden });
    const json = body(await highlights({ limit: '5' }));
    expect(json.artists).toHaveLength(5);
    expect(ids(json.artists)).toEqual(ids(topArtists().slice(2, 7)));
  });

  it('take their tracks out of the top tracks, the last plays, now playing and every card', async () => {
    const track = topTracks()[0]!;
    const artist = track.artists[0]!;
    await ownerWith({ hiddenArtists: [artist.id] });
    const byHidden = (tracks: { artists: string[] }[]) => tracks.filter((shown) => shown.artists.includes(artist.name));

    const top = body(await highlights({ type: 'tracks', limit: '10' }));
    expect(top.tracks).toHaveLength(10);
    expect(byHidden(top.tracks)).toEqual([]);

    const others = topTracks().filter((candidate) => !candidate.artists.some((credited) => credited.id === artist.id));
    player().setHistory([
      { track, playedAt: Date.now() - 60_000, context: null },
      { track: others[0]!, playedAt: Date.now() - 120_000, context: null },
    ]);
    player().play(track);
    const recent = body(await recentlyPlayed());
    expect(ids(recent.tracks)).toEqual([others[0]!.id]);

    const now = body(await nowPlaying());
    expect(now).toMatchObject({ isPlaying: false, progressMs: null });
    expect(now.item.id).toBe(others[0]!.id);

    for (const svg of [(await card({ type: 'tracks', limit: '10' })).body, (await card({ type: 'recent' })).body, (await nowPlayingCard()).body, (await card({ limit: '10' })).body]) {
      expect(svg).not.toContain(`>${artist.name}<`);
      expect(svg).not.toContain(`>${track.name}<`);
    }
  });
});

describe('hidden tracks and hideExplicit', () => {
  it('leave those tracks out, the list still full', async () => {
    const tracks = topTracks();
    const explicit = tracks.filter((track) => track.explicit);
    expect(explicit.length).toBeGreaterThan(0);
    await ownerWith({ hiddenTracks: [tracks[1]!.id], hideExplicit: true });
    const shown = body(await highlights({ type: 'tracks', limit: '20' })).tracks;
    expect(shown).toHaveLength(20);
    const expected = tracks.filter((track) => !track.explicit && track.id !== tracks[1]!.id).slice(0, 20);
    expect(ids(shown)).toEqual(ids(expected));
  });

  it('show an explicit track playing as not playing', async () => {
    const explicit = topTracks().find((track) => track.explicit)!;
    await ownerWith({ hideExplicit: true });
    player().play(explicit);
    const json = body(await nowPlaying());
    expect(json.isPlaying).toBe(false);
    expect(json.item?.id).not.toBe(explicit.id);
  });
});

describe('cleanTitles', () => {
  it('drops remaster suffixes from track names in JSON and on cards, and keeps the raw name as rawName', async () => {
    const track = topTracks()[0]!;
    const original = track.name;
    track.name = 'Here Comes the Sun - Remastered 2019';
    try {
      await ownerWith({ cleanTitles: true });
      const [first] = body(await highlights({ type: 'tracks' })).tracks;
      expect(first).toMatchObject({ name: 'Here Comes the Sun', rawName: 'Here Comes the Sun - Remastered 2019' });
      const svg = (await card({ type: 'tracks' })).body;
      expect(svg).toContain('>Here Comes the Sun<');
      expect(svg).not.toContain('Remastered 2019');
      // Names it does not change carry no rawName.
      expect(body(await highlights({ type: 'tracks' })).tracks[1]).not.toHaveProperty('rawName');
    } finally {
      track.name = original;
    }
  });

  it('leaves names alone when off', async () => {
    const track = topTracks()[0]!;
    const original = track.name;
    track.name = 'Song - 2011 Remaster';
    try {
      await ownerWith({ cleanTitles: false });
      const [first] = body(await highlights({ type: 'tracks' })).tracks;
      expect(first.name).toBe('Song - 2011 Remaster');
      expect(first).not.toHaveProperty('rawName');
    } finally {
      track.name = original;
    }
  });
});

describe('defaults', () => {
  it('fill what a /highlights query omits, and a query that says otherwise wins', async () => {
    await ownerWith({ defaults: { timeRange: 'long_term', limit: 3, theme: 'dark' } });
    const omitted = body(await highlights());
    expect(omitted).toMatchObject({ timeRange: 'long_term', limit: 3 });
    expect(ids(omitted.artists)).toEqual(ids((service.model.topFor(OWNER_ID, 'artists', 'long_term') as Artist[]).slice(0, 3)));
    expect(body(await highlights({ time_range: 'short_term', limit: '7' }))).toMatchObject({ timeRange: 'short_term', limit: 7 });
  });

  it('fill what a card query omits: the theme, the period and the number of rows; a query that says otherwise wins', async () => {
    await ownerWith({ defaults: { timeRange: 'long_term', limit: 3, theme: 'midnight' } });
    const omitted = (await card()).body;
    expect(omitted).toContain('fill="#0f172a"');
    expect(omitted).toContain('the last year');
    expect(omitted.match(/<g class="item">/g)).toHaveLength(3);
    const asked = (await card({ theme: 'light', time_range: 'short_term', limit: '2' })).body;
    expect(asked).toContain('fill="#ffffff"');
    expect(asked).toContain('the last 4 weeks');
    expect(asked.match(/<g class="item">/g)).toHaveLength(2);
    player().play(topTracks()[3]!);
    expect((await nowPlayingCard()).body).toContain('fill="#0f172a"');
    expect((await nowPlayingCard({ theme: 'paper' })).body).toContain('fill="#f6f1e7"');
  });

  it('do not stop a bad query from being refused by name', async () => {
    await ownerWith({ defaults: { timeRange: 'long_term', limit: 3, theme: 'dark' } });
    const response = await highlights({ limit: 'lots' });
    expect(response.statusCode).toBe(400);
    expect(body(response).message).toMatch(/limit/);
  });
});
