import { randomBytes } from 'node:crypto';
import type { ModelResponse } from './types';

/** FNV-1a: stable 32-bit hash so sample data is the same on every run. */
export function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Small seeded PRNG (mulberry32). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** A 22-character base62 id, like Spotify's, derived from `seed`. */
export function spotifyId(seed: string): string {
  const next = prng(hash(seed));
  let id = '';
  for (let i = 0; i < 22; i++) id += BASE62[Math.floor(next() * 62)];
  return id;
}

export function hex(seed: string, length: number): string {
  const next = prng(hash(seed));
  let out = '';
  for (let i = 0; i < length; i++) out += Math.floor(next() * 16).toString(16);
  return out;
}

/** Opaque random token; Spotify's are long, so storage limits get exercised. */
export function randomToken(prefix: string, bytes: number): string {
  return prefix + randomBytes(bytes).toString('base64url');
}

export function json(status: number, body: object, headers?: Record<string, string>): ModelResponse {
  return { status, body, headers };
}

/** Web API error shape: {"error":{"status":…,"message":…}}. */
export function apiError(status: number, message: string, headers?: Record<string, string>): ModelResponse {
  return json(status, { error: { status, message } }, headers);
}

/** Accounts (OAuth) error shape: {"error":…,"error_description":…}. */
export function oauthError(error: string, description: string, status = 400): ModelResponse {
  return json(status, { error, error_description: description });
}

export function toParams(input: URLSearchParams | Record<string, string | undefined> | undefined): URLSearchParams {
  if (input instanceof URLSearchParams) return input;
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(input ?? {})) {
    if (value !== undefined) params.set(key, value);
  }
  return params;
}

export function withQuery(uri: string, params: Record<string, string | undefined>): string {
  const url = new URL(uri);
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined) url.searchParams.set(key, value);
  }
  return url.toString();
}
