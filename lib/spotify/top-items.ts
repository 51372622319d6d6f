/** The owner's top artists and tracks (GET /me/top/{type}), cleaned up into the service's shapes. */
import { SpotifyError } from '../platform/errors';
import { call, client, read } from './client';
import { toArtist, toTrack, type RawItem } from './items';
import type { Artist, TimeRange, TopType, Track } from './types';

/**
 * The owner's top artists or tracks, cleaned up. Never depends on followers or popularity
 * (absent for development-mode apps).
 */
export async function topItems(type: 'artists', accessToken: string, timeRange: TimeRange, limit: number): Promise<Artist[]>;
export async function topItems(type: 'tracks', accessToken: string, timeRange: TimeRange, limit: number): Promise<Track[]>;
export async function topItems(type: TopType, accessToken: string, timeRange: TimeRange, limit: number): Promise<(Artist | Track)[]>;
export async function topItems(type: TopType, accessToken: string, timeRange: TimeRange, limit: number): Promise<(Artist | Track)[]> {
  const api = await client({ accessToken });
  const options = { time_range: timeRange, limit };
  return read(async () => {
    const body = await call<{ items?: unknown }>(() => (type === 'artists' ? api.getMyTopArtists(options) : api.getMyTopTracks(options)));
    if (!Array.isArray(body?.items)) throw new SpotifyError('bad_response');
    const convert: (raw: RawItem) => Artist | Track = type === 'artists' ? toArtist : toTrack;
    return (body.items as RawItem[]).map(convert);
  });
}
