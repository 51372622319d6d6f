// One user's playback and play history, moved on by the model clock; no HTTP here.
// What plays is worked out when it is read: a playing item's position is its start position plus
// the time since, and an item that has reached its end gives way to the next (see settle()).
// A track from the user's own files (a LocalTrack) plays like any track but is never recorded:
// Spotify leaves local files out of recently played.
import type { Episode, LocalTrack, Play, PlayContext, SpotifyImage, Track, UserSpec } from './types';

/** Spotify answers about the last 50 plays, whatever the cursors. */
export const MAX_REACHABLE_PLAYS = 50;
/**
 * Paused this long, a playback is forgotten and currently-playing answers 204 again (observed
 * after about two minutes, spotify/web-api issue 1373); fixed so tests are deterministic.
 */
export const PAUSED_FORGOTTEN_AFTER_MS = 2 * 60_000;
export const AD_DURATION_MS = 30_000;

export type Playable = Track | LocalTrack | Episode;

export interface PlayOptions {
  /** Where in the item playback starts; default 0. */
  positionMs?: number;
  /** Start paused; default false. */
  paused?: boolean;
  /** Default: the track's album or the episode's show (none for a local file); null for none. */
  context?: PlayContext | null;
  /** What plays next, in order, each from its start; after the last, nothing plays. */
  queue?: Playable[];
}

/** What a user's player holds now: what currently-playing reports, outside a private session. */
export interface Playback {
  type: 'track' | 'episode' | 'ad' | 'unknown';
  /** null for an ad or an unknown item. */
  item: Playable | null;
  context: PlayContext | null;
  progressMs: number;
  isPlaying: boolean;
  /** When playback last changed (play, pause, resume, the next item), model ms. */
  timestamp: number;
  queue: Playable[];
}

interface Current {
  type: Playback['type'];
  item: Playable | null;
  durationMs: number;
  context: PlayContext | null;
  /** The position at `since`. */
  positionMs: number;
  since: number;
  isPlaying: boolean;
  changedAt: number;
}

export function contextOf(item: Track | Episode): PlayContext {
  const { href, external_urls, uri } = item.type === 'track' ? item.album : item.show;
  return { type: item.type === 'track' ? 'album' : 'show', href, external_urls, uri };
}

const isLocal = (item: Playable): item is LocalTrack => item.type === 'track' && item.is_local;

/** Where an item plays from when nobody says: its album or show; a local file's album is no Spotify page, so none. */
const defaultContext = (item: Playable): PlayContext | null => (isLocal(item) ? null : contextOf(item));

const newestFirst = (plays: Play[]): Play[] => [...plays].sort((a, b) => b.playedAt - a.playedAt);

/**
 * True for a track or an episode with what the player and the CDN read of it (items may come as
 * JSON over the control plane, and one without its pictures would break every CDN answer).
 */
function isPlayable(item: unknown): item is Playable {
  const candidate = item as { type?: unknown; duration_ms?: unknown; images?: unknown; album?: { images?: unknown }; show?: { images?: unknown } } | undefined;
  if (!Number.isFinite(candidate?.duration_ms)) return false;
  if (candidate?.type === 'track') return Array.isArray(candidate.album?.images);
  return candidate?.type === 'episode' && Array.isArray(candidate.images) && Array.isArray(candidate.show?.images);
}

export class Player {
  private current: Current | null = null;
  private queue: Playable[] = [];
  private plays: Play[] = [];
  private privateSession = false;
  /** Every item this player was given, so the CDN keeps serving their pictures. */
  private readonly given = new Set<Playable>();

  constructor(private readonly now: () => number, private readonly user: Pick<UserSpec, 'topTracks' | 'recentlyPlayed'>) {
    this.reset();
  }

  /**
   * Plays `item` (default: the user's first top track) now, in place of whatever played, which is
   * not recorded (it did not end).
   */
  play(item: Playable | undefined = this.user.topTracks[0], { positionMs = 0, paused = false, context, queue = [] }: PlayOptions = {}): void {
    if (!isPlayable(item) || !queue.every(isPlayable)) throw new Error('play() takes a track or an episode (and a queue of them)');
    if (!(positionMs >= 0 && positionMs < item.duration_ms)) throw new Error(`positionMs must be from 0 to below ${item.duration_ms}`);
    this.settle();
    [item, ...queue].forEach((given) => this.given.add(given));
    this.queue = [...queue];
    this.start(item.type, item, item.duration_ms, context === undefined ? defaultContext(item) : context, positionMs, this.now());
    if (paused) this.current!.isPlaying = false;
  }

  /** An ad plays now, for `durationMs`, then the queue moves on; ads are never recorded. */
  playAd({ durationMs = AD_DURATION_MS }: { durationMs?: number } = {}): void {
    if (!(durationMs > 0)) throw new Error('durationMs must be above 0');
    this.settle();
    this.start('ad', null, durationMs, null, 0, this.now());
  }

  /**
   * Something Spotify reports as currently_playing_type "unknown", with item null, for
   * `durationMs`; then the queue moves on. Never recorded.
   */
  playUnknown({ durationMs = AD_DURATION_MS }: { durationMs?: number } = {}): void {
    if (!(durationMs > 0)) throw new Error('durationMs must be above 0');
    this.settle();
    this.start('unknown', null, durationMs, null, 0, this.now());
  }

  pause(): void {
    const current = this.settled('pause');
    if (!current.isPlaying) return;
    current.positionMs = this.progressOf(current);
    current.isPlaying = false;
    current.since = current.changedAt = this.now();
  }

  resume(): void {
    const current = this.settled('resume');
    if (current.isPlaying) return;
    current.isPlaying = true;
    current.since = current.changedAt = this.now();
  }

  /** Nothing plays from now on, and the queue is emptied. */
  stop(): void {
    this.settle();
    this.current = null;
    this.queue = [];
  }

  /** In a private session currently-playing answers 204 and tracks that end are not recorded. */
  setPrivateSession(on: boolean): void {
    this.settle();
    this.privateSession = on;
  }

  inPrivateSession(): boolean {
    return this.privateSession;
  }

  /** Replaces the play history (tracks only: Spotify never lists episodes there, nor local files). */
  setHistory(plays: Play[]): void {
    if (plays.some((play) => play.track?.type !== 'track' || !isPlayable(play.track) || !Number.isFinite(play.playedAt))) {
      throw new Error('a play is { track (a track), playedAt (ms), context }');
    }
    if (plays.some((play) => isLocal(play.track))) throw new Error('Spotify leaves local files out of the play history');
    this.settle();
    plays.forEach((play) => this.given.add(play.track));
    this.plays = newestFirst(plays.map((play) => ({ ...play, context: play.context ?? null })));
  }

  /** Every play, newest first (the Web API reaches only the first MAX_REACHABLE_PLAYS). */
  history(): Play[] {
    this.settle();
    return [...this.plays];
  }

  /** What plays now, playing or paused; null when nothing does. */
  playback(): Playback | null {
    this.settle();
    const current = this.current;
    if (!current) return null;
    return {
      type: current.type, item: current.item, context: current.context, progressMs: this.progressOf(current),
      isPlaying: current.isPlaying, timestamp: current.changedAt, queue: [...this.queue],
    };
  }

  /** The pictures of every item this player was given (history included). */
  images(): SpotifyImage[] {
    return [...this.given].flatMap((item) => (item.type === 'track' ? item.album.images : [...item.images, ...item.show.images]));
  }

  /** Nothing plays, no private session, and the history the user was added with. */
  reset(): void {
    this.current = null;
    this.queue = [];
    this.privateSession = false;
    this.plays = [];
    this.setHistory(this.user.recentlyPlayed ?? []);
  }

  private start(type: Current['type'], item: Playable | null, durationMs: number, context: PlayContext | null, positionMs: number, at: number): void {
    this.current = { type, item, durationMs, context, positionMs, since: at, isPlaying: true, changedAt: at };
  }

  private progressOf(current: Current): number {
    return current.isPlaying ? current.positionMs + (this.now() - current.since) : current.positionMs;
  }

  private settled(action: string): Current {
    this.settle();
    if (!this.current) throw new Error(`Nothing is playing to ${action}`);
    return this.current;
  }

  /**
   * Brings the player up to the model clock: each item that reached its end in the meantime is
   * recorded (a track, not a local file, outside a private session, at the moment it ended) and the next queued
   * item starts at that moment; after the last, nothing plays. A playback paused for
   * PAUSED_FORGOTTEN_AFTER_MS is forgotten.
   */
  private settle(): void {
    const now = this.now();
    for (let current = this.current; current; current = this.current) {
      if (!current.isPlaying) {
        if (now - current.changedAt >= PAUSED_FORGOTTEN_AFTER_MS) [this.current, this.queue] = [null, []];
        return;
      }
      const endsAt = current.since + current.durationMs - current.positionMs;
      if (now < endsAt) return;
      if (current.item?.type === 'track' && current.item.is_local === false && !this.privateSession) {
        this.plays.unshift({ track: current.item, playedAt: endsAt, context: current.context });
      }
      const next = this.queue.shift();
      if (next) this.start(next.type, next, next.duration_ms, defaultContext(next), 0, endsAt);
      else this.current = null;
    }
  }
}
