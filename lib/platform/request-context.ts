/**
 * What one request (or one scheduled run) carries down to every call it makes, without a
 * parameter through each function between: its deadline, which bounds every AWS and Spotify call
 * (aws-calls.ts, lib/spotify/client.ts), and whom the work is for, which decides what part of the
 * day's Spotify budget pays for a call (lib/spotify/budget.ts). route() and scheduled() set it
 * once per invocation; a listening source adds the name of what it fetches.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Deadline } from './time';

/**
 * Whom a Spotify call is made for: a visitor of the public endpoints, the owner (connecting, the
 * console, the notices), or the collector of the listening history.
 */
export type Caller = 'public' | 'owner' | 'collector';

export interface RequestContext {
  /** Epoch ms by which the work must be done. */
  deadline: Deadline;
  caller: Caller;
  /** The listening source being fetched (e.g. "now-playing", "artists#short_term"), while one is. */
  source?: string;
}

/** Outside a request (a script, a test calling the code directly): this long from the first call. */
export const OUTSIDE_REQUEST_MS = 60_000;

const current = new AsyncLocalStorage<RequestContext>();

/** Runs one request's work with its context set. */
export function withRequest<T>(context: RequestContext, work: () => T): T {
  return current.run(context, work);
}

/** Runs `work` inside the current request with some of its context changed (outside one, in a new one). */
export function within<T>(changes: Partial<RequestContext>, work: () => T): T {
  return current.run({ ...requestContext(), ...changes }, work);
}

/** The context of the request being handled; undefined outside one. */
export function currentRequest(): RequestContext | undefined {
  return current.getStore();
}

/** The context of the request being handled, or, outside one, a public one ending OUTSIDE_REQUEST_MS from now. */
export function requestContext(): RequestContext {
  return current.getStore() ?? { deadline: Date.now() + OUTSIDE_REQUEST_MS, caller: 'public' };
}

/** The deadline of the request being handled (see requestContext). */
export function requestDeadline(): Deadline {
  return requestContext().deadline;
}
