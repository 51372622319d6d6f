import { describe, expect, it } from 'vitest';
import { decodeTracks, encodeTracks } from '../../../lib/listening/history-format';
import type { DayTrack } from '../../../lib/listening/history-numbers';

describe("a day's tracks, as one compact string", () => {
  it('round-trips ids, counts, milliseconds, the explicit flag and the artists', () => {
    const tracks: DayTrack[] = [
      { id: '4uLU6hMCjMI75M1A2tKUQC', plays: 3, ms: 645_000, explicit: false, artistIds: ['0gxyHStUsqpMadRV0Di1Qt', '1vCWHaC5f2uS3yhpwWbIA6'] },
      { id: '7ouMYWpwJ422jRcDASZB7P', plays: 1, ms: 215_000, explicit: true, artistIds: [] },
    ];
    const text = encodeTracks(tracks);
    expect(text).toBe('4uLU6hMCjMI75M1A2tKUQC:3:645000:0:0gxyHStUsqpMadRV0Di1Qt,1vCWHaC5f2uS3yhpwWbIA6;7ouMYWpwJ422jRcDASZB7P:1:215000:1:');
    expect(decodeTracks(text)).toEqual(tracks);
    expect(decodeTracks('')).toEqual([]);
  });
});
