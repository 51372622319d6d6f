/**
 * The simulated days' arithmetic, kept pure so it can be checked by itself: the most calls in any
 * rolling 24 hours, and percentiles of samples that each stand for several requests.
 */

export const DAY_MS = 86_400_000;

/**
 * The most calls in any window of `windowMs` (times in ms, any order), and when that window
 * ends. Every window that ends at a call is counted, so no window, however it slides, holds more:
 * finer than sliding one every simulated minute.
 */
export function maxInWindow(times: number[], windowMs = DAY_MS): { calls: number; endsAt: number | null } {
  const sorted = [...times].sort((a, b) => a - b);
  let best = { calls: 0, endsAt: null as number | null };
  for (let end = 0, start = 0; end < sorted.length; end++) {
    while (sorted[start]! <= sorted[end]! - windowMs) start++;
    if (end - start + 1 > best.calls) best = { calls: end - start + 1, endsAt: sorted[end]! };
  }
  return best;
}

/** Samples that stand for `weight` requests each. */
export class WeightedSamples {
  private values: number[] = [];
  private weights: number[] = [];

  add(value: number, weight: number): void {
    this.values.push(value);
    this.weights.push(weight);
  }

  get total(): number {
    return this.weights.reduce((sum, weight) => sum + weight, 0);
  }

  /** The nearest-rank percentile, each sample counted `weight` times; NaN without samples. */
  percentile(p: number): number {
    const order = this.values.map((_, index) => index).sort((a, b) => this.values[a]! - this.values[b]!);
    const rank = Math.max(1, Math.ceil((p / 100) * this.total));
    let seen = 0;
    for (const index of order) {
      seen += this.weights[index]!;
      if (seen >= rank) return this.values[index]!;
    }
    return Number.NaN;
  }

  max(): number {
    return this.values.length ? this.values.reduce((a, b) => Math.max(a, b)) : Number.NaN;
  }
}
