/**
 * The day and month aggregates in the history table (what /history reads; history-numbers.ts
 * computes them, history-format.ts writes them down):
 *   pk "day#<user>"    sk "YYYY-MM-DD"             a day's head: plays, ms, parts, writeId, its first part of tracks
 *   pk "month#<user>"  sk "YYYY-MM"                a month's head: the same, and each day's totals ("DD:plays:ms;…")
 *   either             sk "<key>#<writeId>#<n>"    the head's part n (1…parts−1): more of its tracks
 * Bounded: a part holds at most PART_BYTES of tracks, so no item passes AGGREGATE_ITEM_BYTES
 * however many tracks a day or month has; a big month is several items, never a cut one.
 * No lost update: the head is the commit point, written last and only if the stored one counts no
 * more plays (`plays` is the version: a later view of a day's plays, or of a month's days, counts at
 * least as many); an older view's write is refused and its parts deleted. Parts carry their write's
 * id, so two writers never overwrite each other's parts, and a reader takes only the parts its
 * head names: one Query reads heads and parts, and a torn read (a head whose parts it did not see)
 * is read again, consistently.
 */
import { randomUUID } from 'node:crypto';
import { DeleteCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { StorageError } from '../platform/errors';
import { logger } from '../platform/logger';
import { addDays } from '../platform/time';
import { conditionally } from '../platform/table';
import { decodeTracks, packTracks } from './history-format';
import { totalsOf, type DayAggregate, type DayTrack, type MonthAggregate } from './history-numbers';
import { queryBetween, send, ttlOf, type ReadBudget } from './history-table';

interface Head {
  pk: string;
  sk: string;
  plays?: number;
  ms?: number;
  /** How many items hold the tracks (1: the head alone); absent on items written before parts. */
  parts?: number;
  writeId?: string;
  tracks?: string;
  days?: string;
  writtenAt?: number;
}

/** A part left by a write that never committed its head is deleted once it is this old (longer than any run lives). */
const ORPHAN_AFTER_MS = 15 * 60_000;
/** A torn read is read again this many times (consistently) before giving up. */
const READ_ATTEMPTS = 3;

const partKey = (key: string, writeId: string, n: number) => `${key}#${writeId}#${n}`;

async function deleteParts(pk: string, sks: string[]): Promise<void> {
  await Promise.all(sks.map((sk) => send((TableName) => new DeleteCommand({ TableName, Key: { pk, sk } }))));
}

/**
 * Deletes the parts of `key` that its head (written with `writeId`) does not name: those of the head
 * it replaced (`replaced`), and any left by a write that died before its head, once ORPHAN_AFTER_MS old.
 */
async function sweepParts(pk: string, key: string, writeId: string, replaced: Head | undefined, now: number): Promise<void> {
  const parts = await queryBetween<Head>(pk, `${key}#`, `${key}#\uffff`, { consistent: true });
  const stale = parts.filter((part) => {
    const id = part.sk.split('#')[1];
    return id !== writeId && (id === replaced?.writeId || (part.writtenAt ?? 0) < now - ORPHAN_AFTER_MS);
  });
  await deleteParts(pk, stale.map((part) => part.sk));
}

/**
 * Writes one aggregate under `key`: its parts first, then its head, unless the stored head counts
 * more plays (true when written). `fields` are the head's other attributes (a month's day totals).
 */
async function putAggregate(pk: string, key: string, totals: { plays: number; ms: number }, fields: Record<string, unknown>, tracks: DayTrack[], keepUntil?: number): Promise<boolean> {
  const [first = '', ...rest] = packTracks(tracks);
  const writeId = randomUUID().slice(0, 8);
  const writtenAt = Date.now();
  const parts = rest.map((text, index) => partKey(key, writeId, index + 1));
  for (const [index, sk] of parts.entries()) {
    await send((TableName) => new PutCommand({ TableName, Item: { pk, sk, tracks: rest[index], writtenAt, ...ttlOf(keepUntil) } }));
  }
  let replaced: Head | undefined;
  const written = await conditionally(async () => {
    const { Attributes } = await send<{ Attributes?: Head }>((TableName) =>
      new PutCommand({
        TableName,
        Item: { pk, sk: key, plays: totals.plays, ms: totals.ms, parts: parts.length + 1, writeId, tracks: first, ...fields, writtenAt, ...ttlOf(keepUntil) },
        // Only a view counting at least the stored plays: an older one never overwrites a newer.
        ConditionExpression: 'attribute_not_exists(pk) OR attribute_not_exists(plays) OR plays <= :plays',
        ExpressionAttributeValues: { ':plays': totals.plays },
        ReturnValues: 'ALL_OLD',
      }),
    );
    replaced = Attributes;
  });
  if (!written) {
    logger.info('An aggregate counting more plays was stored already: this older view is not written', { pk: pk.split('#')[0], key });
    await deleteParts(pk, parts);
    return false;
  }
  if (parts.length || (replaced?.parts ?? 1) > 1) await sweepParts(pk, key, writeId, replaced, writtenAt);
  return true;
}

interface Assembled {
  key: string;
  head: Head;
  /** All its tracks, as written down (its parts joined). */
  tracks: string;
}

/** The aggregates among `items` (heads and parts), each with all its tracks; undefined when a head's part is missing (a torn read). */
function assemble(items: Head[]): Assembled[] | undefined {
  const texts = new Map(items.map((item) => [item.sk, item.tracks ?? '']));
  const assembled: Assembled[] = [];
  for (const head of items) {
    if (head.sk.includes('#')) continue;
    const parts = [head.tracks ?? ''];
    for (let n = 1; n < (head.parts ?? 1); n++) {
      const text = texts.get(partKey(head.sk, head.writeId ?? '', n));
      if (text === undefined) return undefined;
      parts.push(text);
    }
    assembled.push({ key: head.sk, head, tracks: parts.filter(Boolean).join(';') });
  }
  return assembled;
}

/** The aggregates of one partition with keys from `from` to `to` (inclusive), their parts with them. */
async function readAggregates(pk: string, from: string, to: string, budget?: ReadBudget): Promise<Assembled[]> {
  for (let attempt = 0; attempt < READ_ATTEMPTS; attempt++) {
    const items = await queryBetween<Head>(pk, from, `${to}#\uffff`, { budget, ...(attempt ? { consistent: true } : {}) });
    const assembled = assemble(items);
    if (assembled) return assembled;
  }
  throw new StorageError(`The history's aggregates under ${pk.split('#')[0]} kept changing while read`);
}

export async function putDay(user: string, day: DayAggregate, keepUntil?: number): Promise<boolean> {
  return putAggregate(`day#${user}`, day.date, day, {}, day.tracks, keepUntil);
}

/** Days read by one Query: a year is read as several ranges at once, not as pages one after another. */
const DAYS_PER_QUERY = 92;

/** An aggregate as read, its tracks still written down (history-format.ts's forEachTrack reads them without making objects). */
export type Written<A> = Omit<A, 'tracks'> & { tracks: string };

/** The day aggregates from `from` to `to` (YYYY-MM-DD, inclusive), oldest first, their tracks as written. */
export async function writtenDaysBetween(user: string, from: string, to: string, budget?: ReadBudget): Promise<Written<DayAggregate>[]> {
  const ranges: [string, string][] = [];
  for (let start = from; start <= to; start = addDays(start, DAYS_PER_QUERY)) {
    const end = addDays(start, DAYS_PER_QUERY - 1);
    ranges.push([start, end < to ? end : to]);
  }
  const read = await Promise.all(ranges.map(([start, end]) => readAggregates(`day#${user}`, start, end, budget)));
  return read.flat().map(({ key, head, tracks }) => ({ date: key, plays: head.plays ?? 0, ms: head.ms ?? 0, tracks }));
}

/** The day aggregates from `from` to `to` (YYYY-MM-DD, inclusive), oldest first. */
export async function daysBetween(user: string, from: string, to: string, budget?: ReadBudget): Promise<DayAggregate[]> {
  return (await writtenDaysBetween(user, from, to, budget)).map((day) => ({ ...day, tracks: decodeTracks(day.tracks) }));
}

export async function putMonth(user: string, month: MonthAggregate, keepUntil?: number): Promise<boolean> {
  const days = month.days.map((day) => `${day.date.slice(8)}:${day.plays}:${day.ms}`).join(';');
  return putAggregate(`month#${user}`, month.month, month, { days }, month.tracks, keepUntil);
}

function decodeDays(month: string, text: string | undefined): MonthAggregate['days'] {
  if (!text) return [];
  return text.split(';').map((entry) => {
    const [day = '01', plays = '0', ms = '0'] = entry.split(':');
    return { date: `${month}-${day}`, plays: Number(plays), ms: Number(ms) };
  });
}

/** The roll-ups of the months `from` to `to` (YYYY-MM, inclusive). */
export async function monthsBetween(user: string, from: string, to: string, budget?: ReadBudget): Promise<MonthAggregate[]> {
  return (await writtenMonthsBetween(user, from, to, budget)).map((month) => ({ ...month, tracks: decodeTracks(month.tracks) }));
}

/** The roll-ups of the months `from` to `to` (YYYY-MM, inclusive), their tracks as written. */
export async function writtenMonthsBetween(user: string, from: string, to: string, budget?: ReadBudget): Promise<Written<MonthAggregate>[]> {
  const read = await readAggregates(`month#${user}`, from, to, budget);
  return read.map(({ key, head, tracks }) => {
    const days = decodeDays(key, head.days);
    // Roll-ups written before they kept their totals: the sum of their days'.
    const totals = head.plays === undefined ? totalsOf(days) : { plays: head.plays, ms: head.ms ?? 0 };
    return { month: key, ...totals, days, tracks };
  });
}
