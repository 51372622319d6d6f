// Rate limits (a forced one, the 30-second window, the daily quota) and injected faults, judged by the model clock.
import { STATUS_CODES } from 'node:http';
import {
  WEB_API_ROUTES, type DailyQuotaOptions, type DailyQuotaSetting, type DailyQuotaState, type Fault, type FaultTarget,
  type ModelResponse, type RateLimitOptions, type WebApiRoute,
} from './types';
import { apiError, json } from './util';

const WINDOW_MS = 30_000;
const DAY_MS = 86_400_000;

/**
 * A daily quota setting with its defaults filled in, or null (off); throws naming the bad field.
 * `label` is what the caller calls the setting, so a control-plane error names its own argument.
 */
export function dailyQuotaSetting(value: unknown, label = 'dailyQuota'): DailyQuotaSetting | null {
  if (value === null) return null;
  if (typeof value !== 'object' || Array.isArray(value)) throw new Error(`${label} must be { calls, windowMs?, countsToken? } or null`);
  const { calls, windowMs = DAY_MS, countsToken = true, ...rest } = value as DailyQuotaOptions;
  // A misspelt field (`window`, `count`) would otherwise leave a default the test did not mean.
  const stray = Object.keys(rest)[0];
  if (stray !== undefined) throw new Error(`${label}.${stray} is not a quota setting (calls, windowMs, countsToken)`);
  if (!Number.isInteger(calls) || calls < 1) throw new Error(`${label}.calls must be a whole number from 1`);
  if (!Number.isInteger(windowMs) || windowMs < 1) throw new Error(`${label}.windowMs must be a whole number of ms from 1`);
  if (typeof countsToken !== 'boolean') throw new Error(`${label}.countsToken must be true or false`);
  return { calls, windowMs, countsToken };
}

function sentenceCase(text: string): string {
  return text.charAt(0) + text.slice(1).toLowerCase();
}

export class Traffic {
  maxCallsPer30s: number | null = null;
  private limitedUntil = 0;
  private limitIncludesToken = false;
  private window: number[] = [];
  private faults: { target: FaultTarget; fault: Fault; left: number }[] = [];
  private quota: DailyQuotaSetting | null = null;
  /** Per client id: when each call the daily quota accepted was made. */
  private quotaCalls = new Map<string, number[]>();
  /** Per client id: when a QUOTA_EXCEEDED lockout ends; Spotify keeps refusing until then. */
  private lockouts = new Map<string, number>();

  constructor(private readonly now: () => number) {}

  /** The daily quota with its defaults; null = off. */
  get dailyQuota(): DailyQuotaSetting | null {
    return this.quota && { ...this.quota };
  }

  /**
   * Changing the setting keeps what was counted and any lockout (the quota's history is the app's);
   * turning it off forgets both, so turning it on again starts from nothing.
   */
  set dailyQuota(options: DailyQuotaOptions | null) {
    this.quota = dailyQuotaSetting(options);
    if (this.quota === null) {
      this.quotaCalls.clear();
      this.lockouts.clear();
    }
  }

  /** Each client id with calls in the current window or a lockout still running. */
  dailyQuotaState(): DailyQuotaState {
    const clients: DailyQuotaState['clients'] = {};
    if (this.quota === null) return { setting: null, clients };
    const now = this.now();
    const { windowMs } = this.quota;
    for (const clientId of new Set([...this.quotaCalls.keys(), ...this.lockouts.keys()])) {
      const calls = (this.quotaCalls.get(clientId) ?? []).filter((t) => t > now - windowMs).length;
      const until = this.lockouts.get(clientId) ?? 0;
      const lockedUntil = until > now ? until : null;
      if (calls > 0 || lockedUntil !== null) clients[clientId] = { calls, lockedUntil };
    }
    return { setting: this.dailyQuota, clients };
  }

  rateLimit({ retryAfterSeconds, includeToken = false }: RateLimitOptions): void {
    this.limitedUntil = this.now() + retryAfterSeconds * 1000;
    this.limitIncludesToken = includeToken;
  }

  /**
   * 429 answer if `endpoint` is limited right now, else null (and the call is counted). `clientId`
   * is whose daily quota the call draws on; without one (an unknown token or client) it draws on none.
   */
  check(endpoint: 'token' | 'api', clientId?: string): ModelResponse | null {
    const charged = clientId !== undefined && this.quota !== null && (endpoint === 'api' || this.quota.countsToken) ? clientId : undefined;
    // The quota first: a locked-out app hears QUOTA_EXCEEDED (hours), not the short 429 (seconds).
    const refused = (charged === undefined ? null : this.overQuota(charged)) ?? this.shortLimit(endpoint);
    if (refused) return refused;
    // Only accepted calls count, so honouring Retry-After always works.
    if (charged !== undefined) {
      const times = this.quotaCalls.get(charged) ?? [];
      times.push(this.now());
      this.quotaCalls.set(charged, times);
    }
    return null;
  }

  private shortLimit(endpoint: 'token' | 'api'): ModelResponse | null {
    const now = this.now();
    if (now < this.limitedUntil && (endpoint === 'api' || this.limitIncludesToken)) return this.tooMany(this.limitedUntil);
    // The rolling window is a Web API limit.
    if (endpoint === 'token' || this.maxCallsPer30s === null) return null;
    this.window = this.window.filter((t) => t > now - WINDOW_MS);
    if (this.window.length >= this.maxCallsPer30s) return this.tooMany(this.window[0]! + WINDOW_MS);
    this.window.push(now);
    return null;
  }

  /** QUOTA_EXCEEDED if `clientId` is locked out or its window is full (which locks it out), else null. */
  private overQuota(clientId: string): ModelResponse | null {
    const { calls, windowMs } = this.quota!;
    const now = this.now();
    const lockedUntil = this.lockouts.get(clientId) ?? 0;
    if (now < lockedUntil) return this.quotaExceeded(lockedUntil);
    const counted = (this.quotaCalls.get(clientId) ?? []).filter((t) => t > now - windowMs);
    this.quotaCalls.set(clientId, counted);
    if (counted.length < calls) return null;
    // Room for one more once n - calls + 1 of the n counted calls have left, i.e. when the
    // (n - calls + 1)th oldest leaves: the oldest, unless the quota was lowered since. Spread over a
    // day, that is hours away.
    const until = [...counted].sort((a, b) => a - b)[counted.length - calls]! + windowMs;
    this.lockouts.set(clientId, until);
    return this.quotaExceeded(until);
  }

  /** Whole seconds, at least 1, rounded up so that waiting them out always lands past `untilMs`. */
  private retryAfter(untilMs: number): Record<string, string> {
    return { 'retry-after': String(Math.max(1, Math.ceil((untilMs - this.now()) / 1000))) };
  }

  private quotaExceeded(untilMs: number): ModelResponse {
    return json(429, { error: { status: 429, message: 'Too many requests', reason: 'QUOTA_EXCEEDED' } }, this.retryAfter(untilMs));
  }

  private tooMany(untilMs: number): ModelResponse {
    return apiError(429, 'API rate limit exceeded', this.retryAfter(untilMs));
  }

  failNext(target: FaultTarget, fault: Fault): void {
    this.faults.push({ target, fault, left: fault.times ?? 1 });
  }

  /**
   * This request's answer: the first matching injected fault's, else `answer()` ('api' faults
   * cover every Web API route). A fault without a status delays `answer()`; a stall skips it.
   */
  answer(target: 'token' | WebApiRoute | 'image', answer: () => ModelResponse): ModelResponse {
    const entry = this.faults.find((f) => f.target === target)
      ?? (WEB_API_ROUTES.includes(target as WebApiRoute) ? this.faults.find((f) => f.target === 'api') : undefined);
    if (!entry) return answer();
    if (--entry.left <= 0) this.faults.splice(this.faults.indexOf(entry), 1);
    const { status, body, headers, contentType, delayMs, stall } = entry.fault;
    if (stall) return { status: 0, body: '', stall: true };
    if (status === undefined) return { ...answer(), delayMs };
    const out: Record<string, string> = {};
    for (const [key, value] of Object.entries(headers ?? {})) out[key.toLowerCase()] = value;
    if (contentType) out['content-type'] = contentType;
    else if (typeof body === 'string') out['content-type'] ??= 'text/plain; charset=utf-8';
    const fallback = { error: { status, message: sentenceCase(STATUS_CODES[status] ?? 'Error') } };
    return { status, body: body ?? fallback, headers: out, delayMs };
  }

  reset(): void {
    this.limitedUntil = 0;
    this.limitIncludesToken = false;
    this.window = [];
    this.faults = [];
    this.quotaCalls.clear();
    this.lockouts.clear();
  }
}
