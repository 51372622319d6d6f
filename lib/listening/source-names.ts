/**
 * The names of the listening sources: the key of each result (result-store.ts), and what a public
 * call to Spotify is counted as on the day's budget (lib/spotify/budget.ts). One home, for the
 * sources themselves, forgetting them, and their pacing.
 */
import { TIME_RANGES, TOP_TYPES, type TimeRange, type TopType } from '../spotify/types';

export const NOW_PLAYING_NAME = 'now-playing';
export const RECENTLY_PLAYED_NAME = 'recently-played';

export const topListName = (type: TopType, range: TimeRange) => `${type}#${range}`;

/** The names of every top-list result (each type and range). */
export const TOP_LIST_NAMES: readonly string[] = TOP_TYPES.flatMap((type) => TIME_RANGES.map((range) => topListName(type, range)));

/** Every source's name. */
export const SOURCE_NAMES: readonly string[] = [...TOP_LIST_NAMES, NOW_PLAYING_NAME, RECENTLY_PLAYED_NAME];
