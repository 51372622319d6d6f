import { describe, expect, it } from 'vitest';
import { cleanTitle, visibleArtists, visibleItem, visiblePlays, visibleTracks } from '../../../lib/listening/visible';
import { DEFAULT_SETTINGS, type OwnerSettings } from '../../../lib/owner/settings';
import type { Artist, LocalTrack, Track } from '../../../lib/spotify/types';

const settings = (values: Partial<OwnerSettings>): OwnerSettings => ({ ...DEFAULT_SETTINGS, ...values });
const artist = (id: string): Artist => ({ id, name: id, url: '', image: null, pictures: [], genres: [] });
const track = (id: string, values: Partial<Track> = {}): Track => ({ id, name: id, url: '', artists: ['A'], artistIds: ['a'], album: '', image: null, pictures: [], durationMs: 1, explicit: false, ...values });

describe('cleanTitle', () => {
  it.each([
    ['Here Comes the Sun - Remastered 2019', 'Here Comes the Sun'],
    ['Yesterday - 2009 Remaster', 'Yesterday'],
    ['Heroes - 2017 Remastered Version', 'Heroes'],
    ['Song - Remastered', 'Song'],
    ['Song (Remastered)', 'Song'],
    ['Song [2009 Digital Remaster]', 'Song'],
    ['Song (Remastered 2011)', 'Song'],
    ['Song - remaster', 'Song'],
  ])('%s → %s', (raw, clean) => expect(cleanTitle(raw)).toBe(clean));

  it.each(['Remastered', 'The Remaster Blues', 'Song - Live', 'Master of Puppets', 'Song (2011)'])('leaves %s alone', (name) => expect(cleanTitle(name)).toBe(name));
});

describe('what the settings let be seen', () => {
  it('hides artists by id, and the tracks that credit them', () => {
    const hidden = settings({ hiddenArtists: ['b'] });
    expect(visibleArtists([artist('a'), artist('b'), artist('c')], hidden).map((shown) => shown.id)).toEqual(['a', 'c']);
    const tracks = [track('t1'), track('t2', { artistIds: ['a', 'b'] }), track('t3', { artistIds: ['c'] })];
    expect(visibleTracks(tracks, hidden).map((shown) => shown.id)).toEqual(['t1', 't3']);
  });

  it('hides tracks by id, explicit tracks with hideExplicit, and keeps tracks stored before artist ids were', () => {
    const tracks = [track('t1'), track('t2', { explicit: true }), track('t3'), track('t4', { artistIds: undefined })];
    expect(visibleTracks(tracks, settings({ hiddenTracks: ['t3'], hideExplicit: true })).map((shown) => shown.id)).toEqual(['t1', 't4']);
    expect(visibleTracks(tracks, settings({})).map((shown) => shown.id)).toEqual(['t1', 't2', 't3', 't4']);
  });

  it('cleans names with cleanTitles, keeping rawName only where it changed', () => {
    const [first, second] = visibleTracks([track('t1', { name: 'X - 2011 Remaster' }), track('t2', { name: 'Y' })], settings({ cleanTitles: true }));
    expect(first).toMatchObject({ name: 'X', rawName: 'X - 2011 Remaster' });
    expect(second).not.toHaveProperty('rawName');
    expect(visiblePlays([{ track: track('t1', { name: 'X - Remastered' }), playedAt: '2026-01-01T00:00:00Z' }], settings({ cleanTitles: true }))[0]?.track.name).toBe('X');
  });

  it('hides a playing track or an explicit episode', () => {
    expect(visibleItem({ type: 'track', ...track('t1', { artistIds: ['b'] }) }, settings({ hiddenArtists: ['b'] }))).toBeUndefined();
    const episode = { type: 'episode' as const, id: 'e', name: 'E', url: '', show: 'S', image: null, pictures: [], durationMs: 1, explicit: true };
    expect(visibleItem(episode, settings({ hideExplicit: true }))).toBeUndefined();
    expect(visibleItem(episode, settings({}))).toBe(episode);
  });

  it('shows a local file (no id, nor its artists\') whatever is hidden by id, and cleans its name', () => {
    const local: LocalTrack = { id: null, name: 'Demo - Remastered', url: null, artists: ['B'], album: 'Tapes', image: null, pictures: [], durationMs: 1, explicit: false };
    const hiding = settings({ hiddenTracks: ['t1'], hiddenArtists: ['b'], hideExplicit: true, cleanTitles: true });
    expect(visibleItem({ type: 'track', ...local }, hiding)).toEqual({ type: 'track', ...local, name: 'Demo', rawName: 'Demo - Remastered' });
    expect(visibleItem({ type: 'track', ...local }, settings({}))).toEqual({ type: 'track', ...local });
  });
});
