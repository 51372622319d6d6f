/**
 * Finding the streaming history in a Spotify data export (lib/features/import/export-files.ts):
 * in the zip Spotify sends, the folder it unpacks to, or files named one by one; the rest of the
 * export skipped by name and reported; anything else refused with one line that names the file.
 * The exports are synthetic (tests/support/spotify-export.ts), and read through to their plays to
 * show every file's bytes arrive whole.
 */
import { mkdtemp, rm, writeFile, mkdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { entryKind, ExportFileError, exportEntries, type ExportEntry } from '../../lib/features/import/export-files';
import { emptySkipCounts, readPlays, type ImportedPlay } from '../../lib/features/import/plays';
import { sampleHistory, sampleTracks } from '../support/spotify-emulator/sample-data';
import { writeExportFolder, writeExportZip, type ExportOptions, type GeneratedExport } from '../support/spotify-export';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'import-files-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Two years at 20 plays a day, split into files of about 2 MB so there are several. */
const OPTIONS: ExportOptions = { seed: 7, years: 2, playsPerDay: 20, fileBytes: 2_000_000 };

/** Reads every entry through to its plays, as an import would. */
async function readAll(paths: string[]) {
  const skipped: string[] = [];
  const entries: { name: string; kind: string }[] = [];
  const totals = { extended: { play: 0, ...emptySkipCounts() }, account: { play: 0, ...emptySkipCounts() }, jsonl: { play: 0, ...emptySkipCounts() } };
  for await (const entry of exportEntries(paths, { onSkipped: (name) => skipped.push(name) })) {
    entries.push({ name: entry.name, kind: entry.kind });
    for await (const result of readPlays(entry)) totals[entry.kind]['play' in result ? 'play' : result.skip] += 1;
  }
  return { skipped, entries, totals };
}

/** What the generator made, in the reader's terms. */
function expected(made: GeneratedExport) {
  const { play, ...skips } = made.extended;
  return { extended: { ...emptySkipCounts(), ...skips, play }, account: { ...emptySkipCounts(), play: made.account.play, short: made.account.short } };
}

async function errorOf(paths: string[]): Promise<ExportFileError> {
  try {
    for await (const entry of exportEntries(paths)) for await (const result of readPlays(entry)) expect(result).toBeTypeOf('object');
  } catch (error) {
    expect(error).toBeInstanceOf(ExportFileError);
    return error as ExportFileError;
  }
  throw new Error(`${paths.join(', ')} was read without an error`);
}

describe('which files hold streaming history', () => {
  it.each([
    ['Spotify Extended Streaming History/Streaming_History_Audio_2019-2020_0.json', 'extended'],
    ['Streaming_History_Audio_2024_12.json', 'extended'],
    ['MyData/endsong_3.json', 'extended'],
    ['Spotify Account Data/StreamingHistory_music_0.json', 'account'],
    ['MyData/StreamingHistory1.json', 'account'],
    ['plays-2025.jsonl', 'jsonl'],
  ])('%s is %s', (path, kind) => {
    expect(entryKind(path)).toBe(kind);
  });

  it.each([
    'Spotify Account Data/StreamingHistory_podcast_0.json',
    'Spotify Extended Streaming History/Streaming_History_Video_2019-2024.json',
    'Spotify Account Data/Userdata.json',
    'Spotify Account Data/Playlist1.json',
    'ReadMeFirst_ExtendedStreamingHistory.pdf',
    // The copies macOS adds when it zips a folder again.
    '__MACOSX/Spotify Extended Streaming History/._Streaming_History_Audio_2019_0.json',
  ])('%s is skipped', (path) => {
    expect(entryKind(path)).toBeNull();
  });
});

describe('reading an export', () => {
  it('from its zip: every history file by name, each read whole, the rest of the export reported as skipped', async () => {
    const zip = join(dir, 'my_spotify_data.zip');
    const made = await writeExportZip(zip, OPTIONS);
    const { skipped, entries, totals } = await readAll([zip]);

    const extended = entries.filter((entry) => entry.kind === 'extended').map((entry) => entry.name);
    expect(extended.length).toBeGreaterThan(2);
    expect(extended.every((name) => name.startsWith(`${zip}/Spotify Extended Streaming History/Streaming_History_Audio_`))).toBe(true);
    // By Spotify's numbering: _2 before _10.
    expect(extended.map((name) => Number(/_(\d+)\.json$/.exec(name)?.[1]))).toEqual(extended.map((_, index) => index));
    expect(entries.filter((entry) => entry.kind === 'account').map((entry) => entry.name)).toEqual([`${zip}/Spotify Account Data/StreamingHistory_music_0.json`]);
    expect(skipped.map((name) => name.slice(zip.length + 1)).sort()).toEqual([
      'Spotify Account Data/Playlist1.json',
      'Spotify Account Data/StreamingHistory_podcast_0.json',
      'Spotify Account Data/Userdata.json',
      'Spotify Extended Streaming History/ReadMeFirst_ExtendedStreamingHistory.pdf',
    ]);
    expect(totals.extended).toEqual(expected(made).extended);
    expect(totals.account).toEqual(expected(made).account);
  });

  it('from the folder it unpacks to, and from its files named one by one, alike', async () => {
    const folder = join(dir, 'unpacked');
    const made = await writeExportFolder(folder, OPTIONS);
    const whole = await readAll([folder]);
    expect(whole.totals.extended).toEqual(expected(made).extended);
    expect(whole.totals.account).toEqual(expected(made).account);
    expect(whole.skipped).toHaveLength(4);

    const named = made.files.map((file) => join(folder, file)).filter((path) => path.endsWith('.json'));
    const oneByOne = await readAll(named);
    expect(oneByOne.totals).toEqual(whole.totals);
    // Named or found, a file that holds no history is skipped, not refused: `MyData/*.json` works.
    expect(oneByOne.skipped.map((path) => path.slice(folder.length + 1)).sort()).toEqual([
      'Spotify Account Data/Playlist1.json',
      'Spotify Account Data/StreamingHistory_podcast_0.json',
      'Spotify Account Data/Userdata.json',
    ]);
  });

  it("reads the older export's endsong_<n>.json and the service's own .jsonl", async () => {
    const folder = join(dir, 'legacy');
    const made = await writeExportFolder(folder, { seed: 3, years: 1, playsPerDay: 5, legacy: true });
    await writeFile(join(folder, 'own.jsonl'), `${JSON.stringify({ ts: '2025-06-01T10:00:00Z', ms_played: 200_000, spotify_track_uri: 'spotify:track:4uLU6hMCjMI75M1A2tKUQC', master_metadata_track_name: 'A', master_metadata_album_artist_name: 'B' })}\n`);
    const { entries, totals } = await readAll([folder]);
    expect(entries.map((entry) => [entry.name.slice(folder.length + 1), entry.kind])).toEqual([
      ['own.jsonl', 'jsonl'],
      ['Spotify Account Data/StreamingHistory_music_0.json', 'account'],
      ['Spotify Extended Streaming History/endsong_0.json', 'extended'],
    ]);
    expect(totals.extended).toEqual(expected(made).extended);
    expect(totals.jsonl.play).toBe(1);
  });

  it("writes the plays a test gives (the emulator's) among the made-up ones, in both histories of their year", async () => {
    const end = Date.UTC(2026, 0, 1);
    const given = sampleHistory(sampleTracks(5, 'export-'), 20, end - 3 * 86_400_000);
    const zip = join(dir, 'with-emulator.zip');
    const made = await writeExportZip(zip, { seed: 9, years: 1, playsPerDay: 10, end, plays: given });
    const found: ImportedPlay[] = [];
    for await (const entry of exportEntries([zip])) {
      for await (const result of readPlays(entry)) if ('play' in result) found.push(result.play);
    }
    for (const play of given) {
      const same = found.filter((imported) => imported.trackName === play.track.name && Math.abs(imported.endedAt - play.playedAt) < 60_000);
      // Once with its id to the second from the extended history, once to its minute from the account data.
      expect(same.map((imported) => [imported.source, imported.trackId, imported.endedAt])).toEqual([
        ['account', null, Math.floor(play.playedAt / 60_000) * 60_000],
        ['extended', play.track.id, Math.floor(play.playedAt / 1_000) * 1_000],
      ]);
    }
    expect(made.extended.play).toBeGreaterThanOrEqual(given.length);
  });

  it('lets a file go when the caller moves on without reading it, and closes the zip when it stops early', async () => {
    const zip = join(dir, 'early.zip');
    await writeExportZip(zip, { seed: 2, years: 1, playsPerDay: 5 });
    const seen: ExportEntry[] = [];
    for await (const entry of exportEntries([zip])) {
      seen.push(entry);
      if (seen.length === 2) break;
    }
    expect(seen).toHaveLength(2);
    expect(seen.every((entry) => entry.stream.destroyed)).toBe(true);
    // The zip is closed, so it can be read again from the start.
    expect((await readAll([zip])).entries).toHaveLength(2);
  });
});

describe('a file that is not an export', () => {
  const oneLine = (error: ExportFileError, path: string) => {
    expect(error.message.startsWith(`${path}: `)).toBe(true);
    expect(error.message).not.toMatch(/[\r\n]/);
    expect(error.file).toBe(path);
  };

  it('a .txt file, or a path that does not exist, is refused before anything is read', async () => {
    const text = join(dir, 'notes.txt');
    await writeFile(text, 'hello');
    const refused = await errorOf([text]);
    oneLine(refused, text);
    expect(refused.message).toContain('expected a .zip, a folder, or a .json or .jsonl file');

    const missing = join(dir, 'nowhere.zip');
    const notFound = await errorOf([missing]);
    oneLine(notFound, missing);
    expect(notFound.message).toContain('no such file or folder');
  });

  it('a .zip that is not a zip, or a zip cut short, is refused as not a readable zip', async () => {
    const fake = join(dir, 'fake.zip');
    await writeFile(fake, 'this is not a zip file\n'.repeat(20));
    const notZip = await errorOf([fake]);
    oneLine(notZip, fake);
    expect(notZip.message).toContain('not a readable zip');

    const whole = join(dir, 'whole.zip');
    await writeExportZip(whole, { seed: 5, years: 1, playsPerDay: 5 });
    const bytes = await readFile(whole);
    const cut = join(dir, 'cut.zip');
    await writeFile(cut, bytes.subarray(0, Math.floor(bytes.length / 2)));
    const cutShort = await errorOf([cut]);
    oneLine(cutShort, cut);
    expect(cutShort.message).toContain('not a readable zip');
  });

  it('a zip whose history entry is damaged names the entry', async () => {
    const whole = join(dir, 'damaged-source.zip');
    await writeExportZip(whole, { seed: 5, years: 1, playsPerDay: 5 });
    const bytes = Buffer.from(await readFile(whole));
    // Overwrite the middle of the first entry's deflated data: it no longer inflates to its recorded size, or at all.
    const dataStart = 30 + bytes.readUInt16LE(26) + bytes.readUInt16LE(28);
    bytes.fill(0xff, dataStart + 200, dataStart + 2_000);
    const damaged = join(dir, 'damaged.zip');
    await writeFile(damaged, bytes);
    const error = await errorOf([damaged]);
    oneLine(error, `${damaged}/Spotify Extended Streaming History/Streaming_History_Audio_2025_0.json`);
  });

  it('a folder holding no history gives no entries and reports what it skipped', async () => {
    const folder = join(dir, 'other');
    await mkdir(folder);
    await writeFile(join(folder, 'Userdata.json'), '{}');
    const { entries, skipped } = await readAll([folder]);
    expect(entries).toEqual([]);
    expect(skipped).toEqual([join(folder, 'Userdata.json')]);
  });
});
