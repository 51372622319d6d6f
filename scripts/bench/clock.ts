/**
 * The bench's simulated clock. The service, the baselines and the Spotify emulator all read
 * time through Date.now, so replacing Date.now in this process moves them together: the bench
 * can spread requests over ten minutes, or jump past a token's expiry, without waiting.
 * Only Date.now is moved; timers and performance.now (used for latencies) stay real.
 */
const realNow = Date.now.bind(Date);
let offsetMs = 0;

export const clock = {
  now: (): number => realNow() + offsetMs,
  /** Jumps forward by `ms`. */
  advance(ms: number): void {
    offsetMs += ms;
  },
  /** Moves forward to `time` (epoch ms) unless it is already later: simulated time never goes back. */
  advanceTo(time: number): void {
    offsetMs = Math.max(offsetMs, time - realNow());
  },
};

/** Installs the simulated clock; the returned function restores the real one. */
export function useSimulatedClock(): () => void {
  Date.now = clock.now;
  return () => {
    Date.now = realNow;
    offsetMs = 0;
  };
}
