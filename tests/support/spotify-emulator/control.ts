// Control plane: applied in the emulator process, called over HTTP from any process.
import type { SpotifyModel } from './model';
import type { CallCounters, Fault, FaultTarget, RateLimitOptions, RequestLogEntry } from './types';

export interface EmulatorState {
  calls: CallCounters;
  requests: RequestLogEntry[];
  signedInUser: string | undefined;
  rotateRefreshTokens: boolean;
  latencyMs: number;
  now: number;
}

export function stateOf(model: SpotifyModel): EmulatorState {
  return {
    calls: model.calls,
    requests: model.requests,
    signedInUser: model.signedInUser,
    rotateRefreshTokens: model.rotateRefreshTokens,
    latencyMs: model.latencyMs,
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

const FAULT_TARGETS: readonly string[] = ['token', 'me', 'top', 'api', 'image'];

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
    case 'setAccessTokenTtl': model.accessTokenTtlSeconds = num(args, 'seconds'); return;
    case 'advanceClock': return model.advanceClock(num(args, 'ms'));
    case 'setAllowedUsers': return model.setAllowedUsers(optUserIds(args), optStr(args, 'clientId'));
    case 'registerRedirectUri': return model.registerRedirectUri(str(args, 'uri'), optStr(args, 'clientId'));
    case 'issueTokens': return model.issueTokens(str(args, 'userId'), { scopes: args.scopes as string[] | undefined });
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
    setAccessTokenTtl: (seconds: number) => send('setAccessTokenTtl', { seconds }),
    advanceClock: (ms: number) => send('advanceClock', { ms }),
    /** The app's User Management list; null lets everyone through. reset() puts the registered list back. */
    setAllowedUsers: (userIds: string[] | null, clientId?: string) => send('setAllowedUsers', { userIds, clientId }),
    registerRedirectUri: (uri: string, clientId?: string) => send('registerRedirectUri', { uri, clientId }),
    issueTokens: (userId: string, scopes?: string[]) =>
      send<{ access_token: string; refresh_token: string }>('issueTokens', { userId, scopes }),
    reset: () => send('reset'),
    async state(): Promise<EmulatorState> {
      const res = await fetch(`${base}/__emulator/state`);
      if (!res.ok) throw new Error(`Emulator state failed: ${res.status}`);
      return (await res.json()) as EmulatorState;
    },
  };
}

export type EmulatorControl = ReturnType<typeof emulatorControl>;
