// Rate limits and injected faults, judged by the model clock.
import { STATUS_CODES } from 'node:http';
import { WEB_API_ROUTES, type Fault, type FaultTarget, type ModelResponse, type RateLimitOptions, type WebApiRoute } from './types';
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
  }
}
