/**
 * The plays in one file of a Spotify data export (lib/features/import/plays.ts): the rule Spotify's
 * recently played counts by (a music track with its URI, 30 s or more, not in a private session)
 * on both sides of each edge, every skip reason, the account data's year, the service's own JSONL
 * with its x_ fields, no personal field ever carried into a play, files that are no export refused
 * with one line, and a 12 MB file read in little memory.
 */
import { createReadStream, readFileSync, statSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExportFileError, exportEntries, type EntryKind } from '../../lib/features/import/export-files';
import { accountPlay, emptySkipCounts, extendedPlay, MIN_PLAY_MS, PERSONAL_FIELDS, readPlays, type ImportedPlay, type PlayOrSkip } from '../../lib/features/import/plays';
import { FAKE_PERSONAL, writeExportFolder } from '../support/spotify-export';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'import-plays-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const TRACK_ID = '4uLU6hMCjMI75M1A2tKUQC';

/** An extended history element as Spotify writes it, a track heard for two minutes. */
const extended = (fields: Record<string, unknown> = {}): Record<string, unknown> => ({
  ts: '2019-03-04T18:22:31Z',
  username: 'fake-user',
  platform: 'FakeOS',
  ms_played: 120_000,
  conn_country: 'ZZ',
  ip_addr: '192.0.2.1',
  master_metadata_track_name: 'Song',
  master_metadata_album_artist_name: 'Artist',
  master_metadata_album_album_name: 'Album',
  spotify_track_uri: `spotify:track:${TRACK_ID}`,
  episode_name: null,
  episode_show_name: null,
  spotify_episode_uri: null,
  audiobook_title: null,
  audiobook_uri: null,
  audiobook_chapter_uri: null,
  audiobook_chapter_title: null,
  reason_start: 'trackdone',
  reason_end: 'trackdone',
  shuffle: false,
  skipped: false,
  offline: false,
  offline_timestamp: 1_551_723_751,
  incognito_mode: false,
  ...fields,
});

const account = (fields: Record<string, unknown> = {}) => ({ endTime: '2025-06-01 21:07', artistName: 'Artist', trackName: 'Song', msPlayed: 120_000, ...fields });

const skipOf = (result: PlayOrSkip) => ('skip' in result ? result.skip : 'play');
const playOf = (result: PlayOrSkip): ImportedPlay => {
  if (!('play' in result)) throw new Error(`skipped: ${result.skip}`);
  return result.play;
};

/** Every result of a file given as text. */
async function resultsOf(text: string, kind: EntryKind, name = `/exports/${kind}.json`): Promise<PlayOrSkip[]> {
  const results: PlayOrSkip[] = [];
  for await (const result of readPlays({ name, kind, stream: Readable.from([Buffer.from(text)]) })) results.push(result);
  return results;
}

async function refusal(text: string, kind: EntryKind, name = '/exports/Streaming_History_Audio_2019_0.json'): Promise<string> {
  const error = await resultsOf(text, kind, name).then(
    () => null,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(ExportFileError);
  const message = (error as ExportFileError).message;
  expect(message.startsWith(`${name}: `)).toBe(true);
  expect(message).not.toMatch(/[\r\n]/);
  return message;
}

describe('the play rule, for the extended history', () => {
  it('a track with its URI, heard 30 s or more, is a play of the time it ended; 1 ms less is short', () => {
    expect(playOf(extendedPlay(extended({ ms_played: MIN_PLAY_MS }), 'extended'))).toEqual({
      endedAt: Date.UTC(2019, 2, 4, 18, 22, 31),
      msPlayed: 30_000,
      source: 'extended',
      trackId: TRACK_ID,
      trackName: 'Song',
      artistName: 'Artist',
      albumName: 'Album',
    });
    expect(extendedPlay(extended({ ms_played: MIN_PLAY_MS - 1 }), 'extended')).toEqual({ skip: 'short' });
    expect(extendedPlay(extended({ ms_played: 0 }), 'extended')).toEqual({ skip: 'short' });
  });

  it.each([
    ['podcast', { spotify_track_uri: null, episode_name: 'Episode 1', episode_show_name: 'Show', spotify_episode_uri: 'spotify:episode:0Q86acNRm6V9GYx55SXKwf' }],
    ['podcast', { spotify_track_uri: null, spotify_episode_uri: 'spotify:episode:0Q86acNRm6V9GYx55SXKwf' }],
    ['audiobook', { spotify_track_uri: null, audiobook_title: 'Book', audiobook_uri: 'spotify:audiobook:7iHfbu1YPACw6oZPAFJtqe', audiobook_chapter_uri: 'spotify:chapter:0D5wENdkdwbqlrHoaJ9g29', audiobook_chapter_title: 'One' }],
    // A track Spotify lost the metadata of: no URI, no episode.
    ['no_track', { master_metadata_track_name: null, master_metadata_album_artist_name: null, master_metadata_album_album_name: null, spotify_track_uri: null }],
    ['no_track', { spotify_track_uri: 'spotify:local:Artist:Album:Song:180' }],
    ['no_track', { spotify_track_uri: 'spotify:track:short' }],
    ['incognito', { incognito_mode: true }],
    ['invalid', { ts: undefined }],
    ['invalid', { ts: null }],
    ['invalid', { ts: 'yesterday' }],
    ['invalid', { ts: '2019-02-30T10:00:00Z' }],
    ['invalid', { ts: '2019-03-04 18:22:31' }],
    ['invalid', { ms_played: '120000' }],
    ['invalid', { ms_played: null }],
    ['invalid', { ms_played: -1 }],
  ])('%s: %j', (reason, fields) => {
    expect(extendedPlay(extended(fields), 'extended')).toEqual({ skip: reason });
  });

  it('gives what was streamed before how: an incognito podcast is a podcast, a short incognito track is incognito, a broken time is invalid first', () => {
    expect(skipOf(extendedPlay(extended({ spotify_track_uri: null, spotify_episode_uri: 'spotify:episode:0Q86acNRm6V9GYx55SXKwf', incognito_mode: true, ms_played: 5 }), 'extended'))).toBe('podcast');
    expect(skipOf(extendedPlay(extended({ incognito_mode: true, ms_played: 5 }), 'extended'))).toBe('incognito');
    expect(skipOf(extendedPlay(extended({ ts: 'x', spotify_track_uri: null }), 'extended'))).toBe('invalid');
  });

  it('keeps a play whose names are null (its id still names the track), with empty names and no album', () => {
    const play = playOf(extendedPlay(extended({ master_metadata_track_name: null, master_metadata_album_artist_name: null, master_metadata_album_album_name: null }), 'extended'));
    expect(play).toMatchObject({ trackId: TRACK_ID, trackName: '', artistName: '', albumName: null });
  });

  it('reads a time with milliseconds, and an element of the older export (ip_addr_decrypted, no audiobook fields)', () => {
    expect(playOf(extendedPlay(extended({ ts: '2019-03-04T18:22:31.250Z' }), 'extended')).endedAt).toBe(Date.UTC(2019, 2, 4, 18, 22, 31, 250));
    const older = extended({ ip_addr_decrypted: '192.0.2.9', user_agent_decrypted: 'agent' });
    for (const field of ['ip_addr', 'audiobook_title', 'audiobook_uri', 'audiobook_chapter_uri', 'audiobook_chapter_title']) delete older[field];
    expect(skipOf(extendedPlay(older, 'extended'))).toBe('play');
  });
});

describe("the account data's year", () => {
  it('a stream of 30 s or more is a play at its UTC minute, known by its names alone; 1 ms less is short', () => {
    expect(playOf(accountPlay(account({ msPlayed: MIN_PLAY_MS })))).toEqual({
      endedAt: Date.UTC(2025, 5, 1, 21, 7),
      msPlayed: 30_000,
      source: 'account',
      trackId: null,
      trackName: 'Song',
      artistName: 'Artist',
      albumName: null,
    });
    expect(accountPlay(account({ msPlayed: MIN_PLAY_MS - 1 }))).toEqual({ skip: 'short' });
  });

  it.each([
    ['invalid', { endTime: '2025-06-01T21:07' }],
    ['invalid', { endTime: '2025-02-29 10:00' }],
    ['invalid', { endTime: '2025-06-01 24:00' }],
    ['invalid', { endTime: null }],
    ['invalid', { msPlayed: 'a lot' }],
    ['no_track', { trackName: null }],
    ['no_track', { trackName: '' }],
  ])('%s: %j', (reason, fields) => {
    expect(accountPlay(account(fields))).toEqual({ skip: reason });
  });

  it('reads a whole file of it, with an artist left null', async () => {
    const results = await resultsOf(JSON.stringify([account(), account({ msPlayed: 2_000 }), account({ artistName: null, endTime: '2024-12-31 23:59' })], null, 2), 'account');
    expect(results.map(skipOf)).toEqual(['play', 'short', 'play']);
    expect(playOf(results[2] as PlayOrSkip)).toMatchObject({ endedAt: Date.UTC(2024, 11, 31, 23, 59), artistName: '' });
  });
});

describe("the service's own export (JSON Lines)", () => {
  it("reads each line by the same rule, with what its x_ fields add, and skips blank lines", async () => {
    const lines = [
      JSON.stringify(extended({ x_artist_uris: ['spotify:artist:0OdUWJ0sBjDrqHygGUXeCF', 'spotify:artist:3TVXtAsR1Inumwj472S9r4'], x_artist_names: ['Artist', 'Guest'], x_duration_ms: 201_000, x_explicit: true })),
      '',
      JSON.stringify(extended({ ms_played: 1_000 })),
      JSON.stringify(extended({ master_metadata_album_artist_name: null, x_artist_names: ['From the list'], x_artist_uris: ['not a uri', 7], x_duration_ms: 'long', x_explicit: 'yes' })),
    ].join('\r\n');
    const results = await resultsOf(lines, 'jsonl', '/exports/own.jsonl');
    expect(results.map(skipOf)).toEqual(['play', 'short', 'play']);
    expect(playOf(results[0] as PlayOrSkip)).toEqual({
      endedAt: Date.UTC(2019, 2, 4, 18, 22, 31),
      msPlayed: 120_000,
      source: 'jsonl',
      trackId: TRACK_ID,
      trackName: 'Song',
      artistName: 'Artist',
      albumName: 'Album',
      artistIds: ['0OdUWJ0sBjDrqHygGUXeCF', '3TVXtAsR1Inumwj472S9r4'],
      artistNames: ['Artist', 'Guest'],
      durationMs: 201_000,
      explicit: true,
    });
    // Ill-formed x_ fields add nothing; the artist comes from the list when the history lost it.
    const last = playOf(results[2] as PlayOrSkip);
    // Ids stay by position beside the names: an entry that is no artist URI is '' (the import keys that artist by its name).
    expect(last).toMatchObject({ artistName: 'From the list', artistIds: ['', ''], artistNames: ['From the list'] });
    expect(last).not.toHaveProperty('durationMs');
    expect(last).not.toHaveProperty('explicit');
  });

  it('takes a track the service knew only by name by its key when the line has no URI, and nothing else for one', () => {
    const byName = extendedPlay(extended({ spotify_track_uri: null, x_track_key: '~AAAAAAAAAAAAAAAAAAAA1' }), 'jsonl');
    expect(playOf(byName)).toMatchObject({ trackId: null, trackKey: '~AAAAAAAAAAAAAAAAAAAA1' });
    expect(extendedPlay(extended({ spotify_track_uri: null, x_track_key: 'no key' }), 'jsonl')).toEqual({ skip: 'no_track' });
    expect(extendedPlay(extended({ spotify_track_uri: null, x_track_key: '~AAAAAAAAAAAAAAAAAAAA1' }), 'extended')).toEqual({ skip: 'no_track' });
    expect(playOf(extendedPlay(extended({ x_track_key: '~AAAAAAAAAAAAAAAAAAAA1' }), 'jsonl'))).not.toHaveProperty('trackKey');
  });

  it('x_ fields in the extended history are not read: only the service writes them', () => {
    expect(playOf(extendedPlay(extended({ x_explicit: true }), 'extended'))).not.toHaveProperty('explicit');
  });

  it('refuses a broken line, naming it', async () => {
    const message = await refusal(`${JSON.stringify(extended())}\n{"ts": "2019-03-04T18:22:31Z",\n`, 'jsonl', '/exports/own.jsonl');
    expect(message).toBe('/exports/own.jsonl: broken JSON on line 2');
  });
});

describe('personal fields', () => {
  it('are named in PERSONAL_FIELDS, every one the generator fills', () => {
    expect([...PERSONAL_FIELDS].sort()).toEqual([...Object.keys(FAKE_PERSONAL), 'ip_addr_decrypted'].sort());
  });

  it.each([false, true])('never reach a play, by key or by value, in a whole export (older format: %s)', async (legacy) => {
    const folder = join(dir, `personal-${legacy}`);
    await writeExportFolder(folder, { seed: 11, years: 1, playsPerDay: 10, legacy });
    const ownLines = [extended({ x_artist_names: ['Artist'] }), extended({ ip_addr_decrypted: '192.0.2.9', user_agent_decrypted: 'agent' })];
    await writeFile(join(folder, 'own.jsonl'), ownLines.map((line) => JSON.stringify(line)).join('\n'));
    const allowed = new Set(['endedAt', 'msPlayed', 'source', 'trackId', 'trackName', 'artistName', 'albumName', 'artistIds', 'artistNames', 'durationMs', 'explicit']);
    const personalValues = new Set<unknown>([...Object.values(FAKE_PERSONAL), 'fake-user', 'FakeOS', 'ZZ', '192.0.2.1', '192.0.2.9', 'agent', 1_551_723_751]);
    const sources = new Set<string>();
    let plays = 0;
    for await (const entry of exportEntries([folder])) {
      for await (const result of readPlays(entry)) {
        if (!('play' in result)) continue;
        plays += 1;
        sources.add(result.play.source);
        for (const [key, value] of Object.entries(result.play)) {
          expect(allowed.has(key), key).toBe(true);
          expect(PERSONAL_FIELDS as readonly string[]).not.toContain(key);
          for (const one of Array.isArray(value) ? value : [value]) expect(personalValues.has(one), `${key}: ${String(one)}`).toBe(false);
        }
      }
    }
    expect(plays).toBeGreaterThan(1_000);
    expect([...sources].sort()).toEqual(['account', 'extended', 'jsonl']);
  });
});

describe('a file that is no streaming history', () => {
  it.each([
    ['not JSON', 'this is not JSON at all', /broken JSON near byte \d+, after entry 0/],
    ['a JSON object, not an array', '{"ts": "2019-03-04T18:22:31Z", "ms_played": 1}', /its JSON is not an array/],
    ['a lone number', '42', /its JSON is not an array/],
    ['an empty file', '  \n', /empty file/],
    ['an array of numbers', '[1, 2, 3]', /entry 1 is a number, not a Spotify streaming history entry/],
    ['an array of objects of something else', '[{"name": "My playlist", "items": []}]', /entry 1 is an object without any of its fields/],
    ['an array with null', `[${JSON.stringify(extended())}, null]`, /entry 2 is null/],
    ['an array cut off', `[${JSON.stringify(extended())}, ${JSON.stringify(extended())}`, /the JSON ends early, after entry 2 \(the file is cut off\)/],
    ['two arrays', '[] []', /broken JSON near byte 3, after entry 0/],
  ])('%s is refused with one line naming the file', async (_, text, problem) => {
    expect(await refusal(text, 'extended')).toMatch(problem);
  });

  it('broken JSON says roughly where: the byte, and the entries read before it', async () => {
    const good = JSON.stringify(extended());
    const text = `[${good},${good},{"ts": "2019-03-04T18:22:31Z", "ms_played": 1,, "x": 2}]`;
    const message = await refusal(text, 'extended');
    const byte = Number(/near byte (\d+)/.exec(message)?.[1]);
    expect(message).toContain('after entry 2');
    expect(Math.abs(byte - text.indexOf(',,'))).toBeLessThanOrEqual(2);
  });

  it('account data whose elements are extended history (or the reverse) is refused', async () => {
    expect(await refusal(JSON.stringify([extended()]), 'account')).toMatch(/entry 1 is an object without any of its fields/);
    expect(await refusal(JSON.stringify([account()]), 'extended')).toMatch(/entry 1 is an object without any of its fields/);
  });

  it('reads an empty array as no plays', async () => {
    expect(await resultsOf('[]\n', 'extended')).toEqual([]);
  });
});

describe('memory', () => {
  it('reads a 12 MB history file as it streams in: the heap grows by a small part of it (holding it whole grows by more than all of it)', async () => {
    const folder = join(dir, 'big');
    await writeExportFolder(folder, { seed: 13, years: 1, playsPerDay: 40, fileBytes: 20_000_000 });
    const file = join(folder, 'Spotify Extended Streaming History', 'Streaming_History_Audio_2025_0.json');
    const size = statSync(file).size;
    expect(size).toBeGreaterThan(10_000_000);

    // A full collection before each reading, so what is counted is what is still held, not garbage not yet collected.
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const held = (): number => {
      gc();
      return process.memoryUsage().heapUsed;
    };

    const before = held();
    let most = 0;
    let elements = 0;
    const counts = { play: 0, ...emptySkipCounts() };
    for await (const result of readPlays({ name: file, kind: 'extended', stream: createReadStream(file) })) {
      elements += 1;
      counts[skipOf(result)] += 1;
      if (elements % 2_000 === 0) most = Math.max(most, held() - before);
    }
    expect(elements).toBeGreaterThan(10_000);
    expect(counts.play).toBeGreaterThan(elements / 2);
    expect(most).toBeLessThan(size / 4);

    // The measure sees a file held whole: the same reading with the text and its parse kept.
    const start = held();
    const text = readFileSync(file, 'utf8');
    const whole = JSON.parse(text) as unknown[];
    // Node 26 keeps the parse more compactly (8.9 MB for a 13.5 MB file, against more than the file on 20 and 24): still twice the streaming bound.
    expect(held() - start).toBeGreaterThan(size / 2);
    expect([text.length, whole.length]).toEqual([size, elements]);
  }, 60_000);
});
