/**
 * How the history's aggregates are written down (history-aggregates.ts stores them): a list of
 * tracks as one compact string, "id:plays:ms:explicit:artist,artist;…" (Spotify ids are letters
 * and digits; a nested map per track made a year's Query 2.3 MiB and 289 ms), cut into parts of at
 * most PART_BYTES so that no item passes DynamoDB's 400 KB whatever the listening, and the size of
 * an item as DynamoDB counts it. Pure.
 */
import type { DayTrack } from './history-numbers';

/** DynamoDB refuses an item over 400 KB (attribute names and values, UTF-8). */
export const DYNAMODB_ITEM_BYTES = 400 * 1024;

/**
 * The most one part of an aggregate's tracks holds, in UTF-8 bytes. Everything else on the item
 * (keys, totals, a month's day totals: 31 × at most 26 bytes) is under ITEM_OVERHEAD_BYTES, so no
 * aggregate item passes AGGREGATE_ITEM_BYTES (301 KB), a quarter below DynamoDB's limit.
 */
export const PART_BYTES = 300_000;
export const ITEM_OVERHEAD_BYTES = 1_024;
export const AGGREGATE_ITEM_BYTES = PART_BYTES + ITEM_OVERHEAD_BYTES;

export function encodeTrack(track: DayTrack): string {
  return `${track.id}:${track.plays}:${track.ms}:${track.explicit ? 1 : 0}:${track.artistIds.join(',')}`;
}

export function encodeTracks(tracks: DayTrack[]): string {
  return tracks.map(encodeTrack).join(';');
}

/** The whole number written in `text` from `start` to `end` (digits only). */
function digits(text: string, start: number, end: number): number {
  let value = 0;
  for (let at = start; at < end; at++) value = value * 10 + (text.charCodeAt(at) - 48);
  return value;
}

/**
 * Calls `visit` with each entry of an encoded list of tracks, its artists as written (ids joined by
 * ','), without making an object of it: a year's answer reads about 170,000 entries, and counting
 * them straight from the text is what keeps a request inside a small Lambda's CPU.
 */
export function forEachTrack(text: string, visit: (id: string, plays: number, ms: number, explicit: boolean, artists: string) => void): void {
  for (let start = 0; start < text.length; ) {
    let end = text.indexOf(';', start);
    if (end < 0) end = text.length;
    const plays = text.indexOf(':', start);
    const ms = text.indexOf(':', plays + 1);
    const explicit = text.indexOf(':', ms + 1);
    const artists = text.indexOf(':', explicit + 1);
    visit(text.slice(start, plays), digits(text, plays + 1, ms), digits(text, ms + 1, explicit), text.charCodeAt(explicit + 1) === 49, text.slice(artists + 1, end));
    start = end + 1;
  }
}

export function decodeTracks(text: string): DayTrack[] {
  const tracks: DayTrack[] = [];
  forEachTrack(text, (id, plays, ms, explicit, artists) => tracks.push({ id, plays, ms, explicit, artistIds: artists ? artists.split(',') : [] }));
  return tracks;
}

/** A track whose one entry would not fit a part (a track crediting over 13,000 artists): stored nowhere, never cut. */
export class EntryTooLarge extends Error {
  override name = 'EntryTooLarge';
}

/**
 * The tracks as parts of at most `limit` bytes each, every entry whole in one part, in the order
 * given; at least one part (empty when there are no tracks). Joined with ';' they are
 * encodeTracks(tracks): nothing is left out, so the counts read back are the counts written.
 */
export function packTracks(tracks: DayTrack[], limit = PART_BYTES): string[] {
  const parts: string[] = [];
  let current: string[] = [];
  let bytes = 0;
  for (const track of tracks) {
    const entry = encodeTrack(track);
    const size = Buffer.byteLength(entry, 'utf8');
    if (size > limit) throw new EntryTooLarge(`The history's entry for track ${track.id} is ${size} bytes, more than a part holds (${limit})`);
    const joined = current.length ? size + 1 : size;
    if (bytes + joined > limit) {
      parts.push(current.join(';'));
      current = [];
      bytes = 0;
    }
    bytes += current.length ? size + 1 : size;
    current.push(entry);
  }
  parts.push(current.join(';'));
  return parts;
}

/** A value's size as DynamoDB counts it (its documentation's rules; numbers at their longest, 21 bytes). */
function valueBytes(value: unknown): number {
  if (typeof value === 'string') return Buffer.byteLength(value, 'utf8');
  if (typeof value === 'number') return Math.min(21, Math.ceil(String(Math.abs(value)).replace(/[.-]/g, '').length / 2) + 1);
  if (typeof value === 'boolean' || value === null || value === undefined) return 1;
  if (value instanceof Uint8Array) return value.byteLength;
  if (value instanceof Set) return [...value].reduce((sum: number, member) => sum + valueBytes(member), 0);
  if (Array.isArray(value)) return 3 + value.reduce((sum: number, member) => sum + 1 + valueBytes(member), 0);
  return 3 + itemBytes(value as Record<string, unknown>) + Object.keys(value as object).length;
}

/** An item's size as DynamoDB counts it against its 400 KB: every attribute's name and value. */
export function itemBytes(item: Record<string, unknown>): number {
  let bytes = 0;
  for (const [name, value] of Object.entries(item)) {
    if (value === undefined) continue;
    bytes += Buffer.byteLength(name, 'utf8') + valueBytes(value);
  }
  return bytes;
}
