/**
 * What one simulated run notes as it goes, and the figures it ends with. Invocations run one at a
 * time, so the Spotify calls the emulator logs while one runs are that invocation's: each call is
 * put down to the function that made it. /now-playing's answers give its staleness (the request's
 * time minus the answer's `fetchedAt`) and whether it was served stale, and why.
 */
import { DEFAULT_CLIENT_ID, type SpotifyModel } from '../../../tests/support/spotify-emulator';
import { maxInWindow, WeightedSamples } from './figures';

/** Spotify's endpoints, as the figures name them. */
export const SPOTIFY_ENDPOINTS = ['token', 'currentlyPlaying', 'recentlyPlayed', 'top', 'me'] as const;
export type SpotifyEndpoint = (typeof SPOTIFY_ENDPOINTS)[number] | 'other';

/** The Spotify endpoint of a logged request's path, or undefined for the image CDN. */
function spotifyEndpoint(path: string): SpotifyEndpoint | undefined {
  if (path === '/api/token') return 'token';
  if (!path.startsWith('/v1/')) return undefined;
  if (path === '/v1/me/player/currently-playing') return 'currentlyPlaying';
  if (path === '/v1/me/player/recently-played') return 'recentlyPlayed';
  if (path.startsWith('/v1/me/top/')) return 'top';
  return path === '/v1/me' ? 'me' : 'other';
}

export interface FunctionFigure {
  /** Requests (or scheduled runs) and the invocations that stood for them. */
  requests: number;
  invocations: number;
  spotifyCalls: number;
  /** Requests answered with a status of 400 or more. */
  errors: number;
  dynamoRequests: number;
  /** Real milliseconds its invocations took: all of them, and the `warm` ones (answered from memory: no DynamoDB request, no Spotify call). */
  realMs: number;
  warm: number;
  warmRealMs: number;
}

export interface Lockout {
  /** Hours from the simulation's start: the first refused call, and when Spotify answers again. */
  since: number;
  until: number;
  /** When the watch first told the owner of it, in minutes after it began; null if never. */
  toldAfterMinutes: number | null;
}

/** A refused call and the service's record of when its lockout began are this close (a call takes milliseconds). */
const SAME_LOCKOUT_MS = 60_000;

/** The functions that run on a schedule, not for visitors. */
const SCHEDULED = ['collect', 'watch'];

export interface RunFigures {
  /** Visitors' requests, the invocations that stood for them, and the requests answered with an error (400 or more). */
  requests: number;
  invocations: number;
  errors: number;
  spotify: {
    total: number;
    /** Refused by Spotify (429: its quota, once a lockout began). */
    refused: number;
    byEndpoint: Record<SpotifyEndpoint, number>;
    /** The most calls in any rolling 24 hours, and when (hours from the start) that window ends. */
    maxRolling24h: number;
    maxWindowEndsAtHour: number | null;
    /** Calls per hour after the first (which has the owner's connecting): × 24, a day's, for runs shorter than a day. */
    perHourAfterFirst: number;
  };
  byFunction: Record<string, FunctionFigure>;
  nowPlaying: {
    requests: number;
    /** Seconds between a request and its answer's `fetchedAt`, over the requests. */
    staleness: { p50: number; p95: number; max: number };
    /** Requests answered `stale: true`, per reason; for how many simulated minutes a stale answer stood. */
    staleRequests: number;
    staleReasons: Record<string, number>;
    staleMinutes: number;
  };
  lockouts: Lockout[];
  /** Notices of Spotify's quota the watch sent (on its log channel, the one always there). */
  quotaNotices: number;
}

type Answer = { statusCode: number; body?: string };

export class RunRecord {
  private readonly functions = new Map<string, FunctionFigure>();
  private readonly staleness = new WeightedSamples();
  private staleRequests = 0;
  private readonly staleReasons = new Map<string, number>();
  /** Since when the last /now-playing answer, still standing, was stale; the time stale answers stood. */
  private staleSince: number | null = null;
  private staleMs = 0;
  private readonly lockouts: { since: number; until: number; toldAt: number | null }[] = [];
  private quotaNotices = 0;
  private logged = 0;

  constructor(
    private readonly model: SpotifyModel,
    private readonly dynamoRequests: () => number,
    private readonly start: number,
  ) {}

  /** Runs `work` as an invocation of `fn`, and notes its Spotify calls, DynamoDB requests and real time. */
  async invoke<T>(fn: string, work: () => Promise<T>): Promise<T> {
    this.logged = this.model.requests.length;
    const dynamoBefore = this.dynamoRequests();
    const started = performance.now();
    const answer = await work();
    const realMs = performance.now() - started;
    const figure = this.functions.get(fn) ?? { requests: 0, invocations: 0, spotifyCalls: 0, errors: 0, dynamoRequests: 0, realMs: 0, warm: 0, warmRealMs: 0 };
    const calls = this.newCalls();
    const dynamo = this.dynamoRequests() - dynamoBefore;
    figure.invocations += 1;
    figure.spotifyCalls += calls;
    figure.dynamoRequests += dynamo;
    figure.realMs += realMs;
    if (calls === 0 && dynamo === 0) {
      figure.warm += 1;
      figure.warmRealMs += realMs;
    }
    this.functions.set(fn, figure);
    return answer;
  }

  /** `requests` requests to `fn` (or scheduled runs of it) got `answer`. */
  answered(fn: string, requests: number, answer: unknown): void {
    const figure = this.functions.get(fn)!;
    figure.requests += requests;
    const status = (answer as Partial<Answer> | undefined)?.statusCode;
    if (status !== undefined && status >= 400) figure.errors += requests;
  }

  /** The Spotify calls logged since the invocation began; a refusal of the quota opens (or lengthens) a lockout. */
  private newCalls(): number {
    let calls = 0;
    for (const entry of this.model.requests.slice(this.logged)) {
      if (!spotifyEndpoint(entry.path)) continue;
      calls += 1;
      if (entry.status === 429) this.noteLockout(entry.at);
    }
    return calls;
  }

  private noteLockout(at: number): void {
    const until = this.model.dailyQuotaState().clients[DEFAULT_CLIENT_ID]?.lockedUntil;
    if (!until) return;
    const last = this.lockouts.at(-1);
    if (last && at < last.until) last.until = Math.max(last.until, until);
    else this.lockouts.push({ since: at, until, toldAt: null });
  }

  /**
   * /now-playing's answer to an invocation at `at` standing for requests that arrived `arrivals`
   * ms after it: each request's age of the answer is its own arrival time minus `fetchedAt`. The
   * answer stands until the next one, so a stale answer counts as stale for that long.
   */
  nowPlaying(at: number, arrivals: number[], answer: Answer): void {
    this.closeStaleSpan(at);
    const weight = arrivals.length;
    if (answer.statusCode !== 200 || !answer.body) return;
    const json = JSON.parse(answer.body) as { fetchedAt: string; stale?: boolean; reason?: string };
    const fetchedAt = Date.parse(json.fetchedAt);
    for (const arrival of arrivals) this.staleness.add(Math.max(0, at + arrival - fetchedAt) / 1000, 1);
    if (!json.stale) return;
    this.staleRequests += weight;
    this.staleReasons.set(json.reason ?? 'unknown', (this.staleReasons.get(json.reason ?? 'unknown') ?? 0) + weight);
    this.staleSince = at;
  }

  /** The time the last stale answer stood, up to `at`. */
  private closeStaleSpan(at: number): void {
    if (this.staleSince === null) return;
    this.staleMs += at - this.staleSince;
    this.staleSince = null;
  }

  /**
   * The watch ran at `at` and sent these notices ("<cause> <channel>"). A quota notice's cause names
   * when the service saw its lockout begin (`quota-<ISO>`): it tells of the lockout that began then.
   */
  watched(at: number, sent: string[]): void {
    for (const notice of sent) {
      const match = /^quota-(\S+) log$/.exec(notice);
      if (!match) continue;
      this.quotaNotices += 1;
      const began = Date.parse(match[1]!);
      const told = this.lockouts.find((lockout) => lockout.toldAt === null && Math.abs(lockout.since - began) <= SAME_LOCKOUT_MS);
      if (told) told.toldAt = at;
    }
  }

  /** The figures at `end` (epoch ms), when the simulation stops. */
  figures(end: number): RunFigures {
    this.closeStaleSpan(end);
    const laterHours = (end - this.start) / 3_600_000 - 1;
    const calls = this.model.requests.filter((entry) => spotifyEndpoint(entry.path));
    const byEndpoint = Object.fromEntries([...SPOTIFY_ENDPOINTS, 'other'].map((name) => [name, 0])) as Record<SpotifyEndpoint, number>;
    for (const entry of calls) byEndpoint[spotifyEndpoint(entry.path)!] += 1;
    const rolling = maxInWindow(calls.map((entry) => entry.at));
    const hours = (at: number) => Math.round(((at - this.start) / 3_600_000) * 1000) / 1000;
    const nowPlaying = this.functions.get('nowPlaying');
    const visited = [...this.functions].filter(([fn]) => !SCHEDULED.includes(fn)).map(([, figure]) => figure);
    return {
      requests: visited.reduce((sum, figure) => sum + figure.requests, 0),
      invocations: visited.reduce((sum, figure) => sum + figure.invocations, 0),
      errors: visited.reduce((sum, figure) => sum + figure.errors, 0),
      spotify: {
        total: calls.length,
        refused: calls.filter((entry) => entry.status === 429).length,
        byEndpoint,
        maxRolling24h: rolling.calls,
        maxWindowEndsAtHour: rolling.endsAt === null ? null : hours(rolling.endsAt),
        perHourAfterFirst: laterHours > 0 ? calls.filter((entry) => entry.at >= this.start + 3_600_000).length / laterHours : Number.NaN,
      },
      byFunction: Object.fromEntries(this.functions),
      nowPlaying: {
        requests: nowPlaying?.requests ?? 0,
        staleness: { p50: this.staleness.percentile(50), p95: this.staleness.percentile(95), max: this.staleness.max() },
        staleRequests: this.staleRequests,
        staleReasons: Object.fromEntries(this.staleReasons),
        staleMinutes: Math.round(this.staleMs / 6_000) / 10,
      },
      lockouts: this.lockouts.map(({ since, until, toldAt }) => ({
        since: hours(since),
        until: hours(until),
        toldAfterMinutes: toldAt === null ? null : Math.round((toldAt - since) / 60_000),
      })),
      quotaNotices: this.quotaNotices,
    };
  }
}
