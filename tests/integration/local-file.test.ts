/**
 * A track from the owner's own files playing (currently-playing's `is_local: true`, `id: null`, no
 * pages or pictures), through the real handlers, dynalite and the emulator: /now-playing answers it
 * as playing with no link or picture, the card draws it with the placeholder, /now-playing/open
 * sends to the owner's profile, and Spotify is asked once: never a 502, never a retry. Spotify
 * leaves local files out of recently played, so once it ends the last played is the track before
 * (and one listed there anyway would be left out).
 */
import { describe, expect, it } from 'vitest';
import { nowPlaying, nowPlayingCard, nowPlayingOpen, ownerSettings, recentlyPlayed, sessionCookieOf, type Result, useService } from '../support/service';
import { localTrack, OWNER_ID } from '../support/spotify-emulator';

const service = useService();

const body = (response: Result) => JSON.parse(response.body);
const player = () => service.model.player(OWNER_ID);
const currentlyPlayingRequests = () => service.model.requests.filter((request) => request.path === '/v1/me/player/currently-playing');

const LOCAL = { title: 'Kitchen Demo (Take 3)', artist: 'The Garage Band', album: 'Voice Memos', durationMs: 187_000 };
const LOCAL_JSON = {
  type: 'track',
  id: null,
  name: 'Kitchen Demo (Take 3)',
  url: null,
  artists: ['The Garage Band'],
  album: 'Voice Memos',
  image: null,
  durationMs: 187_000,
  explicit: false,
};

describe('a local file playing', () => {
  it('is answered by /now-playing as playing, with its names and no id, link or picture', async () => {
    await service.connect();
    player().play(localTrack(LOCAL), { positionMs: 42_000 });
    const response = await nowPlaying();
    expect(response.statusCode).toBe(200);
    const json = body(response);
    expect(json).toEqual({ isPlaying: true, item: LOCAL_JSON, progressMs: json.progressMs, playedAt: null, fetchedAt: json.fetchedAt });
    expect(json.progressMs).toBeGreaterThanOrEqual(42_000);
    expect(json.progressMs).toBeLessThan(44_000);
    expect(response.headers['Cache-Control']).toMatch(/^public, max-age=(14|15), stale-while-revalidate=15$/);
    // Asked once, answered 200: no retry, and no fallback to the last played.
    expect(currentlyPlayingRequests().map((request) => request.status)).toEqual([200]);
    expect(service.model.calls.recentlyPlayed).toBe(0);
  });

  it('is drawn by /now-playing.svg: its name and artist, the placeholder, no picture asked for; /now-playing/open sends to the owner\'s profile', async () => {
    await service.connect();
    player().play(localTrack(LOCAL), { positionMs: 42_000 });
    const card = await nowPlayingCard();
    expect(card.statusCode).toBe(200);
    expect(card.headers['Content-Type']).toBe('image/svg+xml; charset=utf-8');
    expect(card.body).toContain('>Now playing</text>');
    expect(card.body).toContain('>Kitchen Demo (Take 3)</text>');
    expect(card.body).toContain('>The Garage Band</text>');
    expect(card.body).toContain('>♪</text>');
    expect(card.body).not.toContain('<image');
    expect(service.model.requests.filter((request) => request.path.startsWith('/image/'))).toEqual([]);
    // Nothing missing to fetch again: kept like any playing card, not revalidated every time.
    expect(card.headers['Cache-Control']).not.toBe('no-cache');

    const open = await nowPlayingOpen();
    expect(open.statusCode).toBe(302);
    expect(open.headers.Location).toBe(`https://open.spotify.com/user/${OWNER_ID}`);
    // The card and the redirect came from the one answer the card's request fetched.
    expect(currentlyPlayingRequests().map((request) => request.status)).toEqual([200]);
  });

  it('is paused like any track, and shown whatever the owner hides by id (it has none), its title cleaned', async () => {
    const cookie = sessionCookieOf(await service.connect());
    const [first] = player().history();
    const settings = {
      hiddenArtists: [first!.track.artists[0]!.id], hiddenTracks: [first!.track.id], hideExplicit: true, cleanTitles: true,
      defaults: { timeRange: 'short_term', limit: 5, theme: 'light' },
    };
    const saved = await ownerSettings({
      method: 'PUT',
      cookies: [cookie!],
      headers: { 'content-type': 'application/json', origin: 'http://127.0.0.1:3000' },
      body: JSON.stringify(settings),
    });
    expect(saved.statusCode, saved.body).toBe(200);
    player().play(localTrack({ ...LOCAL, title: 'Kitchen Demo - Remastered' }), { positionMs: 10_000, paused: true });
    expect(body(await nowPlaying())).toMatchObject({
      isPlaying: false, item: { ...LOCAL_JSON, name: 'Kitchen Demo', rawName: 'Kitchen Demo - Remastered' }, progressMs: 10_000, playedAt: null,
    });
  });

  it('once it has ended, is not the last played: Spotify never lists a local file among the plays', async () => {
    await service.connect();
    const [before] = player().history();
    player().play(localTrack({ ...LOCAL, durationMs: 2_000 }));
    service.model.advanceClock(5_000);
    const json = body(await nowPlaying());
    expect(json).toMatchObject({ isPlaying: false, progressMs: null, playedAt: new Date(before!.playedAt).toISOString() });
    expect(json.item).toMatchObject({ id: before!.track.id, url: before!.track.external_urls.spotify });
    expect(body(await recentlyPlayed()).tracks[0]).toMatchObject({ id: before!.track.id, playedAt: new Date(before!.playedAt).toISOString() });
  });

  it('were Spotify to list one among the last plays after all, is left out of /recently-played, never a 502', async () => {
    await service.connect();
    const [newest, next] = player().history();
    const played = (track: unknown, at: number) => ({ track, played_at: new Date(at).toISOString(), context: null });
    const items = [played(localTrack(LOCAL), newest!.playedAt + 200_000), played(newest!.track, newest!.playedAt), played(next!.track, next!.playedAt)];
    service.model.failNext('recentlyPlayed', { status: 200, body: { items, next: null, cursors: null, limit: 50, href: '' } });
    const response = await recentlyPlayed();
    expect(response.statusCode).toBe(200);
    expect(body(response).tracks.map((track: { id: string }) => track.id)).toEqual([newest!.track.id, next!.track.id]);
    expect(service.model.calls.recentlyPlayed).toBe(1);
  });
});
