/**
 * A synthetic Spotify data export, deterministic from a seed, for the import's tests: never real
 * data. The extended streaming history (Streaming_History_Audio_<years>_<n>.json, split by size as
 * Spotify splits it, or the older endsong_<n>.json), with every field Spotify writes, the personal
 * ones filled with values that are plainly fake (a documentation-range IP, a made-up username);
 * its mix of music, podcasts, audiobooks, tracks whose metadata was lost, short plays and private
 * sessions; the account data's last year (StreamingHistory_music_<n>.json and its podcasts); and
 * files an import must skip (Userdata.json, a playlist, the PDF). Plays given by a test (the ones
 * the Spotify emulator serves) are written among them, so overlaps between the two can be tested.
 */
import { createWriteStream } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { finished } from 'node:stream/promises';
import yazl from 'yazl';
import { prng, spotifyId } from './spotify-emulator/util';

/** What every play the generator writes is, as the import should judge it. */
export type GeneratedKind = 'play' | 'podcast' | 'audiobook' | 'no_track' | 'short' | 'incognito';

/** A play to write into the export: the emulator's plays fit (the track, and when it ended in ms). */
export interface GivenPlay {
  track: { id: string; name: string; duration_ms: number; artists: { name: string }[]; album: { name: string } };
  playedAt: number;
}

export interface ExportOptions {
  seed?: number;
  /** How many years of extended history, ending at `end`. */
  years?: number;
  playsPerDay?: number;
  /** When the history ends, epoch ms (a fixed day by default, so a seed always gives the same bytes). */
  end?: number;
  /** Plays written as they are, as music plays of the extended history (and of the account data in its year). */
  plays?: readonly GivenPlay[];
  /** Size at which an extended history file is split; Spotify's are about 12 MB. */
  fileBytes?: number;
  /** The older extended history: endsong_<n>.json, ip_addr_decrypted, no audiobook fields. */
  legacy?: boolean;
}

export interface GeneratedExport {
  /** Every file written, by its path inside the export. */
  files: string[];
  /** How many elements of the extended history are of each kind. */
  extended: Record<GeneratedKind, number>;
  /** How many elements of the account data's music files are plays, and how many are short. */
  account: { play: number; short: number };
}

const DAY_MS = 86_400_000;
const EXTENDED_FOLDER = 'Spotify Extended Streaming History';
const ACCOUNT_FOLDER = 'Spotify Account Data';
/** 2026-01-01T00:00:00Z */
const DEFAULT_END = Date.UTC(2026, 0, 1);
/** The personal fields' fake values, for tests that look for them in what was imported. */
export const FAKE_PERSONAL = {
  username: 'synthetic-listener-0000',
  platform: 'SyntheticOS 0.0 (not a real device)',
  conn_country: 'ZZ',
  ip_addr: '192.0.2.44',
  user_agent_decrypted: 'synthetic-agent/0.0',
  offline_timestamp: 1_000_000_001,
} as const;

interface Catalogue {
  tracks: { uri: string; name: string; artist: string; album: string | null; durationMs: number }[];
  shows: { name: string; uri: string }[];
  books: { title: string; uri: string }[];
}

/** The export's files as [path inside the export, bytes], each written as it is made. */
export function* exportFiles(options: ExportOptions = {}): Generator<[string, Buffer], GeneratedExport> {
  const seed = options.seed ?? 1;
  const next = prng(seed);
  const end = options.end ?? DEFAULT_END;
  const start = end - Math.round((options.years ?? 1) * 365) * DAY_MS;
  const catalogue = catalogueOf(seed, next);
  const counts: GeneratedExport = { files: [], extended: { play: 0, podcast: 0, audiobook: 0, no_track: 0, short: 0, incognito: 0 }, account: { play: 0, short: 0 } };
  const entries = extendedEntries(options, catalogue, next, start, end);
  const accountMusic: Record<string, unknown>[] = [];
  const accountPodcasts: Record<string, unknown>[] = [];
  const splitAt = options.fileBytes ?? 12_000_000;
  let part: string[] = [];
  let partBytes = 0;
  let partNumber = 0;
  const yearsOf = (entry: Record<string, unknown>) => String(entry.ts).slice(0, 4);
  let firstYear = '';
  let lastYear = '';
  const extendedFile = (): [string, Buffer] => {
    const years = firstYear === lastYear ? firstYear : `${firstYear}-${lastYear}`;
    const name = options.legacy ? `endsong_${partNumber}.json` : `Streaming_History_Audio_${years}_${partNumber}.json`;
    partNumber += 1;
    const file: [string, Buffer] = [`${EXTENDED_FOLDER}/${name}`, Buffer.from(`[\n${part.join(',\n')}\n]`)];
    part = [];
    partBytes = 0;
    counts.files.push(file[0]);
    return file;
  };
  for (const { entry, kind } of entries) {
    counts.extended[kind] += 1;
    if (part.length === 0) firstYear = yearsOf(entry);
    lastYear = yearsOf(entry);
    const json = JSON.stringify(entry, null, 2).replace(/^/gm, '  ');
    part.push(json);
    partBytes += json.length + 2;
    if (partBytes >= splitAt) yield extendedFile();
    const ended = Date.parse(String(entry.ts));
    if (ended >= end - 365 * DAY_MS && kind !== 'incognito' && kind !== 'audiobook' && kind !== 'no_track') {
      const endTime = new Date(ended).toISOString().slice(0, 16).replace('T', ' ');
      if (kind === 'podcast') accountPodcasts.push({ endTime, podcastName: entry.episode_show_name, episodeName: entry.episode_name, msPlayed: entry.ms_played });
      else {
        accountMusic.push({ endTime, artistName: entry.master_metadata_album_artist_name, trackName: entry.master_metadata_track_name, msPlayed: entry.ms_played });
        counts.account[kind === 'short' ? 'short' : 'play'] += 1;
      }
    }
  }
  if (part.length > 0) yield extendedFile();
  for (let index = 0; index * 10_000 < accountMusic.length; index += 1) {
    yield named(counts, `${ACCOUNT_FOLDER}/StreamingHistory_music_${index}.json`, JSON.stringify(accountMusic.slice(index * 10_000, (index + 1) * 10_000), null, 2));
  }
  yield named(counts, `${ACCOUNT_FOLDER}/StreamingHistory_podcast_0.json`, JSON.stringify(accountPodcasts, null, 2));
  yield named(counts, `${ACCOUNT_FOLDER}/Userdata.json`, JSON.stringify({ username: FAKE_PERSONAL.username, email: 'listener@example.invalid', country: 'ZZ', birthdate: '1970-01-01' }, null, 2));
  yield named(counts, `${ACCOUNT_FOLDER}/Playlist1.json`, JSON.stringify({ playlists: [{ name: 'Synthetic mix', items: [] }] }, null, 2));
  yield named(counts, `${EXTENDED_FOLDER}/ReadMeFirst_ExtendedStreamingHistory.pdf`, '%PDF-1.4\n% synthetic, not a real document\n%%EOF\n');
  return counts;
}

function named(counts: GeneratedExport, path: string, text: string): [string, Buffer] {
  counts.files.push(path);
  return [path, Buffer.from(text)];
}

/** Writes the export into `folder`, laid out as Spotify's zip unpacks. */
export async function writeExportFolder(folder: string, options: ExportOptions = {}): Promise<GeneratedExport> {
  const files = exportFiles(options);
  for (let file = files.next(); ; file = files.next()) {
    if (file.done) return file.value;
    const [path, bytes] = file.value;
    await mkdir(dirname(join(folder, path)), { recursive: true });
    await writeFile(join(folder, path), bytes);
  }
}

/** Writes the export as the zip Spotify sends. */
export async function writeExportZip(zipPath: string, options: ExportOptions = {}): Promise<GeneratedExport> {
  const zip = new yazl.ZipFile();
  const written = createWriteStream(zipPath);
  zip.outputStream.pipe(written);
  const files = exportFiles(options);
  let file = files.next();
  for (; !file.done; file = files.next()) zip.addBuffer(file.value[1], file.value[0], { mtime: new Date(DEFAULT_END) });
  zip.end();
  await finished(written);
  return file.value;
}

function catalogueOf(seed: number, next: () => number): Catalogue {
  const artists = Array.from({ length: 40 }, (_, i) => `Synthetic Artist ${i + 1}`);
  return {
    tracks: Array.from({ length: 400 }, (_, i) => ({
      uri: `spotify:track:${spotifyId(`export-${seed}-track-${i}`)}`,
      name: `Synthetic Song ${i + 1}`,
      artist: artists[Math.floor(next() * artists.length)] as string,
      // Some tracks come without their album, as exports sometimes do.
      album: next() < 0.05 ? null : `Synthetic Album ${Math.floor(i / 10) + 1}`,
      durationMs: 90_000 + Math.floor(next() * 240_000),
    })),
    shows: Array.from({ length: 5 }, (_, i) => ({ name: `Synthetic Show ${i + 1}`, uri: `spotify:episode:${spotifyId(`export-${seed}-episode-${i}`)}` })),
    books: Array.from({ length: 3 }, (_, i) => ({ title: `Synthetic Book ${i + 1}`, uri: `spotify:audiobook:${spotifyId(`export-${seed}-book-${i}`)}` })),
  };
}

const pick = <T>(items: readonly T[], next: () => number): T => items[Math.floor(next() * items.length)] as T;

/** Every element of the extended history in time order, the given plays among them. */
function* extendedEntries(options: ExportOptions, catalogue: Catalogue, next: () => number, start: number, end: number): Generator<{ entry: Record<string, unknown>; kind: GeneratedKind }> {
  const given = [...(options.plays ?? [])].sort((a, b) => a.playedAt - b.playedAt);
  let g = 0;
  const perDay = options.playsPerDay ?? 30;
  for (let day = start; day < end; day += DAY_MS) {
    const times = Array.from({ length: perDay }, () => day + Math.floor(next() * DAY_MS)).sort((a, b) => a - b);
    for (const time of times) {
      for (; g < given.length && (given[g] as GivenPlay).playedAt <= time; g += 1) yield { entry: givenEntry(given[g] as GivenPlay, options), kind: 'play' };
      yield madeUp(time, catalogue, next, options);
    }
  }
  for (; g < given.length; g += 1) yield { entry: givenEntry(given[g] as GivenPlay, options), kind: 'play' };
}

function madeUp(time: number, catalogue: Catalogue, next: () => number, options: ExportOptions): { entry: Record<string, unknown>; kind: GeneratedKind } {
  const roll = next();
  const track = pick(catalogue.tracks, next);
  if (roll < 0.04) {
    const show = pick(catalogue.shows, next);
    return { kind: 'podcast', entry: element(time, 600_000 + Math.floor(next() * 1_800_000), { episode_name: `Episode ${Math.floor(next() * 200) + 1}`, episode_show_name: show.name, spotify_episode_uri: show.uri }, options) };
  }
  if (roll < 0.05 && !options.legacy) {
    const book = pick(catalogue.books, next);
    return { kind: 'audiobook', entry: element(time, 900_000, { audiobook_title: book.title, audiobook_uri: book.uri, audiobook_chapter_uri: `spotify:chapter:${spotifyId(`${book.uri}-${time}`)}`, audiobook_chapter_title: 'Chapter 1' }, options) };
  }
  // A track Spotify lost the metadata of: nothing but its time and length.
  if (roll < 0.07) return { kind: 'no_track', entry: element(time, Math.floor(next() * 200_000), {}, options) };
  const music = { master_metadata_track_name: track.name, master_metadata_album_artist_name: track.artist, master_metadata_album_album_name: track.album, spotify_track_uri: track.uri };
  if (roll < 0.09) return { kind: 'incognito', entry: element(time, track.durationMs, { ...music, incognito_mode: true }, options) };
  if (roll < 0.25) return { kind: 'short', entry: element(time, Math.floor(next() * 30_000), { ...music, reason_end: 'fwdbtn', skipped: true }, options) };
  return { kind: 'play', entry: element(time, 30_000 + Math.floor(next() * (track.durationMs - 30_000)), music, options) };
}

function givenEntry(play: GivenPlay, options: ExportOptions): Record<string, unknown> {
  return element(
    play.playedAt,
    play.track.duration_ms,
    {
      master_metadata_track_name: play.track.name,
      master_metadata_album_artist_name: play.track.artists[0]?.name ?? null,
      master_metadata_album_album_name: play.track.album.name,
      spotify_track_uri: `spotify:track:${play.track.id}`,
    },
    options,
  );
}

/** One element with every field Spotify writes, in its order; what `fields` does not set is null. */
function element(endedAt: number, msPlayed: number, fields: Record<string, unknown>, options: ExportOptions): Record<string, unknown> {
  const ip = options.legacy ? { ip_addr_decrypted: FAKE_PERSONAL.ip_addr } : { ip_addr: FAKE_PERSONAL.ip_addr };
  const entry: Record<string, unknown> = {
    ts: new Date(endedAt).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    username: FAKE_PERSONAL.username,
    platform: FAKE_PERSONAL.platform,
    ms_played: msPlayed,
    conn_country: FAKE_PERSONAL.conn_country,
    ...ip,
    user_agent_decrypted: FAKE_PERSONAL.user_agent_decrypted,
    master_metadata_track_name: null,
    master_metadata_album_artist_name: null,
    master_metadata_album_album_name: null,
    spotify_track_uri: null,
    episode_name: null,
    episode_show_name: null,
    spotify_episode_uri: null,
    ...(options.legacy ? {} : { audiobook_title: null, audiobook_uri: null, audiobook_chapter_uri: null, audiobook_chapter_title: null }),
    reason_start: 'trackdone',
    reason_end: 'trackdone',
    shuffle: false,
    skipped: false,
    offline: false,
    offline_timestamp: FAKE_PERSONAL.offline_timestamp,
    incognito_mode: false,
  };
  return Object.assign(entry, fields);
}
