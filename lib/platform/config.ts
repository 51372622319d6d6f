/**
 * All configuration comes from the environment and is read here, nowhere else.
 * A missing or invalid value becomes a ConfigError that names the variable,
 * which the HTTP layer turns into a clear answer instead of a stack trace.
 */
import { budgetParts, budgetProblem, DEFAULT_DAILY_BUDGET, SHARES, type BudgetParts } from '../../config/budget.cjs';
import { ConfigError } from './errors';
import { webhookProblem } from './webhook';

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
export function redirectUriSetting(env: Env = process.env): string {
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
}

/**
 * The shortest refresh interval of each listening source (*_CACHE_SECONDS): the day's budget may
 * make it longer (lib/listening/pacing.ts), never shorter. Needs no Spotify setting: /status shows them.
 */
export type ShortestIntervals = Pick<Config, 'cacheSeconds' | 'nowPlayingCacheSeconds' | 'recentlyPlayedCacheSeconds'>;

export function shortestIntervals(env: Env = process.env): ShortestIntervals {
  const means = '0 = as often as the day\'s Spotify budget allows';
  return {
    cacheSeconds: seconds(env, 'HIGHLIGHTS_CACHE_SECONDS', 300, means),
    nowPlayingCacheSeconds: seconds(env, 'NOW_PLAYING_CACHE_SECONDS', 15, means),
    recentlyPlayedCacheSeconds: seconds(env, 'RECENTLY_PLAYED_CACHE_SECONDS', 60, means),
  };
}

export function loadConfig(env: Env = process.env): Config {
  const redirectUri = redirectUriSetting(env);
  return {
    clientId: required(env, 'SPOTIFY_CLIENT_ID', 'Copy it from your app in the Spotify developer dashboard into .env.'),
    redirectUri,
    ownerSpotifyId: optional(env, 'OWNER_SPOTIFY_ID'),
    ...shortestIntervals(env),
    ownerRecheckSeconds: seconds(env, 'OWNER_RECHECK_SECONDS', 5, '0 = read the owner for every request'),
    staleMaxSeconds: seconds(env, 'STALE_MAX_SECONDS', 604_800, '0 = never serve a stale result'),
    tableName: tableName(env),
  };
}

function seconds(env: Env, name: string, fallback: number, zeroMeans: string): number {
  const text = optional(env, name) ?? String(fallback);
  const value = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(value)) throw new ConfigError(`${name} must be a whole number of seconds (${zeroMeans}).`);
  return value;
}

export function tableName(env: Env = process.env): string {
  return required(env, 'TABLE_NAME', 'It names the DynamoDB table; serverless.yml sets it.');
}

/** The redirect URI: configured, or (deployed without one) this API's own /callback. */
export function redirectUriFor(config: Pick<Config, 'redirectUri'>, domainName: string): string {
  return config.redirectUri || `https://${domainName}/callback`;
}

/**
 * Where the service answers, e.g. http://127.0.0.1:3000/: the redirect URI's folder. Its origin is
 * the service's own. Needs no Spotify setting: pages that only know the service (the console, the
 * request-body checks, the notices' link) work before the app is set up.
 */
export function serviceBase(domainName: string, env: Env = process.env): URL {
  return new URL('.', redirectUriFor({ redirectUri: redirectUriSetting(env) }, domainName));
}

/** Where the owner's notices go (issue 13), and the service's address their link names. */
export interface NoticeConfig {
  /** The SNS topic that emails the owner (the template sets it when deployed with NOTIFY_EMAIL). */
  topicArn: string | undefined;
  webhookUrl: string | undefined;
  /** For an ntfy webhook: the topic its JSON publishing names. */
  ntfyTopic: string | undefined;
  /** The service's address ending in "/": the redirect URI's folder, else SERVICE_URL (the template sets it to the API's URL). */
  serviceUrl: string | undefined;
}

export function noticeConfig(env: Env = process.env): NoticeConfig {
  const redirectUri = redirectUriSetting(env);
  const given = optional(env, 'SERVICE_URL');
  let serviceUrl: string | undefined;
  try {
    serviceUrl = redirectUri ? serviceBase('', env).toString() : given ? new URL(given.endsWith('/') ? given : `${given}/`).toString() : undefined;
  } catch {
    throw new ConfigError('SERVICE_URL is not a valid URL.');
  }
  const webhookUrl = optional(env, 'NOTIFY_WEBHOOK_URL');
  if (webhookUrl) {
    const problem = webhookProblem(webhookUrl);
    if (problem) throw new ConfigError(problem);
  }
  return { topicArn: optional(env, 'NOTIFY_TOPIC_ARN'), webhookUrl, ntfyTopic: optional(env, 'NOTIFY_NTFY_TOPIC'), serviceUrl };
}

/** The listening history (issue 14): its table, its calendar's time zone, how long answers are fresh and plays are kept. */
export interface HistoryConfig {
  timeZone: string;
  cacheSeconds: number;
  /** Undefined: forever. */
  retentionDays: number | undefined;
}

export function historyTableName(env: Env = process.env): string {
  return required(env, 'HISTORY_TABLE_NAME', 'It names the history table; serverless.yml sets it.');
}

export function historyConfig(env: Env = process.env): HistoryConfig {
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
    cacheSeconds: seconds(env, 'HISTORY_CACHE_SECONDS', 300, '0 = always read'),
    retentionDays: retention === undefined ? undefined : Number(retention),
  };
}

/** How often the collector runs (HISTORY_COLLECT_MINUTES, 30 when unset); 0: it does not. */
export function collectMinutes(env: Env = process.env): number {
  const text = optional(env, 'HISTORY_COLLECT_MINUTES') ?? '30';
  if (!/^\d+$/.test(text) || Number(text) > 1440) throw new ConfigError('HISTORY_COLLECT_MINUTES must be a whole number of minutes from 0 to 1440 (0 turns collecting off).');
  return Number(text);
}

/**
 * The day's Spotify budget (SPOTIFY_DAILY_BUDGET, config/budget.cjs): the calls allowed in any
 * rolling 24 hours, the reserves of the calls that must not wait, the public features' part and
 * their shares of it.
 */
export interface BudgetConfig extends BudgetParts {
  shares: typeof SHARES;
  collectMinutes: number;
}

export function budgetConfig(env: Env = process.env): BudgetConfig {
  const minutes = collectMinutes(env);
  const problem = budgetProblem(env.SPOTIFY_DAILY_BUDGET, minutes);
  if (problem) throw new ConfigError(problem);
  const daily = Number(optional(env, 'SPOTIFY_DAILY_BUDGET') ?? DEFAULT_DAILY_BUDGET);
  return { ...budgetParts(daily, minutes), shares: SHARES, collectMinutes: minutes };
}

/** Whether the listening history is collected: a history table, and a collector that runs. */
export function historyCollected(env: Env = process.env): boolean {
  return Boolean(optional(env, 'HISTORY_TABLE_NAME')) && collectMinutes(env) > 0;
}
