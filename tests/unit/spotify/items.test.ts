/** Spotify's objects cleaned up into the service's shapes: pictures, durations, explicit flags, episodes. */
import { describe, expect, it } from 'vitest';
import { SpotifyError } from '../../../lib/platform/errors';
import { pictures, toArtist, toEpisode, toLocalTrack, toTrack } from '../../../lib/spotify/items';

const image = (url: string, size: number | null) => ({ url, width: size, height: size });

describe('pictures', () => {
  it('keeps every size Spotify lists, widest first as listed, and drops entries without a URL', () => {
    expect(pictures([image('a', 640), { width: 300 }, image('b', 300), image('c', null), { url: '' }])).toEqual([
      { url: 'a', width: 640, height: 640 },
      { url: 'b', width: 300, height: 300 },
      { url: 'c', width: null, height: null },
    ]);
    expect(pictures(undefined)).toEqual([]);
  });

  it('treats a size that is not a positive number as unknown', () => {
    expect(pictures([{ url: 'a', width: 0, height: -1 }, { url: 'b', width: '64', height: Number.NaN }])).toEqual([
      { url: 'a', width: null, height: null },
      { url: 'b', width: null, height: null },
    ]);
  });
});

describe('toLocalTrack', () => {
  it('keeps a local file\'s names from its tags, and has no id, link or picture', () => {
    const raw = {
      id: null, is_local: true, name: 'Kitchen Demo', uri: 'spotify:local:Band:Tapes:Kitchen+Demo:187', href: null, external_urls: {},
      artists: [{ id: null, name: 'Band', external_urls: {} }, { id: null, name: '' }],
      album: { id: null, name: 'Tapes', images: [], external_urls: {} },
      duration_ms: 187_000, explicit: false,
    };
    expect(toLocalTrack(raw)).toEqual({ id: null, name: 'Kitchen Demo', url: null, artists: ['Band'], album: 'Tapes', image: null, pictures: [], durationMs: 187_000, explicit: false });
    expect(toLocalTrack({ is_local: true, name: 'Untagged' })).toEqual({ id: null, name: 'Untagged', url: null, artists: [], album: '', image: null, pictures: [], durationMs: 0, explicit: false });
  });

  it('still refuses one without a name', () => {
    expect(() => toLocalTrack({ is_local: true, id: null })).toThrow(SpotifyError);
  });
});

describe('toTrack', () => {
  it('takes the album cover, its sizes, the duration and the explicit flag, and never followers or popularity', () => {
    const track = toTrack({
      id: 't',
      name: 'Song',
      artists: [{ id: 'a1', name: 'One' }, { name: 'Two' }],
      album: { name: 'Album', images: [image('big', 640), image('small', 64)] },
      duration_ms: 215_000,
      explicit: true,
      external_urls: { spotify: 'https://open.spotify.com/track/t' },
    });
    expect(track).toEqual({
      id: 't',
      name: 'Song',
      url: 'https://open.spotify.com/track/t',
      artists: ['One', 'Two'],
      artistIds: ['a1'],
      album: 'Album',
      image: 'big',
      pictures: [{ url: 'big', width: 640, height: 640 }, { url: 'small', width: 64, height: 64 }],
      durationMs: 215_000,
      explicit: true,
    });
  });

  it('defaults a missing duration to 0 and a missing explicit flag to false, and builds the link from the id', () => {
    expect(toTrack({ id: 'x', name: 'Y' })).toMatchObject({ durationMs: 0, explicit: false, url: 'https://open.spotify.com/track/x', image: null, pictures: [] });
  });

  it('refuses an answer without an id or a name', () => {
    expect(() => toTrack({ name: 'no id' })).toThrow(SpotifyError);
    expect(() => toArtist({ id: 'no name' })).toThrow(SpotifyError);
  });
});

describe('toEpisode', () => {
  it('names its show, and shows the show\'s picture when it has none of its own', () => {
    const episode = toEpisode({ id: 'e', name: 'Episode', show: { name: 'The Show', images: [image('show', 300)] }, images: [], duration_ms: 1_800_000, explicit: false });
    expect(episode).toEqual({
      id: 'e',
      name: 'Episode',
      url: 'https://open.spotify.com/episode/e',
      show: 'The Show',
      image: 'show',
      pictures: [{ url: 'show', width: 300, height: 300 }],
      durationMs: 1_800_000,
      explicit: false,
    });
    expect(toEpisode({ id: 'e', name: 'E', images: [image('own', 640)], show: { name: 'S', images: [image('show', 300)] } }).image).toBe('own');
  });
});
