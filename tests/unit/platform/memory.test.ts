/**
 * The one container memory (lib/platform/memory.ts): its bound by entries and by bytes, least
 * recently used first; expiry read through Date.now(); deletion by a predicate; one fetch at a time
 * per key; and the one reset that empties every instance.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ContainerMemory, forgetContainerMemory } from '../../../lib/platform/memory';

/** A promise and the hands that settle it. */
function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<T>((yes, no) => {
    resolve = yes;
    reject = no;
  });
  return { promise, resolve, reject };
}

/** Which of `keys` the memory answers (each get makes that key the most recent). */
const keysOf = (memory: { get(key: string): unknown }, keys: string[]) => keys.filter((key) => memory.get(key) !== undefined);

afterEach(() => forgetContainerMemory());

describe('bounded, the least recently used forgotten first', () => {
  it('by entries: past the bound the oldest goes, and a get makes an entry the most recent', () => {
    const memory = new ContainerMemory<number>({ bound: 3 });
    memory.set('a', 1);
    memory.set('b', 2);
    memory.set('c', 3);
    expect(memory.get('a')).toBe(1); // now the most recent: b is the oldest
    memory.set('d', 4);
    expect(memory.get('b')).toBeUndefined();
    expect(keysOf(memory, ['a', 'c', 'd'])).toEqual(['a', 'c', 'd']);
  });

  it('by entries: setting a key again replaces it and makes it the most recent, without counting it twice', () => {
    const memory = new ContainerMemory<number>({ bound: 2 });
    memory.set('a', 1);
    memory.set('b', 2);
    memory.set('a', 10);
    memory.set('c', 3);
    expect(memory.get('b')).toBeUndefined();
    expect(memory.get('a')).toBe(10);
    expect(memory.get('c')).toBe(3);
  });

  it('by bytes: as many least recently used go as the new entry needs, and one heavier than the bound is not kept', () => {
    const memory = new ContainerMemory<string>({ bound: 10, weigh: (value) => value.length });
    memory.set('a', 'aaaa');
    memory.set('b', 'bbb');
    memory.set('c', 'ccc');
    expect(memory.get('a')).toBe('aaaa'); // b is now the oldest, then c
    memory.set('d', 'dddddd'); // 16 bytes: b and c must go
    expect(keysOf(memory, ['a', 'b', 'c', 'd'])).toEqual(['a', 'd']);
    memory.set('e', 'e'.repeat(11));
    expect(memory.get('e')).toBeUndefined();
    // Nothing that fitted remains once a too-heavy entry pushed everything out.
    expect(keysOf(memory, ['a', 'd'])).toEqual([]);
    memory.set('f', 'f'.repeat(10));
    expect(memory.get('f')).toBe('f'.repeat(10));
  });

  it('by bytes: what is forgotten or replaced no longer counts', () => {
    const memory = new ContainerMemory<string>({ bound: 6, weigh: (value) => value.length });
    memory.set('a', 'aaa');
    memory.set('a', 'a');
    memory.set('b', 'bbb');
    memory.delete('b');
    memory.set('c', 'ccccc');
    expect(keysOf(memory, ['a', 'c'])).toEqual(['a', 'c']);
  });
});

describe('expiry', () => {
  it('answers an entry until its expiry (epoch ms, read through Date.now()), never at or after it', () => {
    const now = 1_700_000_000_000;
    const clock = vi.spyOn(Date, 'now').mockReturnValue(now);
    const memory = new ContainerMemory<string>({ bound: 10 });
    memory.set('brief', 'x', now + 1_000);
    memory.set('forever', 'y');
    clock.mockReturnValue(now + 999);
    expect(memory.get('brief')).toBe('x');
    clock.mockReturnValue(now + 1_000);
    expect(memory.get('brief')).toBeUndefined();
    clock.mockReturnValue(now - 5_000); // dropped when met: a clock set back does not bring it back
    expect(memory.get('brief')).toBeUndefined();
    clock.mockReturnValue(now + 365 * 86_400_000);
    expect(memory.get('forever')).toBe('y');
  });

  it('an expired entry weighs nothing once met', () => {
    const now = 1_700_000_000_000;
    const clock = vi.spyOn(Date, 'now').mockReturnValue(now);
    const memory = new ContainerMemory<string>({ bound: 4, weigh: (value) => value.length });
    memory.set('old', 'ooo', now + 10);
    memory.set('kept', 'k');
    clock.mockReturnValue(now + 10);
    expect(memory.get('old')).toBeUndefined();
    memory.set('new', 'nnn');
    expect(keysOf(memory, ['kept', 'new'])).toEqual(['kept', 'new']);
  });
});

describe('deletion', () => {
  it('by key, and by a predicate over keys and values', () => {
    const memory = new ContainerMemory<number>({ bound: 10 });
    for (const [key, value] of [['alice#1#a', 1], ['alice#1#b', 2], ['bob#2#a', 3], ['bob#2#b', 4]] as const) memory.set(key, value);
    memory.deleteWhere((key) => !key.startsWith('bob#2#'));
    expect(keysOf(memory, ['alice#1#a', 'alice#1#b', 'bob#2#a', 'bob#2#b'])).toEqual(['bob#2#a', 'bob#2#b']);
    memory.deleteWhere((_key, value) => value === 4);
    memory.delete('nothing there');
    expect(keysOf(memory, ['bob#2#a', 'bob#2#b'])).toEqual(['bob#2#a']);
    memory.delete('bob#2#a');
    expect(memory.get('bob#2#a')).toBeUndefined();
  });
});

describe('one fetch at a time', () => {
  it('concurrent asks for a key share one fetch; another key fetches on its own; nothing is kept unless the caller keeps it', async () => {
    const memory = new ContainerMemory<string>({ bound: 10 });
    const answer = deferred<string>();
    const fetch = vi.fn(() => answer.promise);
    const other = vi.fn(async () => 'other');
    const asks = [memory.load('k', fetch), memory.load('k', fetch), memory.load('j', other)];
    expect(fetch).toHaveBeenCalledTimes(1);
    expect(other).toHaveBeenCalledTimes(1);
    answer.resolve('v');
    expect(await Promise.all(asks)).toEqual(['v', 'v', 'other']);
    expect(memory.get('k')).toBeUndefined();
    // Settled: the next ask fetches again.
    await memory.load('k', fetch);
    expect(fetch).toHaveBeenCalledTimes(2);
  });

  it('a failed fetch fails every ask that shared it, is not kept, and the next ask fetches again', async () => {
    const memory = new ContainerMemory<string>({ bound: 10 });
    const failing = deferred<string>();
    const fetches = [() => failing.promise, async () => 'second'];
    const fetch = vi.fn(() => fetches.shift()!());
    const asks = [memory.load('k', fetch), memory.load('k', fetch)].map((ask) => ask.catch((error: Error) => error.message));
    failing.reject(new Error('refused'));
    expect(await Promise.all(asks)).toEqual(['refused', 'refused']);
    expect(memory.get('k')).toBeUndefined();
    expect(await memory.load('k', fetch)).toBe('second');
    expect(fetch).toHaveBeenCalledTimes(2);
  });

  it('a fetch that throws at once is a failed fetch too', async () => {
    const memory = new ContainerMemory<string>({ bound: 10 });
    const fetch = (): Promise<string> => {
      throw new Error('at once');
    };
    await expect(memory.load('k', fetch)).rejects.toThrow('at once');
    expect(await memory.load('k', async () => 'then')).toBe('then');
  });

  it('the shared answer may differ from what is kept: the caller keeps what it wants, until when it wants', async () => {
    const memory = new ContainerMemory<string, { value: string; keep: boolean }>({ bound: 10 });
    const loaded = await memory.load('k', async () => ({ value: 'v', keep: true }));
    if (loaded.keep) memory.set('k', loaded.value, Date.now() + 1_000);
    expect(memory.get('k')).toBe('v');
  });
});

describe('forgetContainerMemory', () => {
  it('empties every instance, and a fetch under way is no longer shared', async () => {
    const byEntries = new ContainerMemory<number>({ bound: 5 });
    const byBytes = new ContainerMemory<string>({ bound: 100, weigh: (value) => value.length });
    byEntries.set('a', 1);
    byBytes.set('b', 'bytes');
    const slow = deferred<number>();
    const before = byEntries.load('c', () => slow.promise);

    forgetContainerMemory();
    expect(byEntries.get('a')).toBeUndefined();
    expect(byBytes.get('b')).toBeUndefined();
    const fetch = vi.fn(async () => 2);
    expect(await byEntries.load('c', fetch)).toBe(2);
    expect(fetch).toHaveBeenCalledTimes(1);
    slow.resolve(1);
    expect(await before).toBe(1);

    // The weight counts from zero again: the full bound is free.
    byBytes.set('full', 'x'.repeat(100));
    expect(byBytes.get('full')).toBe('x'.repeat(100));
  });

  it('a fetch from before the reset, settling late, does not end the sharing of one started since', async () => {
    const memory = new ContainerMemory<number>({ bound: 5 });
    const old = deferred<number>();
    const oldAsk = memory.load('k', () => old.promise);
    forgetContainerMemory();
    const fresh = deferred<number>();
    const fetch = vi.fn(() => fresh.promise);
    const first = memory.load('k', fetch);
    old.resolve(1);
    await oldAsk;
    const second = memory.load('k', fetch);
    fresh.resolve(2);
    expect(await Promise.all([first, second])).toEqual([2, 2]);
    expect(fetch).toHaveBeenCalledTimes(1);
  });
});
