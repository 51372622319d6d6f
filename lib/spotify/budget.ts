/**
 * The day's Spotify budget, kept by every function and container together: one item in the main
 * table (pk "budget") that every call to Spotify (Web API and token endpoint) is counted on
 * before it is made, with one conditional UpdateItem that counts and refuses in the same step.
 *
 * What is limited: the calls of the rolling window — this hour and the 24 before it, so any 24
 * hours fall inside it — against four limits (config/budget.cjs): the public features' part, and
 * the reserves of token refreshes, the owner's own actions and the collector, which public
 * traffic can never take. A condition cannot add, so each limit keeps a running count `c_<limit>`
 * and, for every hour, the count when the hour began (`m_<limit>_<hour>`, written by the hour's
 * first call): the window's calls are `c − m` of its first hour, and `o_<limit>` (the count minus
 * the limit, written with it) makes "one more fits" the plain comparison `o < m`. A missing mark
 * means no call since that hour began (each call writes the marks of its whole window), so the
 * window is empty. Calls per source per hour (`n_<hour>_<tally>`) are counted alongside, for the
 * pacing of the public features (lib/listening/pacing.ts) and /status.
 *
 * Spotify's own daily quota (QUOTA_EXCEEDED, with a Retry-After of hours) is kept on the same
 * item (`lockedUntil`, never moved earlier), and the same condition refuses every call before it.
 * A container keeps what it last learnt (the item as its last call left it), and refuses without
 * any I/O while it knows the answer: a full limit stays full until the next hour begins, a
 * lockout until it ends.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { budgetConfig, type BudgetConfig } from '../platform/config';
import { SpotifyError } from '../platform/errors';
import { logger } from '../platform/logger';
import { ContainerMemory } from '../platform/memory';
import { conditionally, send } from '../platform/table';

export const BUDGET_KEY = { pk: 'budget' };
export const HOUR_MS = 3_600_000;
/** The hours counted: this one and the 24 before it. */
export const WINDOW_HOURS = 25;

/** What a call is counted as: a reserve's name, or the public source it fetches (e.g. "now-playing"). */
export type Tally = string;
export type Reserve = 'refresh' | 'owner' | 'collector';
export type Limit = Reserve | 'public';
const RESERVES: readonly string[] = ['refresh', 'owner', 'collector'] satisfies Reserve[];
const LIMITS: readonly Limit[] = ['public', 'refresh', 'owner', 'collector'];

export const limitOf = (tally: Tally): Limit => (RESERVES.includes(tally) ? (tally as Reserve) : 'public');

/** The item as read: calls per hour and tally, and Spotify's lockout. */
export interface Ledger {
  /** Epoch hour → tally → calls. */
  hours: Map<number, Map<Tally, number>>;
  /** Epoch ms before which Spotify refuses every call (its QUOTA_EXCEEDED Retry-After), and since when. */
  lockedUntil?: number;
  lockedSince?: number;
  /** The item's attributes, for dropping those of hours past the window. */
  attributes: string[];
  /** The limits the item has counted for (the first call of each starts its count). */
  started: Limit[];
}

export const hourOf = (ms: number) => Math.floor(ms / HOUR_MS);

/** The calls of the window ending at `now`, per tally. */
export function spentByTally(ledger: Ledger | undefined, now = Date.now()): Map<Tally, number> {
  const spent = new Map<Tally, number>();
  const hour = hourOf(now);
  for (const [at, tallies] of ledger?.hours ?? []) {
    if (at <= hour - WINDOW_HOURS || at > hour) continue;
    for (const [tally, calls] of tallies) spent.set(tally, (spent.get(tally) ?? 0) + calls);
  }
  return spent;
}

/** The calls of the window per limit (public, and each reserve). */
export function spentByLimit(ledger: Ledger | undefined, now = Date.now()): Record<Limit, number> {
  const spent: Record<Limit, number> = { public: 0, refresh: 0, owner: 0, collector: 0 };
  for (const [tally, calls] of spentByTally(ledger, now)) spent[limitOf(tally)] += calls;
  return spent;
}

/** Spotify's quota lockout in force at `now`: since when, until when (epoch ms). */
export function quotaLockout(ledger: Ledger | undefined, now = Date.now()): { since: number; until: number } | undefined {
  const until = ledger?.lockedUntil;
  return until !== undefined && until > now ? { since: ledger?.lockedSince ?? now, until } : undefined;
}

type Item = Record<string, unknown>;

const HOUR_COUNT = /^n_(\d+)_(.+)$/;

export function ledgerOf(item: Item | undefined): Ledger {
  const hours = new Map<number, Map<Tally, number>>();
  for (const [name, value] of Object.entries(item ?? {})) {
    const match = HOUR_COUNT.exec(name);
    if (!match || typeof value !== 'number') continue;
    const hour = Number(match[1]);
    const tallies = hours.get(hour) ?? new Map<Tally, number>();
    tallies.set(match[2]!, value);
    hours.set(hour, tallies);
  }
  const number = (value: unknown) => (typeof value === 'number' ? value : undefined);
  return {
    hours,
    lockedUntil: number(item?.lockedUntil),
    lockedSince: number(item?.lockedSince),
    attributes: Object.keys(item ?? {}),
    started: LIMITS.filter((limit) => typeof item?.[`c_${limit}`] === 'number'),
  };
}

/** What this container last learnt of the item (only a later read replaces it), and the limits it found full, until the hour ends. */
const learnt = new ContainerMemory<{ ledger: Ledger; at: number }>({ bound: 1 });
const full = new ContainerMemory<number>({ bound: 4 });

/** The item as this container last saw it (undefined before its first call or read). */
export function knownLedger(): Ledger | undefined {
  return learnt.get('ledger')?.ledger;
}

function learn(ledger: Ledger, at: number): Ledger {
  const known = learnt.get('ledger');
  if (!known || known.at <= at) learnt.set('ledger', { ledger, at });
  return ledger;
}

/** The item now (a consistent read): for /status, the watch, and a refused call that must learn why. */
export async function readLedger(): Promise<Ledger> {
  const at = Date.now();
  const { Item } = await send<{ Item?: Item }>((TableName) => new GetCommand({ TableName, Key: BUDGET_KEY, ConsistentRead: true }));
  return learn(ledgerOf(Item), at);
}

const nextHour = (now: number) => (hourOf(now) + 1) * HOUR_MS;
const secondsUntil = (at: number, now: number) => Math.max(1, Math.ceil((at - now) / 1000));

/** The refusal of a call while Spotify's quota is spent. */
export const quotaSpent = (until: number, now = Date.now()) => new SpotifyError('quota_exceeded', 429, secondsUntil(until, now));

/** The refusal a call meets now without asking DynamoDB, if this container knows it. */
function knownRefusal(limit: Limit, now: number): SpotifyError | undefined {
  const locked = knownLedger()?.lockedUntil;
  if (locked !== undefined && locked > now) return quotaSpent(locked, now);
  const until = full.get(limit);
  return until === undefined ? undefined : new SpotifyError('budget', undefined, secondsUntil(until, now));
}

function limitOfBudget(limit: Limit, budget: BudgetConfig): number {
  return limit === 'public' ? budget.public : budget.reserves[limit];
}

/** Counts one call as `tally` and checks it fits, in one conditional UpdateItem; answers the item after it. */
async function count(tally: Tally, limit: Limit, allowed: number, now: number): Promise<Item> {
  const hour = hourOf(now);
  const names: Record<string, string> = { '#c': `c_${limit}`, '#o': `o_${limit}`, '#n': `n_${hour}_${tally}`, '#locked': 'lockedUntil' };
  // Every operand is the item before this write (DynamoDB's rule); the count is raised with SET, not
  // ADD, which dynalite applies before the marks are read.
  const sets = ['#o = #c - :fitsOneLess', '#c = #c + :one'];
  for (let i = 0; i < WINDOW_HOURS; i++) {
    names[`#m${i}`] = `m_${limit}_${hour - WINDOW_HOURS + 1 + i}`;
    sets.push(`#m${i} = if_not_exists(#m${i}, #c)`);
  }
  // What the item holds of hours past the window, as this container last saw it, goes with this write.
  const past = (knownLedger()?.attributes ?? []).filter((name) => pastWindow(name, hour)).slice(0, 50);
  past.forEach((name, i) => (names[`#r${i}`] = name));
  const remove = past.length ? ` REMOVE ${past.map((_, i) => `#r${i}`).join(', ')}` : '';
  const { Attributes } = await send<{ Attributes?: Item }>((TableName) =>
    new UpdateCommand({
      TableName,
      Key: BUDGET_KEY,
      UpdateExpression: `SET ${sets.join(', ')} ADD #n :one${remove}`,
      // The mark of the window's first hour (#m0) is absent when nothing was counted since it began.
      ConditionExpression: 'attribute_exists(#c) AND (attribute_not_exists(#locked) OR #locked <= :now) AND (attribute_not_exists(#m0) OR #o < #m0)',
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: { ':one': 1, ':fitsOneLess': allowed - 1, ':now': now },
      ReturnValues: 'ALL_NEW',
    }),
  );
  return Attributes ?? {};
}

/** Marks and hourly counts of hours before the window that begins at `hour`'s 24th predecessor. */
function pastWindow(name: string, hour: number): boolean {
  const match = /^(?:m_[a-z]+|n)_(\d+)/.exec(name);
  return match !== null && Number(match[1]) <= hour - WINDOW_HOURS;
}

/** Starts the counts of every limit on the item (the first call of all, or of a new limit). */
async function startCounts(): Promise<void> {
  await send((TableName) =>
    new UpdateCommand({
      TableName,
      Key: BUDGET_KEY,
      UpdateExpression: `SET ${LIMITS.map((_, i) => `#c${i} = if_not_exists(#c${i}, :zero)`).join(', ')}`,
      ExpressionAttributeNames: Object.fromEntries(LIMITS.map((limit, i) => [`#c${i}`, `c_${limit}`])),
      ExpressionAttributeValues: { ':zero': 0 },
    }),
  );
}

/**
 * Counts one call to Spotify as `tally` against its limit, or refuses it: a SpotifyError of kind
 * "budget" while the limit's window is full (until the next hour begins), "quota_exceeded" while
 * Spotify's quota is spent. One UpdateItem when it fits; no I/O at all when this container knows
 * the refusal already.
 */
export async function spend(tally: Tally, budget: BudgetConfig = budgetConfig()): Promise<void> {
  const limit = limitOf(tally);
  const allowed = limitOfBudget(limit, budget);
  for (let attempt = 0; ; attempt++) {
    const now = Date.now();
    const refused = knownRefusal(limit, now);
    if (refused) throw refused;
    if (allowed <= 0) throw new SpotifyError('budget', undefined, secondsUntil(nextHour(now), now));
    try {
      learn(ledgerOf(await count(tally, limit, allowed, now)), now);
      return;
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
    // Refused: learn why, once (a refusal is cheap to keep: nothing changes it before the hour ends).
    const ledger = await readLedger();
    if (ledger.lockedUntil !== undefined && ledger.lockedUntil > now) throw quotaSpent(ledger.lockedUntil, now);
    // Not a full window: the counts were not started when this call was written (another container
    // may have started them since), or calls left the window meanwhile. Once more, then refused.
    if (attempt < 2 && (!ledger.started.includes(limit) || spentByLimit(ledger, now)[limit] < allowed)) {
      if (!ledger.started.includes(limit)) await startCounts();
      continue;
    }
    full.set(limit, nextHour(now), nextHour(now));
    logger.info('The day\'s Spotify budget refuses a call', { tally, limit, allowed, until: new Date(nextHour(now)).toISOString() });
    throw new SpotifyError('budget', undefined, secondsUntil(nextHour(now), now));
  }
}

/**
 * Spotify answered QUOTA_EXCEEDED: no container calls it before `retryAfterSeconds` pass. A
 * lockout is only ever made longer; a new one (none in force) records since when.
 */
export async function recordQuotaLockout(retryAfterSeconds: number): Promise<void> {
  const now = Date.now();
  const until = now + retryAfterSeconds * 1000;
  const values = { ':until': until, ':now': now };
  const started = await conditionally(() =>
    send((TableName) =>
      new UpdateCommand({
        TableName,
        Key: BUDGET_KEY,
        UpdateExpression: 'SET lockedUntil = :until, lockedSince = :now',
        ConditionExpression: 'attribute_not_exists(lockedUntil) OR lockedUntil <= :now',
        ExpressionAttributeValues: values,
      }),
    ),
  );
  if (!started) {
    await conditionally(() =>
      send((TableName) =>
        new UpdateCommand({ TableName, Key: BUDGET_KEY, UpdateExpression: 'SET lockedUntil = :until', ConditionExpression: 'lockedUntil < :until', ExpressionAttributeValues: { ':until': until } }),
      ),
    );
  }
  const ledger = knownLedger() ?? ledgerOf(undefined);
  const lockedUntil = Math.max(until, ledger.lockedUntil ?? 0);
  learn({ ...ledger, lockedUntil, lockedSince: started ? now : (ledger.lockedSince ?? now) }, Date.now());
  logger.warn('Spotify\'s daily quota is spent: no call until it ends', { until: new Date(lockedUntil).toISOString() });
}
