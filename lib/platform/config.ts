/**
 * All configuration comes from the environment and is read here, nowhere else, into typed values,
 * each parsed once per container (see `once`). A missing or invalid value becomes a ConfigError
 * that names the variable, which the HTTP layer turns into a clear answer instead of a stack trace.
 * The defaults the packaging shares live in config/*.cjs (intervals, the budget, loopback).
 */
import { budgetParts, budgetProblem, DEFAULT_DAILY_BUDGET, SHARES, type BudgetParts } from '../../config/budget.cjs';
import { intervalSetting, type IntervalName } from '../../config/intervals.cjs';
import { isLoopbackHost } from '../../config/loopback.cjs';
import { ConfigError } from './errors';
import { ContainerMemory } from './memory';
import { webhookProblem } from './webhook';

/** What each reader made of the environment, and the values it read, so it is parsed again only if they change. */
const parsed = new ContainerMemory<{ read: Map<string, string | undefined>; value: unknown }>({ bound: 64 });

/**
 * `read` of the process's environment, parsed once per container: a Lambda container's environment
 * never changes, so the values it read are only compared, never parsed again (the tests change
 * them, and get what they set). Another environment given (a check, a test) is read as it is. A
 * ConfigError is not kept: it is thrown again, naming the variable, for every request.
 */
function once<T>(name: string, read: (env: Env) => T): (env?: Env) => T {
  return (env = process.env) => {
    if (env !== process.env) return read(env);
    const kept = parsed.get(name);
    if (kept && [...kept.read].every(([variable, value]) => env[variable] === value)) return kept.value as T;
    const seen = new Map<string, string | undefined>();
    const value = read(new Proxy(env, { get: (target, variable) => (typeof variable === 'string' ? (seen.set(variable, target[variable]), target[variable]) : undefined) }));
    parsed.set(name, { read: seen, value });
    return value;
  };
}

export interface Config {
  clientId: string;
  /** Empty when the redirect URI is derived from the request (deployed without SPOTIFY_REDIRECT_URI). */
  redirectUri: string;
  ownerSpotifyId: string | undefined;
  /** The shortest refresh intervals of the top lists, what is playing now and the last plays (shortestIntervals). */
  cacheSeconds: number;
  nowPlayingCacheSeconds: number;
  recentlyPlayedCacheSeconds: number;
  /** How long a container trusts what it knows of the owner before reading the owner's item again. */
  ownerRecheckSeconds: number;
  /** The longest a last good result is served stale, counted from when it was fetched. */
  staleMaxSeconds: number;
  tableName: string;
}

export type Env = Record<string, string | undefined>;

function required(env: Env, name: string, hint: string): string {
  const value = env[name]?.trim();
  if (!value) throw new ConfigError(`${name} is not set. ${hint}`);
  return value;
}

export function optional(env: Env, name: string): string | undefined {
  return env[name]?.trim() || undefined;
}

/** SPOTIFY_REDIRECT_URI, checked; empty when it is derived from the request (deployed without one). */
export const redirectUriSetting = once('redirectUri', (env: Env): string => {
  const redirectUri = optional(env, 'SPOTIFY_REDIRECT_URI') ?? '';
  if (redirectUri) {
    let url: URL;
    try {
      url = new URL(redirectUri);
    } catch {
      throw new ConfigError('SPOTIFY_REDIRECT_URI is not a valid URL.');
    }
    if (url.hostname === 'localhost') {
      throw new ConfigError('SPOTIFY_REDIRECT_URI must not use "localhost": Spotify rejects it. Use http://127.0.0.1:PORT/callback.');
    }
  }
  return redirectUri;
});

/**
 * The shortest refresh interval of each listening source (*_CACHE_SECONDS): the day's budget may
 * make it longer (lib/listening/pacing.ts), never shorter. Needs no Spotify setting: /status shows them.
 */
export type ShortestIntervals = Pick<Config, 'cacheSeconds' | 'nowPlayingCacheSeconds' | 'recentlyPlayedCacheSeconds'>;

export const shortestIntervals = once(
  'shortestIntervals',
  (env: Env): ShortestIntervals => ({
    cacheSeconds: seconds(env, 'HIGHLIGHTS_CACHE_SECONDS'),
    nowPlayingCacheSeconds: seconds(env, 'NOW_PLAYING_CACHE_SECONDS'),
    recentlyPlayedCacheSeconds: seconds(env, 'RECENTLY_PLAYED_CACHE_SECONDS'),
  }),
);

export const loadConfig = once(
  'config',
  (env: Env): Config => ({
    clientId: required(env, 'SPOTIFY_CLIENT_ID', 'Copy it from your app in the Spotify developer dashboard into .env.'),
    redirectUri: redirectUriSetting(env),
    ownerSpotifyId: optional(env, 'OWNER_SPOTIFY_ID'),
    ...shortestIntervals(env),
    ownerRecheckSeconds: seconds(env, 'OWNER_RECHECK_SECONDS'),
    staleMaxSeconds: seconds(env, 'STALE_MAX_SECONDS'),
    tableName: tableName(env),
  }),
);

/** An interval of config/intervals.cjs: as set, or its default there. */
function seconds(env: Env, name: IntervalName): number {
  const setting = intervalSetting(env, name);
  if ('problem' in setting) throw new ConfigError(setting.problem);
  return setting.seconds;
}

export const tableName = once('tableName', (env: Env): string => required(env, 'TABLE_NAME', 'It names the DynamoDB table; serverless.yml sets it.'));

/** The redirect URI: configured, or (deployed without one) this API's own /callback. */
export function redirectUriFor(config: Pick<Config, 'redirectUri'>, domainName: string): string {
  return config.redirectUri || `https://${domainName}/callback`;
}

/** What a request says of where it was sent. */
export interface ServiceRequest {
  /** requestContext.domainName: the API's domain, or the custom one it is mapped to (a placeholder under serverless offline). */
  domainName?: string | undefined;
  /** The Host header. */
  host?: string | undefined;
}

/** A DNS name (no port: API Gateway serves 443 only). */
const DOMAIN = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i;

/**
 * Where the service answers, ending in "/" (e.g. http://127.0.0.1:3000/): the one rule for every
 * address the service hands out (the builder's snippets, the console's sign-in, the notices' links)
 * or checks (a form's Origin, a session's Secure cookie). The first that is known:
 * 1. the request's domain, over https (API Gateway names it: the API's, or the custom one the
 *    request came through; a Host header cannot change it);
 * 2. a Host header naming this machine, over http (serverless offline's domain is a placeholder):
 *    the address the browser used, 127.0.0.1 or localhost, and its port;
 * 3. SPOTIFY_REDIRECT_URI's folder: the address the owner registered with Spotify;
 * 4. SERVICE_URL, for what answers no request: the template gives the watch the API's URL.
 * Undefined when none is. Needs no Spotify setting: pages that only know the service work before the
 * app is set up.
 */
export function serviceBase(request: ServiceRequest = {}): URL | undefined {
  const domain = request.domainName?.trim() ?? '';
  if (DOMAIN.test(domain)) return new URL(`https://${domain.toLowerCase()}/`);
  const host = request.host?.trim() ?? '';
  if (isLoopbackHost(host)) return new URL(`http://${host.toLowerCase()}/`);
  const redirectUri = redirectUriSetting();
  if (redirectUri) return new URL('.', redirectUri);
  return serviceUrlSetting();
}

/** SERVICE_URL, checked, as a folder. */
const serviceUrlSetting = once('serviceUrl', (env: Env): URL | undefined => {
  const given = optional(env, 'SERVICE_URL');
  if (!given) return undefined;
  try {
    return new URL(given.endsWith('/') ? given : `${given}/`);
  } catch {
    throw new ConfigError('SERVICE_URL is not a valid URL.');
  }
});

/** Where the owner's notices go. */
export interface NoticeConfig {
  /** The SNS topic that emails the owner (the template sets it when deployed with NOTIFY_EMAIL). */
  topicArn: string | undefined;
  webhookUrl: string | undefined;
  /** For an ntfy webhook: the topic its JSON publishing names. */
  ntfyTopic: string | undefined;
}

export const noticeConfig = once('notices', (env: Env): NoticeConfig => {
  const webhookUrl = optional(env, 'NOTIFY_WEBHOOK_URL');
  if (webhookUrl) {
    const problem = webhookProblem(webhookUrl);
    if (problem) throw new ConfigError(problem);
  }
  return { topicArn: optional(env, 'NOTIFY_TOPIC_ARN'), webhookUrl, ntfyTopic: optional(env, 'NOTIFY_NTFY_TOPIC') };
});

/** The listening history: its table, its calendar's time zone, how long answers are fresh and plays are kept. */
export interface HistoryConfig {
  timeZone: string;
  cacheSeconds: number;
  /** Undefined: forever. */
  retentionDays: number | undefined;
}

export const historyTableName = once('historyTableName', (env: Env): string => required(env, 'HISTORY_TABLE_NAME', 'It names the history table; serverless.yml sets it.'));

export const historyConfig = once('history', (env: Env): HistoryConfig => {
  const timeZone = optional(env, 'HISTORY_TIME_ZONE') ?? 'UTC';
  try {
    new Intl.DateTimeFormat('en-CA', { timeZone });
  } catch {
    throw new ConfigError('HISTORY_TIME_ZONE must be an IANA time zone such as UTC or Europe/Berlin.');
  }
  const retention = optional(env, 'HISTORY_RETENTION_DAYS');
  if (retention !== undefined && (!/^\d+$/.test(retention) || Number(retention) < 1)) {
    throw new ConfigError('HISTORY_RETENTION_DAYS must be a whole number of days, at least 1 (empty: keep plays forever).');
  }
  return {
    timeZone,
    cacheSeconds: seconds(env, 'HISTORY_CACHE_SECONDS'),
    retentionDays: retention === undefined ? undefined : Number(retention),
  };
});

/** How often the collector runs (HISTORY_COLLECT_MINUTES, 30 when unset); 0: it does not. */
export const collectMinutes = once('collectMinutes', (env: Env): number => {
  const text = optional(env, 'HISTORY_COLLECT_MINUTES') ?? '30';
  if (!/^\d+$/.test(text) || Number(text) > 1440) throw new ConfigError('HISTORY_COLLECT_MINUTES must be a whole number of minutes from 0 to 1440 (0 turns collecting off).');
  return Number(text);
});

/**
 * The day's Spotify budget (SPOTIFY_DAILY_BUDGET, config/budget.cjs): the calls allowed in any
 * rolling 24 hours, the reserves of the calls that must not wait, the public features' part and
 * their shares of it.
 */
export interface BudgetConfig extends BudgetParts {
  shares: typeof SHARES;
  collectMinutes: number;
}

export const budgetConfig = once('budget', (env: Env): BudgetConfig => {
  const minutes = collectMinutes(env);
  const problem = budgetProblem(env.SPOTIFY_DAILY_BUDGET, minutes);
  if (problem) throw new ConfigError(problem);
  const daily = Number(optional(env, 'SPOTIFY_DAILY_BUDGET') ?? DEFAULT_DAILY_BUDGET);
  return { ...budgetParts(daily, minutes), shares: SHARES, collectMinutes: minutes };
});

/** Whether the listening history is collected: a history table, and a collector that runs. */
export const historyCollected = once('historyCollected', (env: Env): boolean => Boolean(optional(env, 'HISTORY_TABLE_NAME')) && collectMinutes(env) > 0);
