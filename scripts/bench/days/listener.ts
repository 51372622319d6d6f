/**
 * The emulated owner of the simulated days, a heavy listener: about 1,000 plays a day. Each hour
 * they start a session of tracks of about 86 s back to back through the emulator's player (a
 * queue, as scripts/demo.ts keeps its owner listening) that fills the hour but for a minute or so,
 * when nothing plays and /now-playing answers the last played. Spotify's recently played reaches
 * only the last 50 plays (the emulator's too), so a collector that misses 70 minutes loses plays.
 */
import { OWNER_ID, type SpotifyModel, type Track } from '../../../tests/support/spotify-emulator';
import { prng } from '../../../tests/support/spotify-emulator/util';

const HOUR_MS = 3_600_000;
/** Each session ends once its tracks pass this: about 41 tracks, then silence until the hour ends. */
const SESSION_MS = HOUR_MS - 60_000;
/** Tracks last 80 to 92 s: about 86 s. */
const SHORTEST_MS = 80_000;
const SPREAD_MS = 12_000;

/** The tracks of one hour's session: the owner's top tracks in turn, each about 86 s long. */
function session(top: Track[], hour: number): Track[] {
  const random = prng(hour + 1);
  const tracks: Track[] = [];
  for (let total = 0, i = 0; ; i++) {
    const track = { ...top[(hour * 41 + i) % top.length]!, duration_ms: SHORTEST_MS + Math.floor(random() * SPREAD_MS) };
    if (total + track.duration_ms > SESSION_MS) return tracks;
    tracks.push(track);
    total += track.duration_ms;
  }
}

/** Starts the session of hour `hour` (from the simulation's start); call it when that hour begins. */
export function listen(model: SpotifyModel, hour: number): void {
  const [first, ...queue] = session(model.topFor(OWNER_ID, 'tracks', 'short_term'), hour);
  if (!first) throw new Error('the owner has no top tracks to listen to');
  model.player(OWNER_ID).play(first, { queue });
}

/** The plays that ended from `from` to `to` (epoch ms), as Spotify's history holds them: ISO time and track id. */
export function playsBetween(model: SpotifyModel, from: number, to: number): { playedAt: string; trackId: string }[] {
  return model
    .player(OWNER_ID)
    .history()
    .filter((play) => play.playedAt >= from && play.playedAt <= to)
    .map((play) => ({ playedAt: new Date(play.playedAt).toISOString(), trackId: play.track.id }));
}
