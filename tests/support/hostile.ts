/**
 * Hostile requests and what every answer to them must satisfy: API Gateway v2 events with raw
 * (repeated, oversized, malformed) query strings, the routes under attack, the checks every
 * response must pass (no 5xx unless the route documents it, no stack trace, no secret, the
 * route's format, no redirect but Spotify's or to the redirect URI's own host), and the stored
 * owner's exact bytes.
 */
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { inject } from 'vitest';
import { handler as callbackHandler } from '../../handlers/http/callback';
import { handler as cardHandler } from '../../handlers/http/card';
import { handler as highlightsHandler } from '../../handlers/http/highlights';
import { handler as historyHandler } from '../../handlers/http/history';
import { handler as historyCardHandler } from '../../handlers/http/history-card';
import { handler as homeHandler } from '../../handlers/http/home';
import { handler as nowPlayingHandler } from '../../handlers/http/now-playing';
import { handler as nowPlayingCardHandler } from '../../handlers/http/now-playing-card';
import { handler as nowPlayingOpenHandler } from '../../handlers/http/now-playing-open';
import { handler as recentlyPlayedHandler } from '../../handlers/http/recently-played';
import { handler as loginHandler } from '../../handlers/http/login';
import { handler as ownerHandler } from '../../handlers/http/owner';
import { handler as ownerDisconnectHandler } from '../../handlers/http/owner-disconnect';
import { handler as ownerSettingsHandler } from '../../handlers/http/owner-settings';
import { handler as statusHandler } from '../../handlers/http/status';
import type { HttpEvent } from '../../lib/http/responses';
import { httpEvent, lambdaContext, type EventInput } from './events';
import type { Result } from './service';

/** A query string as the client sent it: names and values in order, repeats allowed. */
export type QueryPairs = [name: string, value: string][];

export interface HostileRequest extends Omit<EventInput, 'query'> {
  pairs?: QueryPairs;
  body?: string;
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Percent-encodes like encodeURIComponent, but never throws: a lone surrogate is sent as U+FFFD, as UTF-8 would carry it. */
export function encodeComponent(text: string): string {
  return encodeURIComponent(text.replace(LONE_SURROGATE, '\uFFFD'));
}

/** The query string as a client sends it (every byte outside the unreserved set encoded). */
export function rawQuery(pairs: QueryPairs): string {
  return pairs.map(([name, value]) => `${encodeComponent(name)}=${encodeComponent(value)}`).join('&');
}

/** The event HTTP API (payload 2.0) builds: `rawQueryString` as sent, repeated values joined with commas. */
export function hostileEvent(path: string, request: HostileRequest = {}): HttpEvent {
  const { pairs = [], body, ...input } = request;
  const event = httpEvent(path, input);
  event.rawQueryString = rawQuery(pairs);
  if (pairs.length) {
    const joined = new Map<string, string>();
    for (const [name, value] of pairs) joined.set(name, joined.has(name) ? `${joined.get(name)},${value}` : value);
    // fromEntries defines own properties, as JSON.parse of the real event would (even "__proto__").
    event.queryStringParameters = Object.fromEntries(joined);
  }
  if (body !== undefined) event.body = body;
  return event;
}

type Handler = (event: HttpEvent, context: ReturnType<typeof lambdaContext>) => Promise<unknown>;

/**
 * How a route answers: `json` for APIs ({"error","message"} on errors), `page` for browsers
 * (HTML or a redirect), `svg` for images (errors included).
 */
export type Format = 'json' | 'page' | 'svg';

/** What the service is in while it is attacked. */
export type Phase = 'bound' | 'unbound' | 'revoked';

export interface Route {
  path: string;
  handler: unknown;
  format: Format;
  /**
   * Every answer any query may get, per phase: "status", or "status error" for JSON errors.
   * A 5xx listed here is a documented service state, never a crash.
   */
  answers: Record<Phase, string[]>;
  /** Redirects to a page on open.spotify.com (a track, an episode, a profile) instead of Spotify's authorize page. */
  opensSpotify?: true;
  /** Methods besides GET the route serves, and every answer a hostile request with one may get (no session is ever held). */
  serves?: { methods: string[]; answers: string[] };
}

// One line per route: the fuzz set and the method checks run against each.
export const routes: Route[] = [
  { path: '/', handler: homeHandler, format: 'page', answers: { bound: ['200'], unbound: ['200'], revoked: ['200'] } },
  { path: '/login', handler: loginHandler, format: 'page', answers: { bound: ['302'], unbound: ['302'], revoked: ['302'] } },
  { path: '/callback', handler: callbackHandler, format: 'page', answers: { bound: ['400'], unbound: ['400'], revoked: ['400'] } },
  { path: '/highlights', handler: highlightsHandler, format: 'json', answers: { bound: ['200', '400 invalid_parameter'], unbound: ['400 invalid_parameter', '503 not_authorized'], revoked: ['400 invalid_parameter', '503 reauthorization_required'] } },
  { path: '/card.svg', handler: cardHandler, format: 'svg', answers: { bound: ['200', '400'], unbound: ['200', '400'], revoked: ['200', '400'] } },
  { path: '/status', handler: statusHandler, format: 'json', answers: { bound: ['200'], unbound: ['200'], revoked: ['200'] } },
  { path: '/now-playing', handler: nowPlayingHandler, format: 'json', answers: { bound: ['200'], unbound: ['503 not_authorized'], revoked: ['503 reauthorization_required'] } },
  { path: '/now-playing/open', handler: nowPlayingOpenHandler, format: 'page', answers: { bound: ['302'], unbound: ['503'], revoked: ['503'] }, opensSpotify: true },
  { path: '/now-playing.svg', handler: nowPlayingCardHandler, format: 'svg', answers: { bound: ['200', '400'], unbound: ['200', '400'], revoked: ['200', '400'] } },
  { path: '/history', handler: historyHandler, format: 'json', answers: { bound: ['200', '400 invalid_parameter'], unbound: ['400 invalid_parameter', '503 not_authorized'], revoked: ['200', '400 invalid_parameter'] } },
  { path: '/history.svg', handler: historyCardHandler, format: 'svg', answers: { bound: ['200', '400'], unbound: ['200', '400'], revoked: ['200', '400'] } },
  { path: '/owner', handler: ownerHandler, format: 'page', answers: { bound: ['302'], unbound: ['302'], revoked: ['302'] } },
  {
    path: '/owner/settings',
    handler: ownerSettingsHandler,
    format: 'json',
    answers: { bound: ['401 no_session'], unbound: ['401 no_session'], revoked: ['401 no_session'] },
    serves: { methods: ['PUT'], answers: ['401 no_session', '400 invalid_json', '415 unsupported_media_type'] },
  },
  {
    path: '/owner/disconnect',
    handler: ownerDisconnectHandler,
    format: 'page',
    answers: { bound: ['405'], unbound: ['405'], revoked: ['405'] },
    serves: { methods: ['POST'], answers: ['401', '400', '415'] },
  },
  { path: '/recently-played', handler: recentlyPlayedHandler, format: 'json', answers: { bound: ['200', '400 invalid_parameter'], unbound: ['400 invalid_parameter', '503 not_authorized'], revoked: ['400 invalid_parameter', '503 reauthorization_required'] } },
];

export function route(path: string): Route {
  const found = routes.find((candidate) => candidate.path === path);
  if (!found) throw new Error(`No route ${path}`);
  return found;
}

/** Sends a hostile request to a route's real handler. */
export async function send(path: string, request: HostileRequest = {}): Promise<Result> {
  const { handler } = route(path);
  return (await (handler as Handler)(hostileEvent(path, request), lambdaContext(path.slice(1)))) as Result;
}

export function header(response: Result, name: string): string | undefined {
  const entry = Object.entries(response.headers ?? {}).find(([key]) => key.toLowerCase() === name.toLowerCase());
  return entry === undefined ? undefined : String(entry[1]);
}

/** Everything a client receives: status line aside, the headers, cookies and body. */
export function responseText(response: Result): string {
  const headers = Object.entries(response.headers ?? {}).map(([key, value]) => `${key}: ${value}`);
  return [...headers, ...(response.cookies ?? []).map((cookie) => `Set-Cookie: ${cookie}`), response.body ?? ''].join('\n');
}

const STACK_TRACE = [
  /\bat (?:async )?(?:\S+ \()?(?:file:\/\/|node:)?\/?[\w./-]+:\d+:\d+\)?/, // a V8 stack frame
  /node_modules/,
  /\.[cm]?[jt]sx?:\d+/, // file.ts:12
  /\b(?:Type|Reference|Syntax|Range|URI)Error\b/,
];

/** The first piece of a stack trace or raw error in `text`, if any. */
export function stackTraceIn(text: string): string | undefined {
  for (const pattern of STACK_TRACE) {
    const match = pattern.exec(text);
    if (match) return match[0];
  }
  return undefined;
}

/** Secrets shorter than this are matched whole; longer ones also by any piece this long (a truncated token is still a leak). */
const PIECE = 16;

/**
 * Finds which secrets (or a 16-character piece of one) appear in a text. `source` is asked again
 * on every call, so secrets issued later are found too; only new ones are indexed.
 */
export function secretFinder(source: () => Iterable<string>): (text: string) => string[] {
  const known = new Set<string>();
  const pieces = new Map<string, string>();
  const short: string[] = [];
  return (text) => {
    for (const secret of source()) {
      if (!secret || known.has(secret)) continue;
      known.add(secret);
      if (secret.length < PIECE) short.push(secret);
      else for (let i = 0; i + PIECE <= secret.length; i++) pieces.set(secret.slice(i, i + PIECE), secret);
    }
    const found = new Set(short.filter((secret) => text.includes(secret)));
    for (let i = 0; i + PIECE <= text.length; i++) {
      const secret = pieces.get(text.slice(i, i + PIECE));
      if (secret) found.add(secret);
    }
    return [...found];
  };
}

/** Shows a secret in a failure message without printing it. */
export const redact = (secret: string) => `${secret.slice(0, 4)}…(${secret.length} chars)`;

export const AUTHORIZE_URL = 'https://accounts.spotify.com/authorize';
const AUTHORIZE_PARAMS = new Set(['response_type', 'client_id', 'redirect_uri', 'scope', 'state', 'show_dialog']);

function formatProblems(response: Result, format: Format): string[] {
  const type = header(response, 'Content-Type') ?? '';
  if (format === 'svg') {
    const problems = type.startsWith('image/svg+xml') ? [] : [`image answered Content-Type "${type}"`];
    if (!/^(?:<\?xml[^>]*>\s*)?<svg[\s>]/.test(response.body ?? '')) problems.push('image body is not an SVG document');
    if (/<script|\son\w+\s*=/i.test(response.body ?? '')) problems.push('image carries script');
    return problems;
  }
  if (format === 'page') {
    if (response.statusCode === 302) return [];
    const problems = type.startsWith('text/html') ? [] : [`page answered Content-Type "${type}"`];
    if (!/^<!doctype html>/i.test(response.body ?? '')) problems.push('page body is not an HTML document');
    return problems;
  }
  if (!type.startsWith('application/json')) return [`API answered Content-Type "${type}"`];
  let body: unknown;
  try {
    body = JSON.parse(response.body ?? '');
  } catch {
    return ['API body is not JSON'];
  }
  if ((response.statusCode ?? 0) < 400) return [];
  const { error, message } = (body ?? {}) as { error?: unknown; message?: unknown };
  return typeof error === 'string' && error && typeof message === 'string' && message
    ? []
    : [`API error body lacks "error" and "message": ${(response.body ?? '').slice(0, 200)}`];
}

/** /login beside the redirect URI's /callback, where /login moves a browser that came by another host. */
export function loginOnRedirectHost(redirectUri: string): string {
  return new URL('login?moved=1', new URL('.', redirectUri)).toString();
}

/** A page of Spotify's own player site: a track, an episode or a profile, by id. */
const SPOTIFY_PAGE = /^https:\/\/open\.spotify\.com\/(?:track|episode|user)\/[A-Za-z0-9._%-]+$/;

function redirectProblems(response: Result, redirectUri: string, opensSpotify = false): string[] {
  const location = header(response, 'Location');
  if (location === undefined) return response.statusCode === 302 ? ['302 without a Location'] : [];
  let url: URL;
  try {
    url = new URL(location);
  } catch {
    return [`Location is not an absolute URL: ${location.slice(0, 200)}`];
  }
  if (opensSpotify) {
    const problems = SPOTIFY_PAGE.test(location) ? [] : [`redirects elsewhere than a Spotify page: ${location.slice(0, 200)}`];
    return response.cookies?.length ? [...problems, 'a redirect to Spotify sets a cookie'] : problems;
  }
  // The one other place a redirect may go: it starts nothing, so it sets no cookie.
  if (location === loginOnRedirectHost(redirectUri)) return response.cookies?.length ? ['a move to the redirect URI\'s host sets a cookie'] : [];
  // The owner's console sends a browser without the owner's session to /login, beside the redirect URI.
  if (location === new URL('login', new URL('.', redirectUri)).toString()) return response.cookies?.length ? ['a move to /login sets a cookie'] : [];
  const problems: string[] = [];
  if (url.origin + url.pathname !== AUTHORIZE_URL) problems.push(`redirects elsewhere than Spotify: ${location.slice(0, 200)}`);
  if (url.searchParams.get('redirect_uri') !== redirectUri) problems.push(`redirect_uri is not the configured one: ${url.searchParams.get('redirect_uri')}`);
  const unexpected = [...url.searchParams.keys()].filter((key) => !AUTHORIZE_PARAMS.has(key));
  if (unexpected.length) problems.push(`unexpected authorize parameters: ${unexpected.join(', ')}`);
  return problems;
}

/** "status" or, for a JSON error, "status error": the key `Route.answers` lists. */
export function answerOf(response: Result): string {
  if (header(response, 'Content-Type')?.startsWith('application/json') && (response.statusCode ?? 0) >= 400) {
    try {
      const { error } = JSON.parse(response.body ?? '') as { error?: unknown };
      if (typeof error === 'string') return `${response.statusCode} ${error}`;
    } catch {
      // formatProblems reports it.
    }
  }
  return String(response.statusCode);
}

export interface Expectations {
  format: Format;
  /** Secrets that must not appear anywhere in the response. */
  findSecrets: (text: string) => string[];
  /** The configured redirect URI, the only one a Location may carry. */
  redirectUri: string;
  /** The route redirects to pages on open.spotify.com, not to the authorize page (Route.opensSpotify). */
  opensSpotify?: boolean;
  /** When given, the answer must be one of these (see `Route.answers`); else any status below 500. */
  answers?: string[];
}

/** Every way `response` breaks the rules for answers to hostile input; empty when it keeps them all. */
export function problemsOf(response: Result, expected: Expectations): string[] {
  const problems: string[] = [];
  const status = response.statusCode ?? 0;
  const answer = answerOf(response);
  if (expected.answers ? !expected.answers.includes(answer) : status >= 500 || status < 200) {
    problems.push(`answered ${answer}${expected.answers ? `, expected one of ${expected.answers.join(' | ')}` : ''}`);
  }
  const text = responseText(response);
  const trace = stackTraceIn(text);
  if (trace) problems.push(`stack trace in response: ${trace}`);
  const leaked = expected.findSecrets(text);
  if (leaked.length) problems.push(`secrets in response: ${leaked.map(redact).join(', ')}`);
  problems.push(...formatProblems(response, expected.format), ...redirectProblems(response, expected.redirectUri, expected.opensSpotify));
  return problems;
}

let rawClient: DynamoDBClient | undefined;

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.keys(value).sort().map((key) => [key, canonical((value as Record<string, unknown>)[key])]));
  }
  return value;
}

/** The stored owner item exactly as DynamoDB holds it (attribute types and all), or undefined. */
export async function storedOwnerBytes(): Promise<string | undefined> {
  rawClient ??= new DynamoDBClient({
    endpoint: inject('dynamoEndpoint'),
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  const { Item } = await rawClient.send(
    new GetItemCommand({ TableName: process.env.TABLE_NAME, Key: { pk: { S: 'owner' } }, ConsistentRead: true }),
  );
  return Item === undefined ? undefined : JSON.stringify(canonical(Item));
}
