/**
 * Every stored play of the owner, written back out in the extended streaming history's field
 * names, one play a line (JSON Lines, or CSV for a spreadsheet), so the file imports again here
 * or into another tool that reads Spotify's export. What that format has no field for (every
 * credited artist, the track's length, whether it is explicit, where the play came from) goes
 * under `x_` names, which the import reads when present. The fields that say who listened where
 * (PERSONAL_FIELDS) are never stored, so they cannot be written: the columns are a fixed list.
 */
import { everyPlay, type StoredPlay } from '../../listening/history-store';

/** A stored play as the export reads it: the history's own shape (history-store.ts). */
export type StoredPlayItem = StoredPlay;

/** One line of the export: the extended history's fields, then the service's own. */
export interface ExportLine {
  ts: string;
  ms_played: number;
  master_metadata_track_name: string;
  master_metadata_album_artist_name: string | null;
  master_metadata_album_album_name: string | null;
  spotify_track_uri: string | null;
  episode_name: null;
  episode_show_name: null;
  spotify_episode_uri: null;
  reason_start: null;
  reason_end: null;
  shuffle: null;
  skipped: null;
  offline: null;
  incognito_mode: false;
  x_artist_uris: (string | null)[];
  x_artist_names: string[];
  x_duration_ms: number;
  x_explicit: boolean;
  x_source: 'import' | 'collector';
  x_track_key: string | null;
}

export type ExportFormat = 'jsonl' | 'csv';
export const EXPORT_FORMATS: readonly ExportFormat[] = ['jsonl', 'csv'];

/** The columns, in order: JSON Lines writes its keys in this order too. */
export const EXPORT_COLUMNS = [
  'ts',
  'ms_played',
  'master_metadata_track_name',
  'master_metadata_album_artist_name',
  'master_metadata_album_album_name',
  'spotify_track_uri',
  'episode_name',
  'episode_show_name',
  'spotify_episode_uri',
  'reason_start',
  'reason_end',
  'shuffle',
  'skipped',
  'offline',
  'incognito_mode',
  'x_artist_uris',
  'x_artist_names',
  'x_duration_ms',
  'x_explicit',
  'x_source',
  'x_track_key',
] as const satisfies readonly (keyof ExportLine)[];

/** Ids made up from names (a track or artist the export knew only by name) start with this; they are no Spotify id. */
const SYNTHETIC = '~';

/** The export line of one stored play. */
export function exportLine(play: StoredPlayItem): ExportLine {
  const { track } = play;
  const synthetic = track.id.startsWith(SYNTHETIC);
  return {
    // Spotify writes whole seconds; a collected play's milliseconds are within the import's window.
    ts: `${new Date(play.playedAt).toISOString().slice(0, 19)}Z`,
    // The API tells nothing of how long a collected play lasted: its track's length stands for it.
    ms_played: play.msPlayed ?? track.durationMs,
    master_metadata_track_name: track.name,
    master_metadata_album_artist_name: track.credits[0]?.name ?? null,
    master_metadata_album_album_name: track.album === '' ? null : track.album,
    spotify_track_uri: synthetic ? null : `spotify:track:${track.id}`,
    episode_name: null,
    episode_show_name: null,
    spotify_episode_uri: null,
    reason_start: null,
    reason_end: null,
    shuffle: null,
    skipped: null,
    offline: null,
    incognito_mode: false,
    // Kept in step with x_artist_names: an artist known only by name has no URI, so null in its place.
    x_artist_uris: track.credits.map((credit) => (credit.id.startsWith(SYNTHETIC) ? null : `spotify:artist:${credit.id}`)),
    x_artist_names: track.credits.map((credit) => credit.name),
    x_duration_ms: track.durationMs,
    x_explicit: track.explicit,
    x_source: play.source === 'import' ? 'import' : 'collector',
    x_track_key: synthetic ? track.id : null,
  };
}

/** One JSON Lines line, its keys in EXPORT_COLUMNS's order. */
export function jsonLine(line: ExportLine): string {
  return `${JSON.stringify(Object.fromEntries(EXPORT_COLUMNS.map((column) => [column, line[column]])))}\n`;
}

export function csvHeader(): string {
  return `${EXPORT_COLUMNS.join(',')}\r\n`;
}

/** One CSV record (RFC 4180: CRLF, fields with a comma, quote or line break quoted, quotes doubled); lists joined with `;`, null empty. */
export function csvRow(line: ExportLine): string {
  return `${EXPORT_COLUMNS.map((column) => csvField(line[column])).join(',')}\r\n`;
}

function csvField(value: ExportLine[keyof ExportLine]): string {
  const text = value === null ? '' : Array.isArray(value) ? value.map((part) => part ?? '').join(';') : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** The export of every stored play of `user`, as text to write out in turn (CSV's header first); `onPlay` counts them. */
export async function* exportPlays(user: string, format: ExportFormat, onPlay: () => void = () => undefined): AsyncGenerator<string> {
  if (format === 'csv') yield csvHeader();
  for await (const play of everyPlay(user)) {
    onPlay();
    yield format === 'csv' ? csvRow(exportLine(play)) : jsonLine(exportLine(play));
  }
}
