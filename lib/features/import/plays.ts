/**
 * The plays in one file of a Spotify data export, read as the file streams in: a JSON array
 * element by element (@streamparser/json drops each element once it is handed on, so a 12 MB
 * file never sits in memory), the service's own export line by line. Each element is either a
 * play, by the rule Spotify's recently played counts by (a music track, heard for 30 s or more,
 * not in a private session), or a skip with its reason, so an import can say what it left out.
 *
 * A play is built from the fields it needs and nothing else: the export also holds who listened
 * where (username, IP address, device, country), and none of that is kept (`PERSONAL_FIELDS`).
 */
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { JSONParser, TokenType } from '@streamparser/json';
import { ExportFileError, type EntryKind, type ExportEntry } from './export-files';

/** The shortest stream Spotify counts as a play. */
export const MIN_PLAY_MS = 30_000;

/** Fields of an export that say who listened, where and on what: never copied into a play. */
export const PERSONAL_FIELDS = ['username', 'platform', 'conn_country', 'ip_addr', 'ip_addr_decrypted', 'user_agent_decrypted', 'offline_timestamp'] as const;

export interface ImportedPlay {
  /** When the stream ended, in epoch ms (the account data's to the minute). */
  endedAt: number;
  msPlayed: number;
  source: EntryKind;
  /** The track's 22-character id; null for the account data, which has no URIs. */
  trackId: string | null;
  /** A track the service knew only by its artist's and its own name: its key (`~…`), from the service's own export. */
  trackKey?: string;
  /** Empty when the export lost the name (the id still names the track). */
  trackName: string;
  artistName: string;
  albumName: string | null;
  /** From the service's own export only. */
  artistIds?: string[];
  artistNames?: string[];
  durationMs?: number;
  explicit?: boolean;
}

export const SKIP_REASONS = ['podcast', 'audiobook', 'no_track', 'short', 'incognito', 'invalid'] as const;
export type SkipReason = (typeof SKIP_REASONS)[number];
/** How many elements were left out, by reason. */
export type SkipCounts = Record<SkipReason, number>;

export type PlayOrSkip = { play: ImportedPlay } | { skip: SkipReason };

export function emptySkipCounts(): SkipCounts {
  return { podcast: 0, audiobook: 0, no_track: 0, short: 0, incognito: 0, invalid: 0 };
}

// The fields an element must have one of to be taken for streaming history at all.
const EXTENDED_FIELDS = ['ts', 'ms_played', 'master_metadata_track_name', 'spotify_track_uri', 'spotify_episode_uri', 'reason_end'];
const ACCOUNT_FIELDS = ['endTime', 'msPlayed', 'artistName', 'trackName'];

const TRACK_URI = /^spotify:track:([0-9A-Za-z]{22})$/;
const ARTIST_URI = /^spotify:artist:([0-9A-Za-z]{22})$/;
/** The import's key of a track known only by name (lib/features/import/import.ts): "~" and 21 characters of base64url. */
const TRACK_KEY = /^~[0-9A-Za-z_-]{21}$/;
const ISO_UTC = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(\.\d+)?Z$/;
const ACCOUNT_MINUTE = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2})$/;

/** Every element of one export file, as a play or a skip; throws ExportFileError when the file is no streaming history. */
export async function* readPlays(entry: ExportEntry): AsyncGenerator<PlayOrSkip> {
  const elements = entry.kind === 'jsonl' ? jsonLines(entry.name, entry.stream) : arrayElements(entry.name, entry.stream);
  let index = 0;
  for await (const element of elements) {
    index += 1;
    const fields = historyEntry(element, entry.kind);
    if (fields === null) throw new ExportFileError(entry.name, `entry ${index} is ${described(element)}, not a Spotify streaming history entry`);
    yield entry.kind === 'account' ? accountPlay(fields) : extendedPlay(fields, entry.kind);
  }
}

/**
 * An element of the extended streaming history (or the service's own export, with its x_
 * fields). The first reason that holds is the one given: what was streamed, then how.
 */
export function extendedPlay(fields: Record<string, unknown>, source: 'extended' | 'jsonl'): PlayOrSkip {
  const endedAt = isoTime(fields.ts);
  const msPlayed = fields.ms_played;
  if (endedAt === null || !isCount(msPlayed)) return { skip: 'invalid' };
  if (isSet(fields.spotify_episode_uri) || isSet(fields.episode_name) || isSet(fields.episode_show_name)) return { skip: 'podcast' };
  if (isSet(fields.audiobook_uri) || isSet(fields.audiobook_chapter_uri) || isSet(fields.audiobook_title)) return { skip: 'audiobook' };
  const trackId = typeof fields.spotify_track_uri === 'string' ? (TRACK_URI.exec(fields.spotify_track_uri)?.[1] ?? null) : null;
  // The service's own export names a track it knew only by name by its key instead of a URI.
  const trackKey = source === 'jsonl' && typeof fields.x_track_key === 'string' && TRACK_KEY.test(fields.x_track_key) ? fields.x_track_key : undefined;
  if (trackId === null && trackKey === undefined) return { skip: 'no_track' };
  if (fields.incognito_mode === true) return { skip: 'incognito' };
  if (msPlayed < MIN_PLAY_MS) return { skip: 'short' };
  const play: ImportedPlay = {
    endedAt,
    msPlayed,
    source,
    trackId,
    ...(trackKey && !trackId ? { trackKey } : {}),
    trackName: text(fields.master_metadata_track_name) ?? '',
    artistName: text(fields.master_metadata_album_artist_name) ?? '',
    albumName: text(fields.master_metadata_album_album_name),
  };
  return { play: source === 'jsonl' ? withOwnFields(play, fields) : play };
}

/** An element of the account data's last year: no URI, so the track is known by its artist's name and its own. */
export function accountPlay(fields: Record<string, unknown>): PlayOrSkip {
  const endedAt = accountMinute(fields.endTime);
  const msPlayed = fields.msPlayed;
  if (endedAt === null || !isCount(msPlayed)) return { skip: 'invalid' };
  const trackName = text(fields.trackName);
  if (trackName === null) return { skip: 'no_track' };
  if (msPlayed < MIN_PLAY_MS) return { skip: 'short' };
  return { play: { endedAt, msPlayed, source: 'account', trackId: null, trackName, artistName: text(fields.artistName) ?? '', albumName: null } };
}

/** The service's own export adds what the history lacks (written by `npm run export`); each only when well formed. */
function withOwnFields(play: ImportedPlay, fields: Record<string, unknown>): ImportedPlay {
  const own = { ...play };
  if (Array.isArray(fields.x_artist_uris)) {
    // By position, as x_artist_names lists them: an artist known only by name has '' (the import keys it by its name).
    own.artistIds = fields.x_artist_uris.map((uri) => (typeof uri === 'string' ? (ARTIST_URI.exec(uri)?.[1] ?? '') : ''));
  }
  if (Array.isArray(fields.x_artist_names)) {
    own.artistNames = fields.x_artist_names.filter((name): name is string => typeof name === 'string');
    if (own.artistName === '') own.artistName = own.artistNames[0] ?? '';
  }
  if (isCount(fields.x_duration_ms)) own.durationMs = fields.x_duration_ms;
  if (typeof fields.x_explicit === 'boolean') own.explicit = fields.x_explicit;
  return own;
}

function historyEntry(element: unknown, kind: EntryKind): Record<string, unknown> | null {
  if (typeof element !== 'object' || element === null || Array.isArray(element)) return null;
  const fields = element as Record<string, unknown>;
  const known = kind === 'account' ? ACCOUNT_FIELDS : EXTENDED_FIELDS;
  return known.some((field) => field in fields) ? fields : null;
}

function described(element: unknown): string {
  if (element === null) return 'null';
  if (Array.isArray(element)) return 'an array';
  return typeof element === 'object' ? 'an object without any of its fields' : `a ${typeof element}`;
}

const isSet = (value: unknown): boolean => value !== null && value !== undefined && value !== '';
const isCount = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value) && value >= 0;
const text = (value: unknown): string | null => (typeof value === 'string' && value !== '' ? value : null);

/** Spotify's `ts`, e.g. 2019-03-04T18:22:31Z; a date that does not exist (a 30 February) is no time. */
function isoTime(value: unknown): number | null {
  const parts = typeof value === 'string' ? ISO_UTC.exec(value) : null;
  if (!parts) return null;
  const time = Date.parse(value as string);
  return Number.isNaN(time) || new Date(time).toISOString().slice(0, 19) !== parts[1] ? null : time;
}

/** The account data's `endTime`, "YYYY-MM-DD HH:MM" in UTC. */
function accountMinute(value: unknown): number | null {
  const parts = typeof value === 'string' ? ACCOUNT_MINUTE.exec(value) : null;
  if (!parts) return null;
  const [year, month, day, hour, minute] = parts.slice(1).map(Number) as [number, number, number, number, number];
  const time = Date.UTC(year, month - 1, day, hour, minute);
  const back = new Date(time);
  return back.getUTCMonth() === month - 1 && back.getUTCDate() === day && hour < 24 && minute < 60 ? time : null;
}

/** The elements of a JSON array, each handed on as soon as its closing brace has streamed in. */
async function* arrayElements(name: string, stream: Readable): AsyncGenerator<unknown> {
  const parser = new JSONParser({ paths: ['$.*'], keepStack: false });
  const ready: unknown[] = [];
  let first: TokenType | undefined;
  let offset = 0;
  let count = 0;
  parser.onToken = (token) => {
    first ??= token.token;
    offset = token.offset;
  };
  parser.onValue = ({ value }) => {
    count += 1;
    ready.push(value);
  };
  /** Runs a step of the parser; what it throws is the file's JSON, said with roughly where. */
  const parsed = (step: () => void): void => {
    try {
      step();
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      if (/ended in mid-parsing|ended in the middle/i.test(message)) throw new ExportFileError(name, `the JSON ends early, after entry ${count} (the file is cut off)`);
      const at = /absolute position "(\d+)"/.exec(message)?.[1] ?? String(offset);
      throw new ExportFileError(name, `broken JSON near byte ${at}, after entry ${count}`);
    }
  };
  const notAnArray = (): void => {
    if (first !== undefined && first !== TokenType.LEFT_BRACKET) throw new ExportFileError(name, 'not a Spotify streaming history (its JSON is not an array)');
  };
  try {
    for await (const chunk of stream) {
      parsed(() => parser.write(chunk as Buffer));
      notAnArray();
      for (const value of ready) yield value;
      ready.length = 0;
    }
    // The parser ends itself when the array closes; a lone number or word only becomes a token at the end.
    if (!parser.isEnded) parsed(() => parser.end());
    notAnArray();
    if (first === undefined) throw new ExportFileError(name, 'empty file, not a Spotify streaming history');
  } catch (error) {
    if (error instanceof ExportFileError) throw error;
    // The bytes did not arrive: a file that cannot be read, a zip entry that does not inflate.
    throw new ExportFileError(name, `cannot be read (${error instanceof Error ? error.message : String(error)})`);
  }
}

/** The service's own export: one JSON object a line; blank lines are allowed. */
async function* jsonLines(name: string, stream: Readable): AsyncGenerator<unknown> {
  let line = 0;
  try {
    for await (const text of createInterface({ input: stream, crlfDelay: Infinity })) {
      line += 1;
      if (text.trim() === '') continue;
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch {
        throw new ExportFileError(name, `broken JSON on line ${line}`);
      }
      yield value;
    }
  } catch (error) {
    if (error instanceof ExportFileError) throw error;
    throw new ExportFileError(name, `cannot be read (${error instanceof Error ? error.message : String(error)})`);
  }
}
