// Rate limits and injected faults, judged by the model clock.
import { STATUS_CODES } from 'node:http';
import type { Fault, FaultTarget, ModelResponse, RateLimitOptions } from './types';
import { apiError } from './util';

const WINDOW_MS = 30_000;

function sentenceCase(text: string): string {
  return text.charAt(0) + text.slice(1).toLowerCase();
}

export class Traffic {
  maxCallsPer30s: number | null = null;
  private limitedUntil = 0;
  private limitIncludesToken = false;
  private window: number[] = [];
  private faults: { target: FaultTarget; fault: Fault; left: number }[] = [];

  constructor(private readonly now: () => number) {}

  rateLimit({ retryAfterSeconds, includeToken = false }: RateLimitOptions): void {
    this.limitedUntil = this.now() + retryAfterSeconds * 1000;
    this.limitIncludesToken = includeToken;
  }

  /** 429 answer if `endpoint` is limited right now, else null (and the call is counted). */
  check(endpoint: 'token' | 'api'): ModelResponse | null {
    const now = this.now();
    if (now < this.limitedUntil && (endpoint === 'api' || this.limitIncludesToken)) return this.tooMany(this.limitedUntil);
    // The rolling window is a Web API limit. Only accepted calls count, so honouring Retry-After always works.
    if (endpoint === 'token' || this.maxCallsPer30s === null) return null;
    this.window = this.window.filter((t) => t > now - WINDOW_MS);
    if (this.window.length >= this.maxCallsPer30s) return this.tooMany(this.window[0]! + WINDOW_MS);
    this.window.push(now);
    return null;
  }

  private tooMany(untilMs: number): ModelResponse {
    const seconds = Math.max(1, Math.ceil((untilMs - this.now()) / 1000));
    return apiError(429, 'API rate limit exceeded', { 'retry-after': String(seconds) });
  }

  failNext(target: FaultTarget, fault: Fault): void {
    this.faults.push({ target, fault, left: fault.times ?? 1 });
  }

  /** The injected answer for this request, if any; 'api' faults cover both me and top. */
  takeFault(target: 'token' | 'me' | 'top'): ModelResponse | null {
    const entry = this.faults.find((f) => f.target === target)
      ?? (target === 'token' ? undefined : this.faults.find((f) => f.target === 'api'));
    if (!entry) return null;
    if (--entry.left <= 0) this.faults.splice(this.faults.indexOf(entry), 1);
    const { status, body, headers, contentType, delayMs } = entry.fault;
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
  }
}
