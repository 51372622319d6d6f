/**
 * Spotify's artist, track and episode objects, cleaned up into the service's shapes. Nothing here
 * depends on followers or popularity (absent for development-mode apps); a missing or malformed
 * required field makes the whole answer malformed. A track from the owner's own files (`is_local`)
 * has no id, page or picture: it is a LocalTrack, never a malformed track.
 */
import { text } from './client';
import type { Artist, Episode, LocalTrack, Picture, Track } from './types';

export interface RawImage {
  url?: unknown;
  width?: unknown;
  height?: unknown;
}

export interface RawItem {
  id?: unknown;
  name?: unknown;
  type?: unknown;
  external_urls?: { spotify?: unknown };
  images?: RawImage[];
  genres?: unknown;
  artists?: { id?: unknown; name?: unknown }[];
  album?: { name?: unknown; images?: RawImage[] };
  show?: { name?: unknown; images?: RawImage[] };
  duration_ms?: unknown;
  explicit?: unknown;
  is_local?: unknown;
}

const size = (value: unknown): number | null => (typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : null);

/** Every picture with a URL, widest first as Spotify lists them (sizes may be unknown). */
export function pictures(images: RawImage[] | undefined): Picture[] {
  if (!Array.isArray(images)) return [];
  return images.flatMap((image) => (typeof image?.url === 'string' && image.url ? [{ url: image.url, width: size(image.width), height: size(image.height) }] : []));
}

function strings(values: unknown): string[] {
  return Array.isArray(values) ? values.filter((value): value is string => typeof value === 'string') : [];
}

function link(raw: RawItem, kind: string, id: string): string {
  return typeof raw.external_urls?.spotify === 'string' ? raw.external_urls.spotify : `https://open.spotify.com/${kind}/${id}`;
}

function withPictures(images: RawImage[] | undefined): { image: string | null; pictures: Picture[] } {
  const listed = pictures(images);
  return { image: listed[0]?.url ?? null, pictures: listed };
}

const duration = (value: unknown): number => (typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : 0);

export function toArtist(raw: RawItem): Artist {
  const id = text(raw.id);
  return { id, name: text(raw.name), url: link(raw, 'artist', id), ...withPictures(raw.images), genres: strings(raw.genres) };
}

export function toTrack(raw: RawItem): Track {
  const id = text(raw.id);
  return {
    id,
    name: text(raw.name),
    url: link(raw, 'track', id),
    artists: strings(raw.artists?.map((artist) => artist?.name)),
    artistIds: strings(raw.artists?.map((artist) => artist?.id)),
    album: typeof raw.album?.name === 'string' ? raw.album.name : '',
    ...withPictures(raw.album?.images),
    durationMs: duration(raw.duration_ms),
    explicit: raw.explicit === true,
  };
}

/** A track from the owner's own files: its name, its artists' and album's names (from the file's tags), no id, link or picture. */
export function toLocalTrack(raw: RawItem): LocalTrack {
  return {
    id: null,
    name: text(raw.name),
    url: null,
    artists: strings(raw.artists?.map((artist) => artist?.name)).filter(Boolean),
    album: typeof raw.album?.name === 'string' ? raw.album.name : '',
    image: null,
    pictures: [],
    durationMs: duration(raw.duration_ms),
    explicit: raw.explicit === true,
  };
}

export function toEpisode(raw: RawItem): Episode {
  const id = text(raw.id);
  return {
    id,
    name: text(raw.name),
    url: link(raw, 'episode', id),
    show: typeof raw.show?.name === 'string' ? raw.show.name : '',
    // An episode without pictures of its own shows its show's.
    ...withPictures(Array.isArray(raw.images) && raw.images.length ? raw.images : raw.show?.images),
    durationMs: duration(raw.duration_ms),
    explicit: raw.explicit === true,
  };
}
