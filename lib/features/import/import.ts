/**
 * Imports Spotify's data export into the listening history, with no Spotify call: the files carry
 * what the history needs (when a play ended, how long it was listened to, the track's id and names).
 *
 * - The extended streaming history (and this service's own export) first, then the account data,
 *   which is used only outside the period the extended history covers (this import's, and every
 *   earlier one's, kept on the import's state item): it has no ids and minutes only.
 * - A play already stored (collected, or imported before) is not stored again: the same track
 *   ending within MATCH_MS of it is the same play. The export's `ts` and the API's `played_at` are
 *   both when the stream ended and differ by seconds; two real plays of one track end at least 30 s
 *   apart (a play is 30 s or more), so 20 s never merges two. The account data's minute (truncated)
 *   is matched within 90 s, by the track's and an artist's name: a track played twice within 90 s
 *   with both plays under a minute and a half counts once there.
 * - Names: a track the collector has seen keeps its credits (artist ids); otherwise its artist is
 *   the export's album artist, by the id of a stored artist of that name (case and spacing aside),
 *   else by a name key (`~…`) that every later play of that name shares. What that gets wrong:
 *   two artists of one name are one, and only the album artist is credited (no features).
 *   A track the account data names without an id gets a name key (`~…`) of its artist and title.
 * - Writes are idempotent (a play's key is its end and its track; a rerun finds what is stored as
 *   duplicates), so an interrupted import run again finishes. A day is marked on the import's state
 *   item before its new plays are written; at the end every marked day has its aggregate rewritten
 *   from its stored plays, then its month's roll-up, and the marks are cleared: a run cut short
 *   leaves its marks to the next, and a run that stores nothing rewrites nothing.
 * Plays are taken day by day, a few days held at once (the files are nearly chronological), so
 * memory does not grow with the export.
 */
import { createHash } from 'node:crypto';
import { historyConfig } from '../../platform/config';
import { withRequest } from '../../platform/request-context';
import { localDate, startOfDay, addDays } from '../../platform/time';
import { rewriteDay, rollUpMonths } from '../../listening/history-rewrite';
import {
  allArtists,
  catalogueTracks,
  clearImportDays,
  importCoverage,
  importPendingDays,
  markImportDays,
  noteImport,
  playsBetween,
  putCatalogueItems,
  putPlays,
  type PlayedTrack,
  type StoredPlay,
} from '../../listening/history-store';
import { exportEntries, type EntryKind } from './export-files';
import { emptySkipCounts, readPlays, type ImportedPlay, type SkipCounts } from './plays';

export interface ImportProgress {
  filesDone: number;
  /** The file being read. */
  file: string | null;
  /** Elements read from the files. */
  read: number;
  imported: number;
  /** Plays already stored (collected, or imported before). */
  duplicates: number;
  /** Account-data plays inside the period the extended history covers. */
  covered: number;
  /** Plays older than HISTORY_RETENTION_DAYS: not kept. */
  pastRetention: number;
  skipped: SkipCounts;
}

export interface ImportReport extends ImportProgress {
  /** Files in the export that are not streaming history, by name. */
  skippedFiles: string[];
  /** Days whose aggregates were rewritten. */
  days: number;
  /** The first and last play imported or found stored (ISO-8601). */
  first: string | null;
  last: string | null;
}

/** How far apart two records of one play may end, by how precisely the file dates them. */
export const MATCH_MS: Record<'exact' | 'minute', number> = { exact: 20_000, minute: 90_000 };
/** Days held open at once before the oldest is written. */
const OPEN_DAYS = 8;
const LONG_WORK_MS = 24 * 3_600_000;
const REWRITES_AT_ONCE = 4;

const normal = (name: string) => name.normalize('NFKC').trim().replace(/\s+/g, ' ').toLowerCase();
/** A name key: letters and digits of a hash, never ':' ',' or ';' (the aggregates' separators). */
const nameKey = (...names: string[]) => `~${createHash('sha256').update(names.map(normal).join('\u0000')).digest('base64url').slice(0, 21)}`;

interface Pending {
  play: ImportedPlay;
  kind: EntryKind;
}

class Importer {
  readonly progress: ImportProgress = { filesDone: 0, file: null, read: 0, imported: 0, duplicates: 0, covered: 0, pastRetention: 0, skipped: emptySkipCounts() };
  readonly touched = new Set<string>();
  first: number | null = null;
  last: number | null = null;
  /** The extended history's span in this run. */
  extended: { from: number; to: number } | null = null;
  private readonly open = new Map<string, Pending[]>();
  private readonly tracks = new Map<string, Pick<PlayedTrack, 'name' | 'credits'> | null>();
  private artistsByName = new Map<string, string>();
  private readonly catalogued = new Set<string>();
  private readonly timeZone = historyConfig().timeZone;
  private readonly retentionDays = historyConfig().retentionDays;

  constructor(readonly user: string) {}

  async start(): Promise<void> {
    // An artist's id wins over its name key: the ids first.
    const artists = (await allArtists(this.user)).sort((a, b) => Number(a.id.startsWith('~')) - Number(b.id.startsWith('~')));
    for (const { id, name } of artists) {
      this.catalogued.add(`artist ${id}`);
      if (!this.artistsByName.has(normal(name))) this.artistsByName.set(normal(name), id);
    }
  }

  async take(play: ImportedPlay, kind: EntryKind): Promise<void> {
    const date = localDate(play.endedAt, this.timeZone);
    const day = this.open.get(date) ?? [];
    day.push({ play, kind });
    this.open.set(date, day);
    while (this.open.size > OPEN_DAYS) await this.flushOldest();
  }

  async flushAll(): Promise<void> {
    while (this.open.size) await this.flushOldest();
  }

  private async flushOldest(): Promise<void> {
    const [date] = [...this.open.keys()].sort();
    const plays = this.open.get(date!)!;
    this.open.delete(date!);
    await this.day(date!, plays);
  }

  /** The stored plays of `date`'s day and MATCH_MS either side, then what is new of `plays`, written. */
  private async day(date: string, plays: Pending[]): Promise<void> {
    const from = startOfDay(date, this.timeZone) - MATCH_MS.minute;
    const to = startOfDay(addDays(date, 1), this.timeZone) + MATCH_MS.minute;
    const stored = await playsBetween(this.user, new Date(from).toISOString(), new Date(to).toISOString());
    await this.knowTracks(plays.flatMap(({ play }) => (play.trackId ? [play.trackId] : [])));
    const known = stored.map((play) => ({ at: Date.parse(play.playedAt), track: play.track }));
    const fresh: StoredPlay[] = [];
    const keepFrom = this.retentionDays === undefined ? -Infinity : Date.now() - this.retentionDays * 86_400_000;
    for (const { play, kind } of plays.sort((a, b) => a.play.endedAt - b.play.endedAt)) {
      if (play.endedAt < keepFrom) {
        this.progress.pastRetention += 1;
        continue;
      }
      const track = this.trackOf(play);
      const window = kind === 'account' ? MATCH_MS.minute : MATCH_MS.exact;
      const same =
        kind === 'account'
          ? (other: PlayedTrack) => normal(other.name) === normal(play.trackName) && other.credits.some((credit) => normal(credit.name) === normal(play.artistName))
          : (other: PlayedTrack) => other.id === track.id;
      this.see(play.endedAt);
      if (known.some((other) => Math.abs(other.at - play.endedAt) <= window && same(other.track))) {
        this.progress.duplicates += 1;
        continue;
      }
      const stored: StoredPlay = { playedAt: new Date(play.endedAt).toISOString(), track, msPlayed: play.msPlayed, source: 'import' };
      known.push({ at: play.endedAt, track });
      fresh.push(stored);
    }
    if (!fresh.length) return;
    if (!this.touched.has(date)) await markImportDays(this.user, [date]);
    this.touched.add(date);
    await this.catalogue(fresh.map((play) => play.track));
    const keepUntil = (play: StoredPlay) => (this.retentionDays === undefined ? undefined : Date.parse(play.playedAt) + this.retentionDays * 86_400_000);
    await putPlays(this.user, fresh, keepUntil);
    this.progress.imported += fresh.length;
  }

  /** The aggregates' ttl, as the collector sets it: HISTORY_RETENTION_DAYS from now (reads skip what is past it anyway). */
  keepUntil(): number | undefined {
    return this.retentionDays === undefined ? undefined : Date.now() + this.retentionDays * 86_400_000;
  }

  private see(at: number): void {
    this.first = this.first === null ? at : Math.min(this.first, at);
    this.last = this.last === null ? at : Math.max(this.last, at);
  }

  /** Learns the credits of the tracks the collector has seen (what is stored wins over the file's one name). */
  private async knowTracks(ids: string[]): Promise<void> {
    const unknown = [...new Set(ids)].filter((id) => !this.tracks.has(id));
    if (!unknown.length) return;
    const found = await catalogueTracks(this.user, unknown);
    for (const id of unknown) {
      this.tracks.set(id, found.get(id) ?? null);
      if (found.has(id)) this.catalogued.add(`track ${id}`);
    }
  }

  private artistId(name: string, ids?: string[], index = 0): string {
    const given = ids?.[index];
    if (given) return given;
    const key = normal(name);
    const id = this.artistsByName.get(key) ?? nameKey(name);
    this.artistsByName.set(key, id);
    return id;
  }

  private trackOf(play: ImportedPlay): PlayedTrack {
    const id = play.trackId ?? play.trackKey ?? nameKey(play.artistName, play.trackName);
    const stored = play.trackId ? this.tracks.get(play.trackId) : undefined;
    const names = play.artistNames?.length ? play.artistNames : play.artistName ? [play.artistName] : [];
    const credits = stored?.credits.length ? stored.credits : names.map((name, index) => ({ id: this.artistId(name, play.artistIds, index), name }));
    return {
      id,
      name: stored?.name || play.trackName,
      credits,
      album: play.albumName ?? '',
      durationMs: play.durationMs ?? play.msPlayed,
      explicit: play.explicit ?? false,
      ...(play.trackId ? { url: `https://open.spotify.com/track/${play.trackId}` } : {}),
    };
  }

  /** Names for the answers of tracks and artists not in the catalogue yet (never overwriting what the collector stored). */
  private async catalogue(tracks: PlayedTrack[]): Promise<void> {
    const items: { kind: 'track' | 'artist'; id: string; name: string; credits?: PlayedTrack['credits']; explicit?: boolean }[] = [];
    for (const track of tracks) {
      if (!this.catalogued.has(`track ${track.id}`)) {
        this.catalogued.add(`track ${track.id}`);
        this.tracks.set(track.id, { name: track.name, credits: track.credits });
        items.push({ kind: 'track', id: track.id, name: track.name, credits: track.credits, explicit: track.explicit });
      }
      for (const credit of track.credits) {
        if (!credit.id || this.catalogued.has(`artist ${credit.id}`)) continue;
        this.catalogued.add(`artist ${credit.id}`);
        items.push({ kind: 'artist', id: credit.id, name: credit.name });
      }
    }
    await putCatalogueItems(this.user, items);
  }
}

/**
 * Imports the export at `paths` (a zip, a folder, files) into the owner `user`'s history; throws an
 * ExportFileError naming a file that is not a Spotify export. `onProgress` hears after each file
 * and every few thousand plays.
 */
export async function importExport(paths: string[], options: { user: string; onProgress?: (progress: ImportProgress) => void }): Promise<ImportReport> {
  return withRequest({ deadline: Date.now() + LONG_WORK_MS, caller: 'collector' }, async () => {
    const importer = new Importer(options.user);
    await importer.start();
    // Days an earlier import stored plays on but was cut short before rewriting.
    const leftOver = await importPendingDays(options.user);
    const { progress } = importer;
    const skippedFiles = new Set<string>();
    const tell = () => options.onProgress?.({ ...progress, skipped: { ...progress.skipped } });
    const earlier = await importCoverage(options.user);
    let coverage = earlier;
    // The extended history (and this service's export) first: it decides what the account data may add.
    for (const pass of ['exact', 'account'] as const) {
      if (pass === 'account') {
        await importer.flushAll();
        const span = importer.extended;
        coverage = span ? { from: Math.min(span.from, earlier?.from ?? Infinity), to: Math.max(span.to, earlier?.to ?? -Infinity) } : earlier;
      }
      for await (const entry of exportEntries(paths, { onSkipped: (name) => skippedFiles.add(name) })) {
        if ((entry.kind === 'account') !== (pass === 'account')) {
          entry.stream.resume();
          continue;
        }
        progress.file = entry.name;
        for await (const result of readPlays(entry)) {
          progress.read += 1;
          if ('skip' in result) progress.skipped[result.skip] += 1;
          else if (pass === 'account' && coverage && result.play.endedAt >= coverage.from - MATCH_MS.minute && result.play.endedAt <= coverage.to + MATCH_MS.minute) progress.covered += 1;
          else {
            if (pass === 'exact' && entry.kind === 'extended') {
              const span = importer.extended;
              importer.extended = span ? { from: Math.min(span.from, result.play.endedAt), to: Math.max(span.to, result.play.endedAt) } : { from: result.play.endedAt, to: result.play.endedAt };
            }
            await importer.take(result.play, entry.kind);
          }
          if (progress.read % 5_000 === 0) tell();
        }
        progress.filesDone += 1;
        tell();
      }
    }
    await importer.flushAll();
    progress.file = null;
    // The span is noted before the days are rewritten: a rerun finds the plays stored, and the account data left out alike.
    if (importer.extended) await noteImport(options.user, importer.extended);
    const dates = [...new Set([...importer.touched, ...leftOver])].sort();
    const keepUntil = importer.keepUntil();
    // Days are independent: a few at once (a decade is 3,650 of them).
    let next = 0;
    await Promise.all(Array.from({ length: REWRITES_AT_ONCE }, async () => {
      while (next < dates.length) await rewriteDay(options.user, dates[next++]!, keepUntil);
    }));
    await rollUpMonths(options.user, dates, keepUntil);
    await clearImportDays(options.user, dates);
    tell();
    return {
      ...progress,
      skipped: { ...progress.skipped },
      skippedFiles: [...skippedFiles].sort(),
      days: dates.length,
      first: importer.first === null ? null : new Date(importer.first).toISOString(),
      last: importer.last === null ? null : new Date(importer.last).toISOString(),
    };
  });
}
