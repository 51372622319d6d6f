import type { SpotifyModel } from './model';
import { contextOf } from './player';
import type { Album, Artist, Episode, LocalTrack, Play, Show, SimplifiedArtist, SpotifyImage, Track, UserSpec } from './types';
import { hash, hex, prng, spotifyId } from './util';

const FIRST = ['Velvet', 'Neon', 'Paper', 'Golden', 'Hollow', 'Silver', 'Quiet', 'Wild', 'Electric', 'Northern', 'Crimson', 'Midnight', 'Glass', 'Lunar', 'Copper', 'Static'];
const SECOND = ['Harbor', 'Foxes', 'Lanterns', 'Tides', 'Pines', 'Parade', 'Echoes', 'Rivers', 'Orchard', 'Satellites', 'Machines', 'Sparrows'];
const GENRES = ['indie pop', 'dream pop', 'shoegaze', 'art rock', 'synthpop', 'indie folk', 'post-punk', 'chamber pop', 'electronica', 'alt-country', 'neo soul', 'jazz fusion'];
const TRACK_A = ['Midnight', 'Paper', 'Slow', 'Blue', 'Falling', 'Summer', 'Broken', 'Electric', 'Golden', 'Distant', 'Quiet', 'Open', 'Hidden', 'Restless'];
const TRACK_B = ['Static', 'Lights', 'Motion', 'Hours', 'Signals', 'Gardens', 'Water', 'Letters', 'Weather', 'Houses', 'Fever', 'Roads', 'Mirrors', 'Dreams'];

function pickName(first: string[], second: string[], k: number): string {
  const size = first.length * second.length;
  const base = `${first[k % first.length]} ${second[Math.floor(k / first.length) % second.length]}`;
  return k < size ? base : `${base} ${Math.floor(k / size) + 1}`;
}

// No prefix starts at the pool's beginning; any prefix starts at 50 or later, so a
// prefixed user's first 50 items never overlap the unprefixed user's.
function startOffset(prefix: string, size: number): number {
  return prefix ? 50 + (hash(prefix) % (size - 100)) : 0;
}

// Real CDN path prefixes per size; widest first, as Spotify orders them.
const IMAGE_SIZES = {
  artist: [['ab6761610000e5eb', 640], ['ab67616100005174', 320], ['ab6761610000f178', 160]],
  album: [['ab67616d0000b273', 640], ['ab67616d00001e02', 300], ['ab67616d00004851', 64]],
  podcast: [['ab6765630000ba8a', 640], ['ab67656300005f1f', 300], ['ab6765630000f68d', 64]],
} as const;

function images(kind: keyof typeof IMAGE_SIZES, seed: string): SpotifyImage[] {
  const sizes = IMAGE_SIZES[kind];
  const tail = hex(seed, 24);
  return sizes.map(([path, size]) => ({ url: `https://i.scdn.co/image/${path}${tail}`, height: size, width: size }));
}

function artistFromName(name: string, position: number): Artist {
  const id = spotifyId(`artist:${name}`);
  const next = prng(hash(name));
  // Genres may be empty for real artists; every fourth sample artist has none.
  const genres = position % 4 === 3 ? [] : GENRES.filter(() => next() < 0.2).slice(0, 3);
  let imgs = images('artist', name);
  // A few realistic oddities beyond the first rows: no image at all, unknown dimensions.
  if (position === 13) imgs = [];
  if (position === 21) imgs = [{ url: imgs[0]!.url, height: null, width: null }];
  return {
    external_urls: { spotify: `https://open.spotify.com/artist/${id}` },
    genres,
    href: `https://api.spotify.com/v1/artists/${id}`,
    id,
    images: imgs,
    name,
    type: 'artist',
    uri: `spotify:artist:${id}`,
  };
}

/** `n` distinct artists (at least 190 before names get numbered); `prefix` picks another part of the pool. */
export function sampleArtists(n: number, prefix = ''): Artist[] {
  const size = FIRST.length * SECOND.length;
  const start = startOffset(prefix, size);
  return Array.from({ length: n }, (_, i) => {
    const k = start + i;
    // Wrap within the pool first so names stay suffix-free for n <= pool size.
    const name = pickName(FIRST, SECOND, i < size ? k % size : k);
    return artistFromName(i % 5 === 2 ? `The ${name}` : name, i);
  });
}

function simplified(artist: Artist): SimplifiedArtist {
  const { external_urls, href, id, name, type, uri } = artist;
  return { external_urls, href, id, name, type, uri };
}

/** `n` distinct tracks by sample artists; `prefix` works as for sampleArtists. */
export function sampleTracks(n: number, prefix = ''): Track[] {
  const size = TRACK_A.length * TRACK_B.length;
  const start = startOffset(prefix, size);
  const artists = sampleArtists(Math.max(8, Math.ceil(n / 2)), prefix);
  return Array.from({ length: n }, (_, i) => {
    const name = pickName(TRACK_A, TRACK_B, i < size ? (start + i) % size : start + i);
    const id = spotifyId(`track:${name}`);
    const albumId = spotifyId(`album:${name}`);
    const next = prng(hash(name));
    const main = artists[i % artists.length]!;
    const credited = i % 6 === 5 ? [main, artists[(i + 3) % artists.length]!] : [main];
    const album: Album = {
      album_type: i % 3 === 0 ? 'single' : 'album',
      artists: [simplified(main)],
      external_urls: { spotify: `https://open.spotify.com/album/${albumId}` },
      href: `https://api.spotify.com/v1/albums/${albumId}`,
      id: albumId,
      images: images('album', `album:${name}`),
      name: i % 3 === 0 ? name : `${pickName(TRACK_B, TRACK_A, i + 7)}`,
      release_date: `${2008 + (i % 17)}-${String(1 + (i % 12)).padStart(2, '0')}-${String(1 + (i % 28)).padStart(2, '0')}`,
      release_date_precision: 'day',
      total_tracks: i % 3 === 0 ? 1 : 8 + (i % 7),
      type: 'album',
      uri: `spotify:album:${albumId}`,
    };
    return {
      album,
      artists: credited.map(simplified),
      disc_number: 1,
      duration_ms: 150_000 + Math.floor(next() * 170_000),
      explicit: next() < 0.15,
      external_urls: { spotify: `https://open.spotify.com/track/${id}` },
      href: `https://api.spotify.com/v1/tracks/${id}`,
      id,
      is_local: false,
      name,
      track_number: i % 3 === 0 ? 1 : 1 + (i % 8),
      type: 'track',
      uri: `spotify:track:${id}`,
    };
  });
}

/** A part of a local file's uri: URL-encoded, spaces as '+', as Spotify writes them. */
const uriPart = (value: string) => encodeURIComponent(value).replace(/%20/g, '+');

/**
 * A track from the user's own files, as currently-playing answers it: the names come from the
 * file's tags; nothing has an id, a page or a picture. Play it with Player.play(); Spotify never
 * records it in the history.
 */
export function localTrack({ title = 'Kitchen Demo (Take 3)', artist = 'The Garage Band', album = 'Voice Memos', durationMs = 187_000 }: { title?: string; artist?: string; album?: string; durationMs?: number } = {}): LocalTrack {
  return {
    album: {
      album_type: null, artists: [], external_urls: {}, href: null, id: null, images: [], name: album,
      release_date: null, release_date_precision: null, type: 'album', uri: null,
    },
    artists: [{ external_urls: {}, href: null, id: null, name: artist, type: 'artist', uri: null }],
    disc_number: 0,
    duration_ms: durationMs,
    explicit: false,
    external_urls: {},
    href: null,
    id: null,
    is_local: true,
    name: title,
    track_number: 0,
    type: 'track',
    uri: `spotify:local:${uriPart(artist)}:${uriPart(album)}:${uriPart(title)}:${Math.round(durationMs / 1000)}`,
  };
}

const SHOWS = ['The Listening Room', 'Liner Notes', 'Studio Hours', 'B-Sides Weekly', 'Soundcheck Radio', 'Vinyl Hour'];
const TOPICS = ['making a record at home', 'the first album', 'touring on a budget', 'why mono came back', 'writing in a hurry', 'live takes'];

function show(name: string): Show {
  const id = spotifyId(`show:${name}`);
  return {
    copyrights: [],
    description: `Conversations about music: ${name}.`,
    explicit: false,
    external_urls: { spotify: `https://open.spotify.com/show/${id}` },
    href: `https://api.spotify.com/v1/shows/${id}`,
    html_description: `<p>Conversations about music: ${name}.</p>`,
    id,
    images: images('podcast', `show:${name}`),
    is_externally_hosted: false,
    languages: ['en'],
    media_type: 'audio',
    name,
    total_episodes: 40 + (hash(name) % 160),
    type: 'show',
    uri: `spotify:show:${id}`,
  };
}

/** `n` distinct podcast episodes of a few sample shows; the fourth has no picture of its own (a realistic oddity). */
export function sampleEpisodes(n: number, prefix = ''): Episode[] {
  return Array.from({ length: n }, (_, i) => {
    const name = `${TOPICS[i % TOPICS.length]}${i >= TOPICS.length ? ` (part ${Math.floor(i / TOPICS.length) + 1})` : ''}`;
    const seed = `episode:${prefix}:${i}`;
    const id = spotifyId(seed);
    const next = prng(hash(seed));
    return {
      description: `An episode about ${name}.`,
      duration_ms: 20 * 60_000 + Math.floor(next() * 40 * 60_000),
      explicit: false,
      external_urls: { spotify: `https://open.spotify.com/episode/${id}` },
      href: `https://api.spotify.com/v1/episodes/${id}`,
      html_description: `<p>An episode about ${name}.</p>`,
      id,
      images: i === 3 ? [] : images('podcast', seed),
      is_externally_hosted: false,
      is_playable: true,
      languages: ['en'],
      name: name.charAt(0).toUpperCase() + name.slice(1),
      release_date: `2026-${String(1 + (i % 12)).padStart(2, '0')}-${String(1 + (i % 28)).padStart(2, '0')}`,
      release_date_precision: 'day',
      show: show(SHOWS[(hash(prefix) + i) % SHOWS.length]!),
      type: 'episode',
      uri: `spotify:episode:${id}`,
    };
  });
}

/**
 * `n` plays of `tracks`, back to back, newest first, the newest ending at `endedAt` (model ms):
 * mostly from their albums, some without a context, with a few pauses between sessions.
 */
export function sampleHistory(tracks: Track[], n: number, endedAt: number): Play[] {
  const next = prng(hash(`history:${tracks[0]?.id ?? ''}`));
  let playedAt = endedAt;
  return Array.from({ length: n }, () => {
    const track = tracks[Math.floor(next() * tracks.length)]!;
    const play: Play = { track, playedAt, context: next() < 0.2 ? null : contextOf(track) };
    playedAt -= track.duration_ms + (next() < 0.1 ? Math.floor(next() * 3 * 3_600_000) : 0);
    return play;
  });
}

/**
 * Adds a user in the middle of a track (the demo's owner): sample top artists and tracks, a
 * history of 50 plays ending as the track began, and their first top track playing with `leftMs`
 * to go (or from its start, if shorter) and nothing after it. Answers that track.
 */
export function addListener(model: SpotifyModel, user: Pick<UserSpec, 'id' | 'displayName'>, leftMs: number): Track {
  const topTracks = sampleTracks(50);
  const track = topTracks[0]!;
  const positionMs = Math.max(0, track.duration_ms - leftMs);
  model.addUser({ ...user, topArtists: sampleArtists(50), topTracks, recentlyPlayed: sampleHistory(topTracks, 50, model.now() - positionMs) });
  model.player(user.id).play(track, { positionMs });
  return track;
}
