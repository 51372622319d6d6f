/**
 * The lines of `npm run export` (lib/features/import/export-plays.ts): the extended streaming
 * history's field names plus the x_ fields, collected and imported plays alike, ids made up from
 * names written as no URI (and kept as x_track_key), CSV quoted by RFC 4180, no personal field
 * ever, and a line that reads back (lib/features/import/plays.ts) into the same play.
 */
import { describe, expect, it } from 'vitest';
import { csvHeader, csvRow, EXPORT_COLUMNS, exportLine, jsonLine, type StoredPlayItem } from '../../lib/features/import/export-plays';
import { extendedPlay, PERSONAL_FIELDS } from '../../lib/features/import/plays';

const TRACK = '4uLU6hMCjMI75M1A2tKUQC';
const ARTIST = '0OdUWJ0sBjDrqHygGUXeCF';

/** A play as the collector stores it: Spotify's played_at with milliseconds, no listening time. */
const collected: StoredPlayItem = {
  playedAt: '2024-01-02T03:04:05.678Z',
  track: { id: TRACK, name: 'Song', credits: [{ id: ARTIST, name: 'Band' }, { id: '1vCWHaC5f2uS3yhpwWbIA6', name: 'Guest' }], album: 'Album', durationMs: 200_000, explicit: true },
};

/** A play imported from the account data: its track and artist known only by name. */
const synthetic: StoredPlayItem = {
  playedAt: '2024-05-06T07:08:00.000Z',
  track: { id: '~AbCdEfGhIjKlMnOpQrStU', name: 'Tune, "live"', credits: [{ id: '~ZyXwVuTsRqPoNmLkJiHgF', name: 'Some; One' }], album: '', durationMs: 95_000, explicit: false },
  msPlayed: 95_000,
  source: 'import',
};

/** A parsed JSON line, as its key/value pairs. */
const parsed = (play: StoredPlayItem) => JSON.parse(jsonLine(exportLine(play))) as Record<string, unknown>;

describe('an export line', () => {
  it('writes a collected play in the extended history’s names: whole-second ts, its length as ms_played, the x_ fields', () => {
    expect(parsed(collected)).toEqual({
      ts: '2024-01-02T03:04:05Z',
      ms_played: 200_000,
      master_metadata_track_name: 'Song',
      master_metadata_album_artist_name: 'Band',
      master_metadata_album_album_name: 'Album',
      spotify_track_uri: `spotify:track:${TRACK}`,
      episode_name: null,
      episode_show_name: null,
      spotify_episode_uri: null,
      reason_start: null,
      reason_end: null,
      shuffle: null,
      skipped: null,
      offline: null,
      incognito_mode: false,
      x_artist_uris: [`spotify:artist:${ARTIST}`, 'spotify:artist:1vCWHaC5f2uS3yhpwWbIA6'],
      x_artist_names: ['Band', 'Guest'],
      x_duration_ms: 200_000,
      x_explicit: true,
      x_source: 'collector',
      x_track_key: null,
    });
  });

  it('writes an imported play’s own listening time and source', () => {
    const line = exportLine({ ...collected, msPlayed: 31_000, source: 'import' });
    expect(line.ms_played).toBe(31_000);
    expect(line.x_duration_ms).toBe(200_000);
    expect(line.x_source).toBe('import');
  });

  it('gives an id made up from names no URI, keeps it as x_track_key, and keeps the artists’ lists in step', () => {
    const line = parsed(synthetic);
    expect(line.spotify_track_uri).toBeNull();
    expect(line.x_track_key).toBe('~AbCdEfGhIjKlMnOpQrStU');
    expect(line.x_artist_uris).toEqual([null]);
    expect(line.x_artist_names).toEqual(['Some; One']);
    expect(line.master_metadata_album_album_name).toBeNull();
    const mixed = exportLine({ ...collected, track: { ...collected.track, credits: [{ id: '~Name', name: 'By name' }, { id: ARTIST, name: 'Band' }] } });
    expect(mixed.x_artist_uris).toEqual([null, `spotify:artist:${ARTIST}`]);
    expect(mixed.x_artist_names).toEqual(['By name', 'Band']);
    expect(mixed.master_metadata_album_artist_name).toBe('By name');
  });

  it('has no artist name when the track has no credits', () => {
    expect(exportLine({ ...collected, track: { ...collected.track, credits: [] } })).toMatchObject({ master_metadata_album_artist_name: null, x_artist_uris: [], x_artist_names: [] });
  });

  it('is one line of JSON with its keys in the columns’ order', () => {
    const text = jsonLine(exportLine(synthetic));
    expect(text.endsWith('\n')).toBe(true);
    expect(text.slice(0, -1)).not.toMatch(/[\r\n]/);
    expect(Object.keys(JSON.parse(text))).toEqual([...EXPORT_COLUMNS]);
  });

  it('never has a personal field, whatever the stored item carries', () => {
    const carrying = { ...collected, username: 'someone', ip_addr: '192.0.2.1', platform: 'os', conn_country: 'ZZ' } as StoredPlayItem;
    const keys = Object.keys(parsed(carrying));
    for (const field of PERSONAL_FIELDS) expect(keys).not.toContain(field);
    expect(jsonLine(exportLine(carrying))).not.toMatch(/someone|192\.0\.2\.1/);
    expect(csvHeader() + csvRow(exportLine(carrying))).not.toMatch(/someone|192\.0\.2\.1|username|ip_addr|conn_country|platform/);
  });
});

describe('a CSV export', () => {
  it('has a header of the same columns', () => {
    expect(csvHeader()).toBe(`${EXPORT_COLUMNS.join(',')}\r\n`);
  });

  it('quotes a field with a comma, a quote or a line break, doubles its quotes, joins lists with ";" and writes null as nothing', () => {
    const row = csvRow(exportLine({ ...synthetic, track: { ...synthetic.track, album: 'Two\nlines' } }));
    expect(row.endsWith('\r\n')).toBe(true);
    expect(row).toBe(
      [
        '2024-05-06T07:08:00Z',
        '95000',
        '"Tune, ""live"""',
        'Some; One',
        '"Two\nlines"',
        '',
        '',
        '',
        '',
        '',
        '',
        '',
        '',
        '',
        'false',
        '',
        'Some; One',
        '95000',
        'false',
        'import',
        '~AbCdEfGhIjKlMnOpQrStU',
      ].join(',') + '\r\n',
    );
    const lists = csvRow(exportLine(collected)).split(',');
    expect(lists[EXPORT_COLUMNS.indexOf('x_artist_uris')]).toBe(`spotify:artist:${ARTIST};spotify:artist:1vCWHaC5f2uS3yhpwWbIA6`);
    expect(lists[EXPORT_COLUMNS.indexOf('x_artist_names')]).toBe('Band;Guest');
  });
});

describe('an export line read back by the import', () => {
  it('is the same play: its end, listening time, track, album, artists, length and explicit flag', () => {
    const read = extendedPlay(parsed({ ...collected, msPlayed: 150_000, source: 'import' }), 'jsonl');
    expect(read).toEqual({
      play: {
        endedAt: Date.parse('2024-01-02T03:04:05Z'),
        msPlayed: 150_000,
        source: 'jsonl',
        trackId: TRACK,
        trackName: 'Song',
        artistName: 'Band',
        albumName: 'Album',
        artistIds: [ARTIST, '1vCWHaC5f2uS3yhpwWbIA6'],
        artistNames: ['Band', 'Guest'],
        durationMs: 200_000,
        explicit: true,
      },
    });
  });

  it('is a play for a collected play too, its length standing for its listening time', () => {
    const read = extendedPlay(parsed(collected), 'jsonl');
    expect(read).toMatchObject({ play: { msPlayed: 200_000, trackId: TRACK } });
  });
});
