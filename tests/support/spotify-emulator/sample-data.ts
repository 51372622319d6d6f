import type { Album, Artist, SimplifiedArtist, SpotifyImage, Track } from './types';
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

function images(kind: 'artist' | 'album', seed: string): SpotifyImage[] {
  // Real CDN path prefixes per size; widest first, as Spotify orders them.
  const sizes = kind === 'artist'
    ? [['ab6761610000e5eb', 640], ['ab67616100005174', 320], ['ab6761610000f178', 160]] as const
    : [['ab67616d0000b273', 640], ['ab67616d00001e02', 300], ['ab67616d00004851', 64]] as const;
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
      external_urls: { spotify: `https://open.spotify.com/album/${albumId}` },
      href: `https://api.spotify.com/v1/albums/${albumId}`,
      id: albumId,
      images: images('album', `album:${name}`),
      name: i % 3 === 0 ? name : `${pickName(TRACK_B, TRACK_A, i + 7)}`,
      release_date: `${2008 + (i % 17)}-${String(1 + (i % 12)).padStart(2, '0')}-${String(1 + (i % 28)).padStart(2, '0')}`,
      type: 'album',
      uri: `spotify:album:${albumId}`,
    };
    return {
      album,
      artists: credited.map(simplified),
      duration_ms: 150_000 + Math.floor(next() * 170_000),
      explicit: next() < 0.15,
      external_urls: { spotify: `https://open.spotify.com/track/${id}` },
      href: `https://api.spotify.com/v1/tracks/${id}`,
      id,
      name,
      type: 'track',
      uri: `spotify:track:${id}`,
    };
  });
}
