/** Types of config/intervals.cjs. */
export type IntervalName = 'HIGHLIGHTS_CACHE_SECONDS' | 'NOW_PLAYING_CACHE_SECONDS' | 'RECENTLY_PLAYED_CACHE_SECONDS' | 'OWNER_RECHECK_SECONDS' | 'STALE_MAX_SECONDS' | 'HISTORY_CACHE_SECONDS';
export declare const INTERVALS: Record<IntervalName, { fallback: number; zeroMeans: string }>;
export declare function intervalSetting(env: Record<string, string | undefined>, name: IntervalName): { seconds: number } | { problem: string };
