// All emulator state and rules; no HTTP here. Follows /work/shared/spotify-web-api.md.
import { authenticateClient, validateAuthorize } from './accounts';
import { imageResponse } from './images';
import { Player } from './player';
import { currentlyPlayingResponse, recentlyPlayedResponse } from './player-api';
import { sampleArtists, sampleHistory, sampleTracks } from './sample-data';
import { Traffic } from './traffic';
import type {
  AppSpec, Artist, AuthorizeRequest, CallCounters, DailyQuotaOptions, DailyQuotaSetting, DailyQuotaState, Fault,
  FaultTarget, ModelOptions, ModelResponse, RateLimitOptions, RequestLogEntry, ScopeRefusal, TimeRange, Track,
  UserSpec, WebApiRoute,
} from './types';
import { apiError, json, oauthError, randomToken, toParams } from './util';
import { meBody, orderFor, topResponse } from './web-api';

export { AuthorizeError, KNOWN_SCOPES } from './accounts';

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
export const CODE_LIFETIME_MS = 10 * MINUTE;
/** Spotify: refresh tokens die 6 months after the user authorized; refreshing doesn't extend it. */
export const REFRESH_TOKEN_LIFETIME_MS = 183 * DAY;
/** Spotify: a development-mode app's User Management lists at most 5 users (Feb 2026). */
export const MAX_DEVELOPMENT_USERS = 5;
const CDN_IMAGE_BASE = 'https://i.scdn.co/image/';

interface Grant { clientId: string; userId: string; scopes: string[]; authorizedAt: number }
interface CodeRecord extends Grant { redirectUri: string; expiresAt: number; used: boolean }
interface RefreshRecord extends Grant { revoked: boolean }
interface AccessRecord extends Grant { expiresAt: number }

export interface TokenRequest {
  authorizationHeader?: string;
  form: URLSearchParams | Record<string, string | undefined>;
}

export interface ApiRequest {
  method?: string;
  path: string;
  query?: URLSearchParams | Record<string, string | undefined>;
  authorizationHeader?: string;
}

const emptyCounters = (): CallCounters => ({
  authorize: 0, token: { authorization_code: 0, refresh_token: 0, other: 0 }, me: 0, top: 0, currentlyPlaying: 0, recentlyPlayed: 0, other: 0,
});

const ROUTES: readonly [WebApiRoute, RegExp][] = [
  ['me', /^\/v1\/me$/],
  ['top', /^\/v1\/me\/top\/[^/]+$/],
  ['currentlyPlaying', /^\/v1\/me\/player\/currently-playing$/],
  ['recentlyPlayed', /^\/v1\/me\/player\/recently-played$/],
];

/**
 * The scope each route needs. /me needs none for the fields development-mode apps get. Only
 * user-read-currently-playing opens currently-playing: older docs' "and/or
 * user-read-playback-state" is not relied on, so a service that asks for the wrong one is caught.
 */
const SCOPE_NEEDED: Record<WebApiRoute, string | null> = {
  me: null, top: 'user-top-read', currentlyPlaying: 'user-read-currently-playing', recentlyPlayed: 'user-read-recently-played',
};

export class SpotifyModel {
  readonly apps = new Map<string, Required<Omit<AppSpec, 'allowedUsers'>> & Pick<AppSpec, 'allowedUsers'>>();
  readonly users = new Map<string, UserSpec>();
  /** The Spotify user the consent page acts as. */
  signedInUser: string | undefined;
  accessTokenTtlSeconds!: number;
  rotateRefreshTokens!: boolean;
  latencyMs!: number;
  /** How a token without an endpoint's scope is refused (see ScopeRefusal); 403 by default. */
  scopeRefusal!: ScopeRefusal;
  readonly apiBase: string;
  calls: CallCounters = emptyCounters();
  requests: RequestLogEntry[] = [];

  private readonly clock: () => number;
  private clockOffsetMs = 0;
  private codes = new Map<string, CodeRecord>();
  private refreshTokens = new Map<string, RefreshRecord>();
  private accessTokens = new Map<string, AccessRecord>();
  private grants = new Map<string, Set<string>>();
  private readonly traffic = new Traffic(() => this.now());
  private readonly players = new Map<string, Player>();
  private firstUser: string | undefined;
  /** Every code and token ever issued; kept across reset() so tests can prove none leaked. */
  private readonly issued = new Set<string>();
  /** Each app's allow-list as registered; reset() puts it back after setAllowedUsers(). */
  private readonly registeredAllowLists = new Map<string, string[] | undefined>();

  constructor(private readonly options: ModelOptions = {}) {
    this.clock = options.now ?? Date.now;
    this.apiBase = options.apiBase ?? 'https://api.spotify.com';
    this.applyOptions();
  }

  private applyOptions(): void {
    this.accessTokenTtlSeconds = this.options.accessTokenTtlSeconds ?? 3600;
    this.rotateRefreshTokens = this.options.rotateRefreshTokens ?? false;
    this.latencyMs = this.options.latencyMs ?? 0;
    this.maxCallsPer30s = this.options.maxCallsPer30s ?? null;
    this.dailyQuota = this.options.dailyQuota ?? null;
    // 403 is what Spotify documents for a scope problem and what the emulator always answered.
    this.scopeRefusal = this.options.scopeRefusal ?? 'insufficient-client-scope';
  }

  /** Rolling 30-second Web API call limit; null = off. */
  get maxCallsPer30s(): number | null {
    return this.traffic.maxCallsPer30s;
  }

  set maxCallsPer30s(max: number | null) {
    this.traffic.maxCallsPer30s = max;
  }

  /**
   * Spotify's rolling daily quota per client id, with its defaults filled in; null = off. Setting
   * it checks it (throws naming the bad field) and keeps the counts and lockouts; null forgets them.
   */
  get dailyQuota(): DailyQuotaSetting | null {
    return this.traffic.dailyQuota;
  }

  set dailyQuota(quota: DailyQuotaOptions | null) {
    this.traffic.dailyQuota = quota;
  }

  /** Each client id's calls in the current window and lockout end (epoch ms, model clock). */
  dailyQuotaState(): DailyQuotaState {
    return this.traffic.dailyQuotaState();
  }

  now(): number {
    return this.clock() + this.clockOffsetMs;
  }

  /** Moves the model clock forward; useful when the clock can't be injected (other processes). */
  advanceClock(ms: number): void {
    this.clockOffsetMs += ms;
  }

  registerApp(spec: AppSpec): void {
    this.apps.set(spec.clientId, { name: 'Spotify Highlights', ...spec, redirectUris: [...spec.redirectUris] });
    this.setAllowedUsers(spec.allowedUsers, spec.clientId);
    this.registeredAllowLists.set(spec.clientId, spec.allowedUsers && [...spec.allowedUsers]);
  }

  /** Replaces an app's User Management list (undefined: everyone); the first app by default. */
  setAllowedUsers(userIds: string[] | undefined, clientId?: string): void {
    const app = clientId ? this.apps.get(clientId) : this.apps.values().next().value;
    if (!app) throw new Error(`No app ${clientId ?? '(none registered)'}`);
    if (userIds && userIds.length > MAX_DEVELOPMENT_USERS) {
      throw new Error(`A development-mode app allows at most ${MAX_DEVELOPMENT_USERS} users`);
    }
    app.allowedUsers = userIds && [...userIds];
  }

  registerRedirectUri(uri: string, clientId?: string): void {
    const app = clientId ? this.apps.get(clientId) : this.apps.values().next().value;
    if (!app) throw new Error(`No app ${clientId ?? '(none registered)'}`);
    if (!app.redirectUris.includes(uri)) app.redirectUris.push(uri);
  }

  addUser(spec: UserSpec): void {
    this.users.set(spec.id, spec);
    this.players.set(spec.id, new Player(() => this.now(), spec));
    if (this.firstUser === undefined) {
      this.firstUser = spec.id;
      this.signedInUser ??= spec.id;
    }
  }

  /** A user's top artists or tracks in the order Spotify would give for `timeRange`. */
  topFor(userId: string, type: 'artists', timeRange?: TimeRange): Artist[];
  topFor(userId: string, type: 'tracks', timeRange?: TimeRange): Track[];
  topFor(userId: string, type: 'artists' | 'tracks', timeRange: TimeRange = 'medium_term'): (Artist | Track)[] {
    const user = this.users.get(userId);
    if (!user) throw new Error(`Unknown user ${userId}`);
    return type === 'artists' ? orderFor(user.topArtists, timeRange) : orderFor(user.topTracks, timeRange);
  }

  /** A user's player: what they play now (play, pause, stop, an ad, a private session) and their history. */
  player(userId: string): Player {
    const player = this.players.get(userId);
    if (!player) throw new Error(`Unknown user ${userId}`);
    return player;
  }

  signIn(userId: string): void {
    if (!this.users.has(userId)) throw new Error(`Unknown user ${userId}`);
    this.signedInUser = userId;
  }

  /** Codes, access and refresh tokens ever issued, and the registered apps' client secrets. */
  issuedSecrets(): string[] {
    return [...this.issued, ...[...this.apps.values()].map((app) => app.clientSecret)];
  }

  private mint(prefix: string, bytes: number): string {
    const token = randomToken(prefix, bytes);
    this.issued.add(token);
    return token;
  }

  // ---- /authorize ----

  /** Validates an /authorize request like Spotify; throws AuthorizeError. */
  authorize(input: URLSearchParams | Record<string, string | undefined>): AuthorizeRequest {
    return validateAuthorize(input, (clientId) => this.apps.get(clientId));
  }

  /** True when Spotify would skip the consent page: same scopes granted before and no show_dialog. */
  hasGrant(request: AuthorizeRequest, userId = this.signedInUser): boolean {
    const granted = this.grants.get(`${userId}\n${request.clientId}`);
    return !!granted && request.scopes.every((s) => granted.has(s));
  }

  approve(request: AuthorizeRequest, userId = this.signedInUser): string {
    if (!userId || !this.users.has(userId)) throw new Error(`No signed-in user (${userId})`);
    const key = `${userId}\n${request.clientId}`;
    const granted = this.grants.get(key) ?? new Set<string>();
    request.scopes.forEach((s) => granted.add(s));
    this.grants.set(key, granted);
    const code = this.mint('AQ', 150);
    const now = this.now();
    this.codes.set(code, {
      clientId: request.clientId, redirectUri: request.redirectUri, userId, scopes: [...request.scopes],
      authorizedAt: now, expiresAt: now + CODE_LIFETIME_MS, used: false,
    });
    return code;
  }

  deny(_request: AuthorizeRequest): { error: 'access_denied' } {
    return { error: 'access_denied' };
  }

  // ---- /api/token ----

  token(req: TokenRequest): ModelResponse {
    const form = toParams(req.form);
    const grantType = form.get('grant_type') ?? undefined;
    if (grantType === 'authorization_code' || grantType === 'refresh_token') this.calls.token[grantType]++;
    else this.calls.token.other++;
    const res = this.traffic.answer('token', () => this.answerToken(req.authorizationHeader, form, grantType));
    this.log({ method: 'POST', path: '/api/token', query: {}, grantType, status: res.status });
    return res;
  }

  private answerToken(header: string | undefined, form: URLSearchParams, grantType?: string): ModelResponse {
    // Authenticated up front (it has no side effects) only to know whose daily quota the call
    // draws on; a client that fails to authenticate names no app, so it draws on none.
    const client = authenticateClient(header, form, (id) => this.apps.get(id));
    const blocked = this.traffic.check('token', 'clientId' in client ? client.clientId : undefined);
    if (blocked) return blocked;
    if (!grantType) return oauthError('unsupported_grant_type', 'grant_type parameter is missing');
    if (grantType !== 'authorization_code' && grantType !== 'refresh_token') {
      return oauthError('unsupported_grant_type', 'grant_type must be authorization_code or refresh_token');
    }
    if ('status' in client) return client;
    return grantType === 'authorization_code' ? this.exchangeCode(client.clientId, form) : this.refresh(client.clientId, form);
  }

  private exchangeCode(clientId: string, form: URLSearchParams): ModelResponse {
    const code = form.get('code');
    const redirectUri = form.get('redirect_uri');
    if (!code) return oauthError('invalid_request', 'code must be supplied');
    if (!redirectUri) return oauthError('invalid_request', 'redirect_uri must be supplied');
    const record = this.codes.get(code);
    if (!record || record.used || this.now() >= record.expiresAt || record.clientId !== clientId) {
      return oauthError('invalid_grant', 'Invalid authorization code');
    }
    if (record.redirectUri !== redirectUri) return oauthError('invalid_grant', 'Invalid redirect URI');
    record.used = true;
    const refreshToken = this.mint('AQ', 100);
    this.refreshTokens.set(refreshToken, { ...record, revoked: false });
    return json(200, { ...this.accessTokenBody(record), refresh_token: refreshToken });
  }

  private refresh(clientId: string, form: URLSearchParams): ModelResponse {
    const token = form.get('refresh_token');
    if (!token) return oauthError('invalid_request', 'refresh_token must be supplied');
    const record = this.refreshTokens.get(token);
    if (!record || record.clientId !== clientId) return oauthError('invalid_grant', 'Invalid refresh token');
    if (record.revoked) return oauthError('invalid_grant', 'Refresh token revoked');
    if (this.now() >= record.authorizedAt + REFRESH_TOKEN_LIFETIME_MS) return oauthError('invalid_grant', 'Invalid refresh token');
    const body: Record<string, unknown> = this.accessTokenBody(record);
    if (this.rotateRefreshTokens) {
      this.refreshTokens.delete(token);
      const next = this.mint('AQ', 100);
      this.refreshTokens.set(next, { ...record });
      body.refresh_token = next;
    }
    return json(200, body);
  }

  private accessTokenBody(grant: Grant): Record<string, unknown> {
    const accessToken = this.mint('BQ', 110);
    const { clientId, userId, scopes, authorizedAt } = grant;
    this.accessTokens.set(accessToken, {
      clientId, userId, scopes: [...scopes], authorizedAt, expiresAt: this.now() + this.accessTokenTtlSeconds * 1000,
    });
    return { access_token: accessToken, token_type: 'Bearer', expires_in: this.accessTokenTtlSeconds, scope: scopes.join(' ') };
  }

  /** Shortcut for tests: tokens as if `userId` had just authorized (no HTTP flow). */
  issueTokens(userId: string, opts: { clientId?: string; scopes?: string[]; authorizedAt?: number } = {}): { access_token: string; refresh_token: string } {
    const clientId = opts.clientId ?? this.apps.keys().next().value;
    if (!clientId || !this.users.has(userId)) throw new Error('issueTokens needs a registered app and user');
    const grant: Grant = { clientId, userId, scopes: opts.scopes ?? ['user-top-read'], authorizedAt: opts.authorizedAt ?? this.now() };
    const refreshToken = this.mint('AQ', 100);
    this.refreshTokens.set(refreshToken, { ...grant, revoked: false });
    return { access_token: this.accessTokenBody(grant).access_token as string, refresh_token: refreshToken };
  }

  // ---- Web API ----

  api(req: ApiRequest): ModelResponse {
    const method = req.method ?? 'GET';
    const query = toParams(req.query);
    const route = ROUTES.find(([, pattern]) => pattern.test(req.path))?.[0];
    this.calls[route ?? 'other']++;
    const res = route
      ? this.traffic.answer(route, () => this.answerApi(route, method, req.path, query, req.authorizationHeader))
      : apiError(404, 'Service not found');
    this.log({ method, path: req.path, query: Object.fromEntries(query), status: res.status });
    return res;
  }

  private answerApi(route: WebApiRoute, method: string, path: string, query: URLSearchParams, header?: string): ModelResponse {
    const token = /^Bearer\s+(\S+)$/i.exec(header ?? '')?.[1];
    const access = token ? this.accessTokens.get(token) : undefined;
    // Counted (and refused) where the 30-second window is, for the app the token was issued to,
    // expired or not; a token the model never issued names no app, so it draws on no quota.
    const blocked = this.traffic.check('api', access?.clientId);
    if (blocked) return blocked;
    if (method !== 'GET') return apiError(405, 'Method not allowed');
    const type = path.slice('/v1/me/top/'.length);
    if (route === 'top' && type !== 'artists' && type !== 'tracks') return apiError(404, 'Service not found');

    if (!access) return this.unauthorized('Invalid access token');
    if (this.now() >= access.expiresAt) return this.unauthorized('The access token expired');
    const allowed = this.apps.get(access.clientId)?.allowedUsers;
    if (allowed && !allowed.includes(access.userId)) {
      // Observed as plain text, not JSON.
      return { status: 403, body: 'User not registered in the Developer Dashboard', headers: { 'content-type': 'text/plain; charset=utf-8' } };
    }
    const scope = SCOPE_NEEDED[route];
    if (scope && !access.scopes.includes(scope)) {
      return this.scopeRefusal === 'permissions-missing' ? apiError(401, 'Permissions missing') : apiError(403, 'Insufficient client scope');
    }
    const user = this.users.get(access.userId)!;
    const player = this.player(user.id);
    switch (route) {
      case 'me': return json(200, meBody(user, this.apiBase));
      case 'top': return topResponse(user, type as 'artists' | 'tracks', query, this.apiBase);
      case 'currentlyPlaying': return currentlyPlayingResponse(player.inPrivateSession() ? null : player.playback(), query);
      case 'recentlyPlayed': return recentlyPlayedResponse(player.history(), query, this.apiBase);
    }
  }

  // ---- i.scdn.co ----

  /** GET /image/<id> on the CDN: only ids of pictures the model lists are there, as on Spotify. */
  image(method: string, path: string): ModelResponse {
    const res = this.traffic.answer('image', () => imageResponse(method, path, (id) => this.imageIds().has(id)));
    this.log({ method, path, query: {}, status: res.status });
    return res;
  }

  /** Every picture id in the users' top items and in what their players were given (every size listed). */
  imageIds(): Set<string> {
    const ids = new Set<string>();
    for (const user of this.users.values()) {
      const images = [...user.topArtists.flatMap((a) => a.images), ...user.topTracks.flatMap((t) => t.album.images), ...this.player(user.id).images()];
      for (const { url } of images) if (url.startsWith(CDN_IMAGE_BASE)) ids.add(url.slice(CDN_IMAGE_BASE.length));
    }
    return ids;
  }

  private unauthorized(message: string): ModelResponse {
    return apiError(401, message, { 'www-authenticate': `Bearer realm="spotify", error="invalid_token", error_description="${message}"` });
  }

  // ---- limits, faults, test controls ----

  /** Web API (and optionally /api/token) answers 429 until `retryAfterSeconds` pass on the model clock. */
  rateLimit(options: RateLimitOptions): void {
    this.traffic.rateLimit(options);
  }

  /** The next matching request(s) fail, answer late or stall instead (see Fault); 'api' covers every Web API route. */
  failNext(target: FaultTarget, fault: Fault): void {
    this.traffic.failNext(target, fault);
  }

  revokeRefreshTokens(userId?: string): void {
    for (const record of this.refreshTokens.values()) {
      if (userId === undefined || record.userId === userId) record.revoked = true;
    }
  }

  expireAccessTokens(): void {
    const now = this.now();
    for (const record of this.accessTokens.values()) record.expiresAt = Math.min(record.expiresAt, now);
  }

  log(entry: Omit<RequestLogEntry, 'at'>): void {
    this.requests.push({ at: this.now(), ...entry });
  }

  /**
   * Clears runtime state (tokens, codes, grants, faults, limits, daily quota counts and lockouts,
   * counters, clock offset, playback) and option changes, and puts back the allow-lists apps were
   * registered with and the histories users were added with; keeps apps and users.
   */
  reset(): void {
    for (const [clientId, allowed] of this.registeredAllowLists) this.setAllowedUsers(allowed, clientId);
    this.codes.clear();
    this.refreshTokens.clear();
    this.accessTokens.clear();
    this.grants.clear();
    this.traffic.reset();
    this.clockOffsetMs = 0;
    for (const player of this.players.values()) player.reset();
    this.calls = emptyCounters();
    this.requests = [];
    this.signedInUser = this.firstUser;
    this.applyOptions();
  }
}

export const DEFAULT_CLIENT_ID = 'test-client-id';
export const DEFAULT_CLIENT_SECRET = 'test-client-secret';
export const DEFAULT_REDIRECT_URI = 'http://127.0.0.1:3000/callback';
export const OWNER_ID = 'owner-user';
export const INTRUDER_ID = 'intruder-user';
/** A Spotify user the default app's User Management does not list: the Web API refuses them. */
export const UNREGISTERED_ID = 'unregistered-user';

export function createDefaultModel(options: ModelOptions & { redirectUris?: string[] } = {}): SpotifyModel {
  const { redirectUris = [], ...modelOptions } = options;
  const model = new SpotifyModel(modelOptions);
  model.registerApp({
    clientId: DEFAULT_CLIENT_ID,
    clientSecret: DEFAULT_CLIENT_SECRET,
    redirectUris: [DEFAULT_REDIRECT_URI, ...redirectUris],
    // The users tests connect as; UNREGISTERED_ID stays off, as a stranger would be.
    allowedUsers: [OWNER_ID, INTRUDER_ID],
  });
  // Histories of more plays than the Web API reaches, the newest ending ten minutes before the model was made.
  const lastPlayEnded = model.now() - 10 * 60_000;
  const ownerTracks = sampleTracks(50);
  const intruderTracks = sampleTracks(50, 'intruder');
  model.addUser({
    id: OWNER_ID, displayName: 'Site Owner', topArtists: sampleArtists(50), topTracks: ownerTracks,
    recentlyPlayed: sampleHistory(ownerTracks, 60, lastPlayEnded),
  });
  model.addUser({
    id: INTRUDER_ID, displayName: 'Someone Else', topArtists: sampleArtists(50, 'intruder'), topTracks: intruderTracks,
    recentlyPlayed: sampleHistory(intruderTracks, 60, lastPlayEnded),
  });
  model.addUser({ id: UNREGISTERED_ID, displayName: 'Not Registered', topArtists: sampleArtists(50, 'unregistered'), topTracks: sampleTracks(50, 'unregistered') });
  return model;
}
