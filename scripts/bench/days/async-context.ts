/**
 * One AsyncLocalStorage for all the containers of a simulated run. Every bundle keeps its request
 * context in an AsyncLocalStorage of its own, and on node 20 each one enabled makes every promise
 * the process creates copy its store: with thirty containers loaded that was a sixth of a run's
 * time. Installed before any bundle loads, this class stands in for node's: each instance keeps
 * its store under its own key in the one shared storage, so every container still sees only its
 * own context, propagated exactly as node propagates one.
 */
import asyncHooks, { AsyncLocalStorage } from 'node:async_hooks';

type Stores = Map<object, unknown>;

const shared = new AsyncLocalStorage<Stores>();

class SharedAsyncLocalStorage<T> {
  static bind = AsyncLocalStorage.bind;
  static snapshot = AsyncLocalStorage.snapshot;

  private with(store: T | undefined): Stores {
    const stores: Stores = new Map(shared.getStore());
    if (store === undefined) stores.delete(this);
    else stores.set(this, store);
    return stores;
  }

  getStore(): T | undefined {
    return shared.getStore()?.get(this) as T | undefined;
  }

  run<R>(store: T, callback: (...args: unknown[]) => R, ...args: unknown[]): R {
    return shared.run(this.with(store), callback, ...args);
  }

  exit<R>(callback: (...args: unknown[]) => R, ...args: unknown[]): R {
    return shared.run(this.with(undefined), callback, ...args);
  }

  enterWith(store: T): void {
    shared.enterWith(this.with(store));
  }

  disable(): void {
    shared.enterWith(this.with(undefined));
  }
}

/**
 * Makes node:async_hooks hand out the shared storage to whatever loads after this. Not on node 24
 * and later: there a context travels with AsyncContextFrame, so an enabled storage costs promises
 * nothing, and node:async_hooks' AsyncLocalStorage can no longer be replaced.
 */
export function shareAsyncLocalStorage(): void {
  if (Number(process.versions.node.split('.')[0]) >= 24) return;
  (asyncHooks as unknown as { AsyncLocalStorage: unknown }).AsyncLocalStorage = SharedAsyncLocalStorage;
}
