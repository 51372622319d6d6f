/** The owner's top artists and tracks (GET /me/top/{type}), cleaned up into the service's shapes. */
import { SpotifyError } from '../platform/errors';
import type { Deadline } from '../platform/time';
import { call, client, read, text } from './client';
import type { Artist, TimeRange, TopType, Track } from './types';

interface RawItem {
  id?: unknown;
  name?: unknown;
  external_urls?: { spotify?: unknown };
  images?: { url?: unknown }[];
  genres?: unknown;
  artists?: { name?: unknown }[];
  album?: { name?: unknown; images?: { url?: unknown }[] };
}

function firstImage(images: { url?: unknown }[] | undefined): string | null {
  const url = Array.isArray(images) ? images.find((candidate) => typeof candidate?.url === 'string')?.url : undefined;
  return typeof url === 'string' ? url : null;
}

function strings(values: unknown): string[] {
  return Array.isArray(values) ? values.filter((value): value is string => typeof value === 'string') : [];
}

function link(raw: RawItem, kind: string, id: string): string {
  return typeof raw.external_urls?.spotify === 'string' ? raw.external_urls.spotify : `https://open.spotify.com/${kind}/${id}`;
}

function toArtist(raw: RawItem): Artist {
  const id = text(raw.id);
  return { id, name: text(raw.name), url: link(raw, 'artist', id), image: firstImage(raw.images), genres: strings(raw.genres) };
}

function toTrack(raw: RawItem): Track {
  const id = text(raw.id);
  return {
    id,
    name: text(raw.name),
    url: link(raw, 'track', id),
    artists: strings(raw.artists?.map((artist) => artist?.name)),
    album: typeof raw.album?.name === 'string' ? raw.album.name : '',
    image: firstImage(raw.album?.images),
  };
}

/**
 * The owner's top artists or tracks, cleaned up. Never depends on followers or popularity
 * (absent for development-mode apps).
 */
export async function topItems(type: 'artists', accessToken: string, timeRange: TimeRange, limit: number, deadline: Deadline): Promise<Artist[]>;
export async function topItems(type: 'tracks', accessToken: string, timeRange: TimeRange, limit: number, deadline: Deadline): Promise<Track[]>;
export async function topItems(type: TopType, accessToken: string, timeRange: TimeRange, limit: number, deadline: Deadline): Promise<(Artist | Track)[]>;
export async function topItems(type: TopType, accessToken: string, timeRange: TimeRange, limit: number, deadline: Deadline): Promise<(Artist | Track)[]> {
  const api = await client({ accessToken });
  const options = { time_range: timeRange, limit };
  return read(deadline, async () => {
    const body = await call<{ items?: unknown }>(deadline, () => (type === 'artists' ? api.getMyTopArtists(options) : api.getMyTopTracks(options)));
    if (!Array.isArray(body?.items)) throw new SpotifyError('bad_response');
    const convert: (raw: RawItem) => Artist | Track = type === 'artists' ? toArtist : toTrack;
    return (body.items as RawItem[]).map(convert);
  });
}
