// Control plane: applied in the emulator process, called over HTTP from any process.
import type { SpotifyModel } from './model';
import type { Playable, Playback, PlayOptions } from './player';
import { dailyQuotaSetting } from './traffic';
import {
  SCOPE_REFUSALS, WEB_API_ROUTES, type CallCounters, type DailyQuotaOptions, type DailyQuotaState, type Fault, type FaultTarget,
  type Play, type RateLimitOptions, type RequestLogEntry, type ScopeRefusal,
} from './types';

export interface EmulatorState {
  calls: CallCounters;
  requests: RequestLogEntry[];
  signedInUser: string | undefined;
  rotateRefreshTokens: boolean;
  latencyMs: number;
  scopeRefusal: ScopeRefusal;
  /** The daily quota setting (null = off) and, per client id, its calls in the window and lockout end. */
  dailyQuota: DailyQuotaState;
  now: number;
}

export function stateOf(model: SpotifyModel): EmulatorState {
  return {
    calls: model.calls,
    requests: model.requests,
    signedInUser: model.signedInUser,
    rotateRefreshTokens: model.rotateRefreshTokens,
    latencyMs: model.latencyMs,
    scopeRefusal: model.scopeRefusal,
    dailyQuota: model.dailyQuotaState(),
    now: model.now(),
  };
}

type Args = Record<string, unknown>;

function num(args: Args, key: string): number {
  const value = args[key];
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new Error(`${key} must be a number`);
  return value;
}

function str(args: Args, key: string): string {
  const value = args[key];
  if (typeof value !== 'string') throw new Error(`${key} must be a string`);
  return value;
}

function optStr(args: Args, key: string): string | undefined {
  return args[key] === undefined ? undefined : str(args, key);
}

const FAULT_TARGETS: readonly string[] = ['token', ...WEB_API_ROUTES, 'api', 'image'];

/** A fault as sent over HTTP: it fails (status), answers late (delayMs) or stalls; checked field by field. */
function faultOf(value: unknown): Fault {
  if (typeof value !== 'object' || value === null) throw new Error('fault must be an object');
  const fault = value as Fault;
  const { status, delayMs, times, stall } = fault;
  if (status !== undefined && !(Number.isInteger(status) && status >= 100 && status <= 599)) throw new Error('fault.status must be an HTTP status');
  if (delayMs !== undefined && !(typeof delayMs === 'number' && delayMs >= 0)) throw new Error('fault.delayMs must be a number of ms');
  if (times !== undefined && !(Number.isInteger(times) && times >= 1)) throw new Error('fault.times must be a whole number from 1');
  if (stall !== undefined && typeof stall !== 'boolean') throw new Error('fault.stall must be true or false');
  if (status === undefined && delayMs === undefined && !stall) throw new Error('fault needs a status, a delayMs or stall: true');
  return fault;
}

function optUserIds(args: Args): string[] | undefined {
  const value = args.userIds;
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value) || !value.every((id) => typeof id === 'string')) throw new Error('userIds must be a list of user ids');
  return value as string[];
}

function optList<T>(args: Args, key: string): T[] | undefined {
  const value = args[key];
  if (value !== undefined && !Array.isArray(value)) throw new Error(`${key} must be a list`);
  return value as T[] | undefined;
}

/** play()'s options as sent over HTTP; the player checks the items themselves. */
function playOptions(args: Args): PlayOptions {
  const { positionMs, paused, context } = args;
  if (positionMs !== undefined) num(args, 'positionMs');
  if (paused !== undefined && typeof paused !== 'boolean') throw new Error('paused must be true or false');
  if (context !== undefined && typeof context !== 'object') throw new Error('context must be an object or null');
  return { positionMs: positionMs as number | undefined, paused: paused as boolean | undefined, context: context as PlayOptions['context'], queue: optList(args, 'queue') };
}

/** Runs one control action; throws on bad input (answered as 400). */
export function applyControl(model: SpotifyModel, action: unknown, args: Args): unknown {
  switch (action) {
    case 'signIn': return model.signIn(str(args, 'userId'));
    case 'rateLimit': return model.rateLimit({ retryAfterSeconds: num(args, 'retryAfterSeconds'), includeToken: args.includeToken === true });
    case 'failNext': {
      const target = str(args, 'target');
      if (!FAULT_TARGETS.includes(target)) throw new Error(`target must be one of ${FAULT_TARGETS.join(', ')}`);
      return model.failNext(target as FaultTarget, faultOf(args.fault));
    }
    case 'revokeRefreshTokens': return model.revokeRefreshTokens(optStr(args, 'userId'));
    case 'expireAccessTokens': return model.expireAccessTokens();
    case 'setRotate': model.rotateRefreshTokens = args.on === true; return;
    case 'setLatency': model.latencyMs = num(args, 'ms'); return;
    case 'setMaxCallsPer30s': model.maxCallsPer30s = args.max === null ? null : num(args, 'max'); return;
    case 'setDailyQuota': model.dailyQuota = dailyQuotaSetting(args.quota, 'quota'); return;
    case 'setAccessTokenTtl': model.accessTokenTtlSeconds = num(args, 'seconds'); return;
    case 'advanceClock': return model.advanceClock(num(args, 'ms'));
    case 'setAllowedUsers': return model.setAllowedUsers(optUserIds(args), optStr(args, 'clientId'));
    case 'registerRedirectUri': return model.registerRedirectUri(str(args, 'uri'), optStr(args, 'clientId'));
    case 'issueTokens': return model.issueTokens(str(args, 'userId'), { scopes: optList<string>(args, 'scopes') });
    case 'setScopeRefusal': {
      const refusal = str(args, 'refusal');
      if (!SCOPE_REFUSALS.includes(refusal as ScopeRefusal)) throw new Error(`refusal must be one of ${SCOPE_REFUSALS.join(', ')}`);
      model.scopeRefusal = refusal as ScopeRefusal;
      return;
    }
    case 'play': return model.player(str(args, 'userId')).play(args.item as Playable | undefined, playOptions(args));
    case 'playAd': return model.player(str(args, 'userId')).playAd({ durationMs: args.durationMs === undefined ? undefined : num(args, 'durationMs') });
    case 'playUnknown': return model.player(str(args, 'userId')).playUnknown({ durationMs: args.durationMs === undefined ? undefined : num(args, 'durationMs') });
    case 'pause': return model.player(str(args, 'userId')).pause();
    case 'resume': return model.player(str(args, 'userId')).resume();
    case 'stop': return model.player(str(args, 'userId')).stop();
    case 'setPrivateSession': return model.player(str(args, 'userId')).setPrivateSession(args.on === true);
    case 'setHistory': return model.player(str(args, 'userId')).setHistory(optList<Play>(args, 'plays') ?? []);
    case 'history': return model.player(str(args, 'userId')).history();
    case 'playback': return model.player(str(args, 'userId')).playback();
    case 'reset': return model.reset();
    default: throw new Error(`Unknown action ${String(action)}`);
  }
}

/** Typed client for the control plane, for tests whose emulator runs in another process. */
export function emulatorControl(url: string) {
  const base = url.replace(/\/$/, '');
  async function send<T = void>(action: string, args: Args = {}): Promise<T> {
    const res = await fetch(`${base}/__emulator/control`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ action, ...args }),
    });
    const body = (await res.json()) as { result?: T; error?: string };
    if (!res.ok) throw new Error(`Emulator control "${action}" failed: ${body.error}`);
    return body.result as T;
  }
  return {
    signIn: (userId: string) => send('signIn', { userId }),
    rateLimit: (opts: RateLimitOptions) => send('rateLimit', { ...opts }),
    failNext: (target: FaultTarget, fault: Fault) => send('failNext', { target, fault }),
    revokeRefreshTokens: (userId?: string) => send('revokeRefreshTokens', { userId }),
    expireAccessTokens: () => send('expireAccessTokens'),
    setRotate: (on: boolean) => send('setRotate', { on }),
    setLatency: (ms: number) => send('setLatency', { ms }),
    setMaxCallsPer30s: (max: number | null) => send('setMaxCallsPer30s', { max }),
    /**
     * Spotify's rolling daily quota per client id; null turns it off and forgets counts and lockouts.
     * A new setting keeps them (a lockout runs its course); reset() puts back the model's option.
     */
    setDailyQuota: (quota: DailyQuotaOptions | null) => send('setDailyQuota', { quota }),
    setAccessTokenTtl: (seconds: number) => send('setAccessTokenTtl', { seconds }),
    advanceClock: (ms: number) => send('advanceClock', { ms }),
    /** The app's User Management list; null lets everyone through. reset() puts the registered list back. */
    setAllowedUsers: (userIds: string[] | null, clientId?: string) => send('setAllowedUsers', { userIds, clientId }),
    registerRedirectUri: (uri: string, clientId?: string) => send('registerRedirectUri', { uri, clientId }),
    issueTokens: (userId: string, scopes?: string[]) =>
      send<{ access_token: string; refresh_token: string }>('issueTokens', { userId, scopes }),
    /** 'permissions-missing' (401) or 'insufficient-client-scope' (403, the default); reset() puts the default back. */
    setScopeRefusal: (refusal: ScopeRefusal) => send('setScopeRefusal', { refusal }),
    /** Plays `item` (default: the user's first top track) now; see Player.play. */
    play: (userId: string, item?: Playable, options: PlayOptions = {}) => send('play', { userId, item, ...options }),
    playAd: (userId: string, durationMs?: number) => send('playAd', { userId, durationMs }),
    playUnknown: (userId: string, durationMs?: number) => send('playUnknown', { userId, durationMs }),
    pause: (userId: string) => send('pause', { userId }),
    resume: (userId: string) => send('resume', { userId }),
    stop: (userId: string) => send('stop', { userId }),
    setPrivateSession: (userId: string, on: boolean) => send('setPrivateSession', { userId, on }),
    setHistory: (userId: string, plays: Play[]) => send('setHistory', { userId, plays }),
    history: (userId: string) => send<Play[]>('history', { userId }),
    playback: (userId: string) => send<Playback | null>('playback', { userId }),
    reset: () => send('reset'),
    async state(): Promise<EmulatorState> {
      const res = await fetch(`${base}/__emulator/state`);
      if (!res.ok) throw new Error(`Emulator state failed: ${res.status}`);
      return (await res.json()) as EmulatorState;
    },
  };
}

export type EmulatorControl = ReturnType<typeof emulatorControl>;
