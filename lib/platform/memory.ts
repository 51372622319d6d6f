/**
 * This container's memory: the one way code keeps something between the invocations a warm
 * container serves (results, images, the owner's snapshot, the client secret). Each instance is
 * bounded by a weight its caller gives (entries, or bytes through `weigh`) and forgets the least
 * recently used first, so no cache grows with traffic; each entry may expire, and an expired one is
 * never answered. Concurrent asks for one key share one fetch, so a cold container asks once.
 * Every instance registers itself: `forgetContainerMemory()` empties them all, as a new container
 * would start (the one reset for tests). Time is read through Date.now(), which tests replace.
 */

export interface ContainerMemoryOptions<V> {
  /** The most it keeps: entries, or what `weigh` counts. */
  bound: number;
  /** An entry's weight (its bytes, say); 1 when not given, so `bound` counts entries. */
  weigh?: (value: V) => number;
}

interface Entry<V> {
  value: V;
  /** Epoch milliseconds; Infinity for never. */
  expiresAt: number;
  weight: number;
}

/** Every instance this module instance made, for forgetContainerMemory. */
const instances = new Set<{ clear(): void }>();

/**
 * Keys are strings. `V` is what is kept; `Loaded` what a shared fetch answers (by default the
 * same): the caller decides what, if anything, to keep of it, and until when.
 */
export class ContainerMemory<V, Loaded = V> {
  // A Map iterates in insertion order and every use re-inserts: the first entry is the least recently used.
  private readonly entries = new Map<string, Entry<V>>();
  private readonly pending = new Map<string, Promise<Loaded>>();
  private weight = 0;

  constructor(private readonly options: ContainerMemoryOptions<V>) {
    instances.add(this);
  }

  /** The value kept under `key`, unless it has expired; it becomes the most recently used. */
  get(key: string): V | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    this.entries.delete(key);
    if (entry.expiresAt <= Date.now()) {
      this.weight -= entry.weight;
      return undefined;
    }
    this.entries.set(key, entry);
    return entry.value;
  }

  /** Keeps `value` until `expiresAt` (epoch ms), forgetting the least recently used while over the bound: an entry heavier than the bound alone is not kept. */
  set(key: string, value: V, expiresAt = Number.POSITIVE_INFINITY): void {
    this.delete(key);
    const weight = this.options.weigh?.(value) ?? 1;
    this.entries.set(key, { value, expiresAt, weight });
    this.weight += weight;
    for (const oldest of this.entries.keys()) {
      if (this.weight <= this.options.bound) break;
      this.delete(oldest);
    }
  }

  delete(key: string): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.entries.delete(key);
    this.weight -= entry.weight;
  }

  /** Forgets every entry `drop` names (and any expired one met on the way); fetches under way go on. */
  deleteWhere(drop: (key: string, value: V) => boolean): void {
    const now = Date.now();
    for (const [key, entry] of this.entries) if (entry.expiresAt <= now || drop(key, entry.value)) this.delete(key);
  }

  /**
   * `fetch()`'s answer, shared by every ask for `key` until it settles. Nothing is kept here: the
   * caller keeps what it wants with `set`, so a failed fetch leaves nothing and the next ask fetches again.
   */
  load(key: string, fetch: () => Promise<Loaded>): Promise<Loaded> {
    const under = this.pending.get(key);
    if (under) return under;
    // The executor runs at once (a fetch starts in its caller's request context) and turns a synchronous throw into a rejection.
    const started: Promise<Loaded> = new Promise<Loaded>((resolve) => resolve(fetch())).finally(() => {
      // A reset may have let another fetch of the key start since: that one stays.
      if (this.pending.get(key) === started) this.pending.delete(key);
    });
    this.pending.set(key, started);
    return started;
  }

  /** Forgets every entry, and lets the next ask fetch even if a fetch is under way. */
  clear(): void {
    this.entries.clear();
    this.pending.clear();
    this.weight = 0;
  }
}

/** Empties every ContainerMemory of this container (of this module instance: tests load a container's modules afresh). */
export function forgetContainerMemory(): void {
  for (const memory of instances) memory.clear();
}
