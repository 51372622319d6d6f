/**
 * The files of a Spotify data export ("Download your data"), found in what a person points the
 * import at: the zip Spotify sends, the folder it unzips to, or single .json/.jsonl files. Each
 * streaming-history file comes out in turn as a stream of its bytes, never read whole: the files
 * are 10–12 MB each and an export has a dozen, so neither a file nor the zip is held in memory
 * (yauzl reads the zip's central directory, then inflates one entry at a time). Everything else
 * in an export (the PDF, Userdata.json, playlists, podcast and video history) is skipped by its
 * name and reported, so a caller can say what it left out.
 */
import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import type { Readable } from 'node:stream';
import yauzl, { type Entry, type ZipFile } from 'yauzl';

/** Which of the three formats a file holds: the extended history, the account data's year, or the service's own export. */
export type EntryKind = 'extended' | 'account' | 'jsonl';

/** One streaming-history file: read `stream` to its end (or destroy it) before asking for the next. */
export interface ExportEntry {
  /** The file's path; for a zip's entry, the zip's path then the entry's path inside it. */
  name: string;
  kind: EntryKind;
  stream: Readable;
}

export interface ExportFileOptions {
  /** Called with the name of each file left out because it holds no streaming history. */
  onSkipped?: (name: string) => void;
}

/** A file the import cannot read; its message is one line that names the file and what is wrong. */
export class ExportFileError extends Error {
  override readonly name = 'ExportFileError';

  constructor(
    readonly file: string,
    problem: string,
  ) {
    super(`${file}: ${problem}`.replace(/\s*[\r\n]+\s*/g, ' '));
  }
}

// Anchored on the file's own name, so macOS's "._Streaming_History…" copies in a re-zipped export do not match.
const KINDS: readonly [RegExp, EntryKind][] = [
  [/^Streaming_History_Audio_.*\.json$/i, 'extended'],
  [/^endsong_\d+\.json$/i, 'extended'],
  [/^StreamingHistory_music_\d+\.json$/i, 'account'],
  // Before the account data split music from podcasts.
  [/^StreamingHistory\d+\.json$/i, 'account'],
  [/^[^.].*\.jsonl$/i, 'jsonl'],
];

/** What a file holds, by its name; null for every other file of an export. */
export function entryKind(path: string): EntryKind | null {
  const file = basename(path.replace(/\\/g, '/'));
  return KINDS.find(([pattern]) => pattern.test(file))?.[1] ?? null;
}

// Streaming_History_Audio_2019_2 after _1 and before _10, as Spotify numbers them.
const byName = new Intl.Collator('en', { numeric: true }).compare;

/** Each streaming-history file under `paths`, in the order given (a folder's and a zip's files by name). */
export async function* exportEntries(paths: readonly string[], options: ExportFileOptions = {}): AsyncGenerator<ExportEntry> {
  const skipped = options.onSkipped ?? (() => undefined);
  for (const path of paths) {
    const kind = await pathKind(path);
    if (kind === 'zip') yield* zipEntries(path, skipped);
    else if (kind === 'folder') yield* folderEntries(path, skipped);
    else yield* fileEntry(path, skipped);
  }
}

async function pathKind(path: string): Promise<'zip' | 'folder' | 'file'> {
  const found = await stat(path).catch(() => null);
  if (found === null) throw new ExportFileError(path, 'no such file or folder');
  if (found.isDirectory()) return 'folder';
  const extension = extname(path).toLowerCase();
  if (extension === '.zip') return 'zip';
  if (extension === '.json' || extension === '.jsonl') return 'file';
  throw new ExportFileError(path, 'not a Spotify export: expected a .zip, a folder, or a .json or .jsonl file');
}

async function* fileEntry(path: string, skipped: (name: string) => void): AsyncGenerator<ExportEntry> {
  const kind = entryKind(path);
  if (kind === null) skipped(path);
  else yield* handedOut({ name: path, kind, stream: createReadStream(path) });
}

async function* folderEntries(folder: string, skipped: (name: string) => void): AsyncGenerator<ExportEntry> {
  const files = (await readdir(folder, { recursive: true, withFileTypes: true }))
    .filter((found) => found.isFile())
    .map((found) => join(found.parentPath, found.name))
    .sort(byName);
  for (const path of files) {
    // A zip beside its unzipped files would count every play twice: only the zip named itself is read.
    const kind = entryKind(path);
    if (kind === null) skipped(path);
    else yield* handedOut({ name: path, kind, stream: createReadStream(path) });
  }
}

async function* zipEntries(zipPath: string, skipped: (name: string) => void): AsyncGenerator<ExportEntry> {
  const zip = await openZip(zipPath);
  try {
    const entries = (await centralDirectory(zip, zipPath)).sort((a, b) => byName(a.fileName, b.fileName));
    for (const entry of entries) {
      const name = `${zipPath}/${entry.fileName}`;
      const kind = entryKind(entry.fileName);
      if (kind === null) skipped(name);
      else yield* handedOut({ name, kind, stream: await entryStream(zip, entry, name) });
    }
  } finally {
    zip.close();
  }
}

/** Yields the entry, then makes sure its file is let go of even when the caller moved on without reading it. */
async function* handedOut(entry: ExportEntry): AsyncGenerator<ExportEntry> {
  try {
    yield entry;
  } finally {
    entry.stream.destroy();
  }
}

function openZip(zipPath: string): Promise<ZipFile> {
  return new Promise((resolve, reject) => {
    yauzl.open(zipPath, { lazyEntries: true, autoClose: false }, (error, zip) => {
      if (error) reject(new ExportFileError(zipPath, `not a readable zip (${error.message})`));
      else resolve(zip);
    });
  });
}

/** The zip's list of files (names and sizes only: nothing is inflated yet). */
function centralDirectory(zip: ZipFile, zipPath: string): Promise<Entry[]> {
  return new Promise((resolve, reject) => {
    const entries: Entry[] = [];
    zip.on('entry', (entry: Entry) => {
      if (!entry.fileName.endsWith('/')) entries.push(entry);
      zip.readEntry();
    });
    zip.once('end', () => resolve(entries));
    zip.once('error', (error: Error) => reject(new ExportFileError(zipPath, `not a readable zip (${error.message})`)));
    zip.readEntry();
  });
}

function entryStream(zip: ZipFile, entry: Entry, name: string): Promise<Readable> {
  return new Promise((resolve, reject) => {
    zip.openReadStream(entry, (error, stream) => {
      if (error) reject(new ExportFileError(name, `cannot be read from the zip (${error.message})`));
      else resolve(stream);
    });
  });
}
