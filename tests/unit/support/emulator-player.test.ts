/**
 * The emulator's player: what a user plays now (GET /v1/me/player/currently-playing) and what
 * they played (GET /v1/me/player/recently-played), as ../shared/spotify-web-api.md describes
 * Spotify's, moved on by the model clock.
 */
import { describe, expect, it } from 'vitest';
import {
  AD_DURATION_MS,
  addListener,
  contextOf,
  createDefaultModel,
  INTRUDER_ID,
  localTrack,
  MAX_REACHABLE_PLAYS,
  OWNER_ID,
  PAUSED_FORGOTTEN_AFTER_MS,
  sampleEpisodes,
  sampleHistory,
  type Play,
  SpotifyModel,
  type Track,
} from '../../support/spotify-emulator';

const PLAYER_SCOPES = ['user-read-currently-playing', 'user-read-recently-played'];
const START = Date.UTC(2026, 6, 1, 12);

function clockedModel() {
  const clock = { t: START };
  const model = createDefaultModel({ now: () => clock.t });
  const token = model.issueTokens(OWNER_ID, { scopes: PLAYER_SCOPES }).access_token;
  return { model, clock, token, player: model.player(OWNER_ID), tracks: model.users.get(OWNER_ID)!.topTracks };
}

const nowPlaying = (model: SpotifyModel, token: string, query: Record<string, string> = {}) =>
  model.api({ path: '/v1/me/player/currently-playing', query, authorizationHeader: `Bearer ${token}` });
const recent = (model: SpotifyModel, token: string, query: Record<string, string> = {}) =>
  model.api({ path: '/v1/me/player/recently-played', query, authorizationHeader: `Bearer ${token}` });

interface RecentBody { items: { track: Track; played_at: string; context: unknown }[]; next: string | null; cursors: { after: string; before: string } | null; limit: number; href: string }
const recentBody = (model: SpotifyModel, token: string, query: Record<string, string> = {}) => {
  const res = recent(model, token, query);
  expect(res.status).toBe(200);
  return res.body as RecentBody;
};
const playsOf = (tracks: Track[], newestAt: number, gapMs = 300_000): Play[] =>
  tracks.map((track, i) => ({ track, playedAt: newestAt - i * gapMs, context: null }));

describe('currently-playing', () => {
  it('answers 204 with an empty body when nothing plays', () => {
    const { model, token } = clockedModel();
    expect(nowPlaying(model, token)).toEqual({ status: 204, body: '' });
  });

  it('answers a playing track with Spotify’s fields and nested disallows, its position moving with the model clock', () => {
    const { model, clock, token, player, tracks } = clockedModel();
    const track = tracks[2]!;
    player.play(track, { positionMs: 1_000 });
    clock.t += 5_000;
    expect(nowPlaying(model, token, { market: 'from_token', additional_types: 'track,episode' })).toEqual({
      status: 200,
      headers: undefined,
      body: {
        timestamp: START, context: contextOf(track), progress_ms: 6_000, item: track, currently_playing_type: 'track',
        actions: { disallows: { resuming: true } }, is_playing: true,
      },
    });
    expect(track).toMatchObject({ duration_ms: expect.any(Number), explicit: expect.any(Boolean), album: { images: [{ width: 640, height: 640 }, { width: 300 }, { width: 64 }] } });
  });

  it('ends a track at its end: it is recorded when it ended, the queue plays on, then nothing plays (204)', () => {
    const { model, clock, token, player, tracks } = clockedModel();
    const [first, second] = [tracks[0]!, tracks[1]!];
    player.play(first, { positionMs: first.duration_ms - 10_000, queue: [second] });
    clock.t += 15_000;
    expect(nowPlaying(model, token).body).toMatchObject({ item: { id: second.id }, progress_ms: 5_000, timestamp: START + 10_000 });
    expect(player.history()[0]).toEqual({ track: first, playedAt: START + 10_000, context: contextOf(first) });
    clock.t += second.duration_ms;
    expect(nowPlaying(model, token).status).toBe(204);
    expect(player.history().slice(0, 2).map((play) => [play.track.id, play.playedAt])).toEqual([
      [second.id, START + 10_000 + second.duration_ms], [first.id, START + 10_000],
    ]);
  });

  it('answers a pause as is_playing false with a still position; resumes; forgets a long pause (204)', () => {
    const { model, clock, token, player } = clockedModel();
    player.play(undefined, { positionMs: 20_000 });
    clock.t += 1_000;
    player.pause();
    clock.t += 60_000;
    expect(nowPlaying(model, token).body).toMatchObject({ is_playing: false, progress_ms: 21_000, timestamp: START + 1_000, actions: { disallows: { pausing: true } } });
    player.resume();
    clock.t += 2_000;
    expect(nowPlaying(model, token).body).toMatchObject({ is_playing: true, progress_ms: 23_000 });
    player.pause();
    clock.t += PAUSED_FORGOTTEN_AFTER_MS - 1;
    expect(nowPlaying(model, token).status).toBe(200);
    clock.t += 1;
    expect(nowPlaying(model, token).status).toBe(204);
    expect(() => player.resume()).toThrow(/Nothing is playing/);
  });

  it('answers 204 in a private session, and a track that ends there is not recorded', () => {
    const { model, clock, token, player, tracks } = clockedModel();
    const before = player.history();
    player.play(tracks[0], { positionMs: tracks[0]!.duration_ms - 1_000 });
    player.setPrivateSession(true);
    expect(nowPlaying(model, token)).toEqual({ status: 204, body: '' });
    clock.t += 2_000;
    expect(player.history()).toEqual(before);
    player.setPrivateSession(false);
    player.play(tracks[1]);
    expect(nowPlaying(model, token).status).toBe(200);
  });

  it('answers an ad as currently_playing_type "ad" with item null, then plays on from the queue', () => {
    const { model, clock, token, player, tracks } = clockedModel();
    const before = player.history();
    player.play(tracks[0], { queue: [tracks[1]!] });
    player.playAd();
    clock.t += 3_000;
    expect(nowPlaying(model, token).body).toMatchObject({ currently_playing_type: 'ad', item: null, context: null, progress_ms: 3_000, is_playing: true });
    clock.t += AD_DURATION_MS;
    expect(nowPlaying(model, token).body).toMatchObject({ currently_playing_type: 'track', item: { id: tracks[1]!.id }, progress_ms: 3_000 });
    // Neither the interrupted track nor the ad ended, so neither is in the history.
    expect(player.history()).toEqual(before);
  });

  it('answers an unknown item as currently_playing_type "unknown" with item null, never recorded', () => {
    const { model, clock, token, player, tracks } = clockedModel();
    const before = player.history();
    player.play(tracks[0], { queue: [tracks[1]!] });
    player.playUnknown({ durationMs: 10_000 });
    clock.t += 2_000;
    expect(nowPlaying(model, token).body).toMatchObject({ currently_playing_type: 'unknown', item: null, progress_ms: 2_000, is_playing: true });
    clock.t += 10_000;
    expect(nowPlaying(model, token).body).toMatchObject({ currently_playing_type: 'track', item: { id: tracks[1]!.id } });
    expect(player.history()).toEqual(before);
  });

  it('shows an episode only when additional_types lists episode; otherwise its type and item null', () => {
    const { model, token, player } = clockedModel();
    const episode = sampleEpisodes(1)[0]!;
    player.play(episode, { positionMs: 60_000 });
    const hidden = nowPlaying(model, token, { additional_types: 'track' }).body;
    expect(hidden).toMatchObject({ currently_playing_type: 'episode', item: null, progress_ms: 60_000, is_playing: true });
    expect(nowPlaying(model, token).body).toMatchObject({ currently_playing_type: 'episode', item: null });
    const shown = nowPlaying(model, token, { additional_types: 'track,episode' }).body;
    expect(shown).toMatchObject({ currently_playing_type: 'episode', item: episode, context: { type: 'show', uri: episode.show.uri } });
    expect(episode).toMatchObject({
      id: expect.any(String), name: expect.any(String), external_urls: { spotify: expect.stringContaining('/episode/') },
      images: [{ width: 640, height: 640 }, { width: 300 }, { width: 64 }], duration_ms: expect.any(Number), explicit: false,
      show: { name: expect.any(String), images: [{ width: 640 }, { width: 300 }, { width: 64 }] },
    });
  });

  it.each(['us', 'USA', '', 'from-token'])('refuses the market %j with 400', (market) => {
    const { model, token, player } = clockedModel();
    player.play();
    expect(nowPlaying(model, token, { market })).toMatchObject({ status: 400, body: { error: { status: 400, message: 'Invalid market code' } } });
    expect(nowPlaying(model, token, { market: 'SE' }).status).toBe(200);
  });

  it('refuses a track or position it cannot play, and pausing when nothing plays', () => {
    const { player, tracks } = clockedModel();
    expect(() => player.play(tracks[0], { positionMs: tracks[0]!.duration_ms })).toThrow(/positionMs/);
    expect(() => player.play({ type: 'artist' } as never)).toThrow(/a track or an episode/);
    // Items may come as JSON over the control plane: one without its pictures would break the CDN.
    expect(() => player.play({ type: 'episode', duration_ms: 60_000, images: [] } as never)).toThrow(/a track or an episode/);
    expect(() => player.play(tracks[0], { queue: [{ type: 'track', duration_ms: 60_000 } as never] })).toThrow(/a queue of them/);
    expect(() => player.setHistory([{ track: { type: 'track', duration_ms: 1 } as never, playedAt: START, context: null }])).toThrow(/a play is/);
    expect(player.playback()).toBeNull();
    expect(() => player.pause()).toThrow(/Nothing is playing/);
  });
});

describe('recently-played', () => {
  it('answers the newest 20 plays by default, with played_at in ISO with ms, cursors and next, and no total', () => {
    const { model, token, player } = clockedModel();
    const body = recentBody(model, token);
    const history = player.history();
    expect(Object.keys(body).sort()).toEqual(['cursors', 'href', 'items', 'limit', 'next']);
    expect(body.items).toEqual(history.slice(0, 20).map((play) => ({ track: play.track, played_at: new Date(play.playedAt).toISOString(), context: play.context })));
    expect(body.items[0]!.played_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(body.cursors).toEqual({ after: String(history[0]!.playedAt), before: String(history[19]!.playedAt) });
    expect(body.next).toBe(`https://api.spotify.com/v1/me/player/recently-played?before=${history[19]!.playedAt}&limit=20`);
    expect(body).toMatchObject({ limit: 20, href: 'https://api.spotify.com/v1/me/player/recently-played?limit=20' });
  });

  it('pages back with before, and after gives the plays just after a moment, newest first', () => {
    const { model, token, player, tracks } = clockedModel();
    player.setHistory(playsOf(tracks.slice(0, 10), START));
    const times = player.history().map((play) => play.playedAt);
    const back = recentBody(model, token, { before: String(times[3]), limit: '4' });
    expect(back.items.map((item) => Date.parse(item.played_at))).toEqual(times.slice(4, 8));
    expect(back.next).toBe(`https://api.spotify.com/v1/me/player/recently-played?before=${times[7]}&limit=4`);
    const forward = recentBody(model, token, { after: String(times[8]), limit: '3' });
    expect(forward.items.map((item) => Date.parse(item.played_at))).toEqual(times.slice(5, 8));
    expect(forward.href).toBe(`https://api.spotify.com/v1/me/player/recently-played?after=${times[8]}&limit=3`);
    const last = recentBody(model, token, { before: String(times[6]) });
    expect(last).toMatchObject({ next: null, cursors: { after: String(times[7]), before: String(times[9]) } });
  });

  it(`reaches only the last ${MAX_REACHABLE_PLAYS} plays, whatever the cursors`, () => {
    const { model, token, player } = clockedModel();
    const history = player.history();
    expect(history.length).toBeGreaterThan(MAX_REACHABLE_PLAYS);
    const all = recentBody(model, token, { limit: '50' });
    expect(all.items).toHaveLength(50);
    expect(all.next).toBeNull();
    const beyond = recentBody(model, token, { before: String(history[49]!.playedAt) });
    expect(beyond).toMatchObject({ items: [], cursors: null, next: null });
    expect(recentBody(model, token, { after: '0', limit: '50' }).items).toHaveLength(50);
  });

  it('answers an empty history with items [], cursors null and next null', () => {
    const { model, token, player } = clockedModel();
    player.setHistory([]);
    expect(recentBody(model, token)).toEqual({
      items: [], next: null, cursors: null, limit: 20, href: 'https://api.spotify.com/v1/me/player/recently-played?limit=20',
    });
  });

  it.each([
    [{ limit: '0' }, 'Invalid limit'], [{ limit: '51' }, 'Invalid limit'], [{ limit: 'ten' }, 'Invalid limit'], [{ limit: '2.5' }, 'Invalid limit'],
    [{ after: '1', before: '2' }, 'Only one of after and before may be given'], [{ after: 'yesterday' }, 'Invalid after'], [{ before: '-5' }, 'Invalid before'],
  ])('refuses %j with 400 %s', (query, message) => {
    const { model, token } = clockedModel();
    expect(recent(model, token, query)).toMatchObject({ status: 400, body: { error: { status: 400, message } } });
  });

  it('never lists an episode: one that ends is not recorded, and a history cannot hold one', () => {
    const { clock, player } = clockedModel();
    const before = player.history();
    const episode = sampleEpisodes(1)[0]!;
    player.play(episode, { positionMs: episode.duration_ms - 1_000 });
    clock.t += 1_000;
    expect(player.playback()).toBeNull();
    expect(player.history()).toEqual(before);
    expect(() => player.setHistory([{ track: episode as never, playedAt: START, context: null }])).toThrow(/a play is/);
  });
});

describe('scopes', () => {
  it.each([
    ['/v1/me/player/currently-playing', 'user-read-currently-playing', ['user-read-playback-state', 'user-read-recently-played']],
    ['/v1/me/player/recently-played', 'user-read-recently-played', ['user-read-currently-playing', 'user-top-read']],
    ['/v1/me/top/artists', 'user-top-read', PLAYER_SCOPES],
  ])('%s needs %s: refused with 403 by default, or 401 "Permissions missing" when chosen', (path, needed, others) => {
    const { model } = clockedModel();
    const call = (scopes: string[]) => model.api({ path, authorizationHeader: `Bearer ${model.issueTokens(OWNER_ID, { scopes }).access_token}` });
    expect(call(others)).toEqual({ status: 403, body: { error: { status: 403, message: 'Insufficient client scope' } }, headers: undefined });
    model.scopeRefusal = 'permissions-missing';
    expect(call(others)).toEqual({ status: 401, body: { error: { status: 401, message: 'Permissions missing' } }, headers: undefined });
    expect(call([needed]).status).toBeLessThan(300);
    model.reset();
    expect(model.scopeRefusal).toBe('insufficient-client-scope');
  });

  it('is refused as the model options say from the start', () => {
    const model = createDefaultModel({ scopeRefusal: 'permissions-missing' });
    const { access_token } = model.issueTokens(OWNER_ID, { scopes: [] });
    expect(recent(model, access_token)).toMatchObject({ status: 401, body: { error: { message: 'Permissions missing' } } });
  });
});

describe('sample players', () => {
  it('give the owner and the intruder histories of their own top tracks, more plays than are reachable, newest ten minutes ago', () => {
    const { model, player } = clockedModel();
    for (const userId of [OWNER_ID, INTRUDER_ID]) {
      const history = model.player(userId).history();
      const own = new Set(model.users.get(userId)!.topTracks.map((track) => track.id));
      expect(history).toHaveLength(60);
      expect(history.every((play) => own.has(play.track.id))).toBe(true);
      expect(history[0]!.playedAt).toBe(START - 10 * 60_000);
      expect(history.map((play) => play.playedAt)).toEqual([...history.map((play) => play.playedAt)].sort((a, b) => b - a));
    }
    expect(player.history().some((play) => play.context === null)).toBe(true);
    expect(player.history().some((play) => play.context?.type === 'album')).toBe(true);
    expect(sampleHistory(model.users.get(OWNER_ID)!.topTracks, 60, START)).toEqual(sampleHistory(model.users.get(OWNER_ID)!.topTracks, 60, START));
  });

  it('plays the user’s first top track in one call, and reset() stops it and puts the history back', () => {
    const { model, player, tracks } = clockedModel();
    const history = player.history();
    player.play();
    player.setPrivateSession(true);
    player.setHistory([]);
    expect(player.playback()).toMatchObject({ type: 'track', item: tracks[0], progressMs: 0, isPlaying: true });
    model.reset();
    expect(player.playback()).toBeNull();
    expect(player.inPrivateSession()).toBe(false);
    expect(player.history()).toEqual(history);
  });

  it('make the demo’s listener: playing their first top track with the time left given, then nothing, that track the last played', () => {
    const clock = { t: START };
    const model = new SpotifyModel({ now: () => clock.t });
    model.registerApp({ clientId: 'demo', clientSecret: 'demo-secret', redirectUris: ['http://127.0.0.1:3000/callback'] });
    const track = addListener(model, { id: 'demo-owner', displayName: 'Alex' }, 3 * 60_000);
    const player = model.player('demo-owner');
    expect(track).toEqual(model.users.get('demo-owner')!.topTracks[0]);
    expect(player.playback()).toMatchObject({ item: track, progressMs: track.duration_ms - 3 * 60_000, isPlaying: true, queue: [] });
    const history = player.history();
    expect(history).toHaveLength(50);
    expect(history[0]!.playedAt).toBe(START - (track.duration_ms - 3 * 60_000));
    clock.t += 60_000;
    expect(player.playback()!.progressMs).toBe(track.duration_ms - 2 * 60_000);
    clock.t += 2 * 60_000;
    expect(player.playback()).toBeNull();
    expect(player.history()[0]).toEqual({ track, playedAt: START + 3 * 60_000, context: contextOf(track) });
    const short = addListener(model, { id: 'hurried', displayName: null }, track.duration_ms + 1);
    expect(model.player('hurried').playback()!.progressMs).toBe(0);
    expect(short.id).toBe(track.id);
  });

  it('episodes are distinct, and every picture a player was given is on the CDN', () => {
    const { model, player, tracks } = clockedModel();
    const episodes = sampleEpisodes(8);
    expect(new Set(episodes.map((episode) => episode.id)).size).toBe(8);
    const episodePicture = episodes[0]!.images[0]!.url.slice('https://i.scdn.co/image/'.length);
    expect(model.imageIds().has(episodePicture)).toBe(false);
    player.play(episodes[0]);
    player.setHistory(playsOf([tracks[0]!], START));
    expect(model.imageIds().has(episodePicture)).toBe(true);
    expect(model.image('GET', `/image/${episodePicture}`).status).toBe(200);
  });
});

/** A file from the user's own library, as Spotify's currently-playing sends it (spotify-web-api.md). */
const LOCAL_JSON = {
  album: {
    album_type: null, artists: [], external_urls: {}, href: null, id: null, images: [], name: 'Voice Memos',
    release_date: null, release_date_precision: null, type: 'album', uri: null,
  },
  artists: [{ external_urls: {}, href: null, id: null, name: 'The Garage Band', type: 'artist', uri: null }],
  disc_number: 0,
  duration_ms: 187_000,
  explicit: false,
  external_urls: {},
  href: null,
  id: null,
  is_local: true,
  name: 'Kitchen Demo (Take 3)',
  track_number: 0,
  type: 'track',
  uri: 'spotify:local:The+Garage+Band:Voice+Memos:Kitchen+Demo+(Take+3):187',
};

describe('a local file', () => {
  it('is built as Spotify sends it: names from the tags, no id, page or picture, a spotify:local: uri', () => {
    expect(localTrack()).toEqual(LOCAL_JSON);
    expect(localTrack({ title: 'Ünïcode & Co', artist: 'A:B', album: '', durationMs: 61_400 }).uri).toBe('spotify:local:A%3AB::%C3%9Cn%C3%AFcode+%26+Co:61');
  });

  it('plays as a track, with no context, and currently-playing answers it as it is', () => {
    const { model, clock, token, player } = clockedModel();
    player.play(localTrack(), { positionMs: 1_000 });
    clock.t += 4_000;
    expect(nowPlaying(model, token, { additional_types: 'track,episode' })).toEqual({
      status: 200,
      headers: undefined,
      body: {
        timestamp: START, context: null, progress_ms: 5_000, item: LOCAL_JSON, currently_playing_type: 'track',
        actions: { disallows: { resuming: true } }, is_playing: true,
      },
    });
  });

  it('is never recorded: the history goes on from the track before it, and lists the next one', () => {
    const { model, clock, token, player, tracks } = clockedModel();
    const before = player.history();
    player.play(localTrack({ durationMs: 60_000 }), { queue: [tracks[1]!] });
    clock.t += 60_000;
    expect(player.history()).toEqual(before);
    expect(nowPlaying(model, token).body).toMatchObject({ item: { id: tracks[1]!.id } });
    clock.t += tracks[1]!.duration_ms;
    expect(player.history()).toEqual([{ track: tracks[1], playedAt: START + 60_000 + tracks[1]!.duration_ms, context: contextOf(tracks[1]!) }, ...before]);
    expect(recentBody(model, token, { limit: '50' }).items.every((item) => item.track.is_local === false && item.track.id)).toBe(true);
  });

  it('cannot be put in the history, as Spotify never lists one there', () => {
    const { player } = clockedModel();
    expect(() => player.setHistory([{ track: localTrack() as unknown as Track, playedAt: START, context: null }])).toThrow(/local files/);
  });
});
