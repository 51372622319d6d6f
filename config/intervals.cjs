/**
 * The service's intervals, in whole seconds: each variable's default and what 0 means. The one home
 * of those defaults, read by the code (lib/platform/config.ts) and by the packaging
 * (config/stages.cjs checks them and hands them to serverless.yml), so a default changed here is
 * the default everywhere.
 */

/** @type {Record<string, { fallback: number, zeroMeans: string }>} */
const INTERVALS = {
  /** The shortest refresh interval of the top lists (the day's budget may make it longer). */
  HIGHLIGHTS_CACHE_SECONDS: { fallback: 300, zeroMeans: "0 = as often as the day's Spotify budget allows" },
  NOW_PLAYING_CACHE_SECONDS: { fallback: 15, zeroMeans: "0 = as often as the day's Spotify budget allows" },
  RECENTLY_PLAYED_CACHE_SECONDS: { fallback: 60, zeroMeans: "0 = as often as the day's Spotify budget allows" },
  /** How long a container trusts what it knows of the owner before reading the owner's item again. */
  OWNER_RECHECK_SECONDS: { fallback: 5, zeroMeans: '0 = read the owner for every request' },
  /** The longest a last good result is served stale, counted from when it was fetched: a week. */
  STALE_MAX_SECONDS: { fallback: 604_800, zeroMeans: '0 = never serve a stale result' },
  /** How long an answer of GET /history (and its card) is fresh. */
  HISTORY_CACHE_SECONDS: { fallback: 300, zeroMeans: '0 = read the history for every request' },
};

/**
 * The interval `name` as `env` sets it, or its default; a problem (one line naming the variable)
 * instead when it is not a whole number of seconds.
 * @param {Record<string, string | undefined>} env
 * @param {keyof typeof INTERVALS} name
 * @returns {{ seconds: number } | { problem: string }}
 */
function intervalSetting(env, name) {
  const { fallback, zeroMeans } = INTERVALS[name];
  const text = (env[name] ?? '').trim();
  if (!text) return { seconds: fallback };
  const value = Number(text);
  if (/^\d+$/.test(text) && Number.isSafeInteger(value)) return { seconds: value };
  return { problem: `${name} must be a whole number of seconds (${zeroMeans}); unset, it is ${fallback}. It is "${text}".` };
}

module.exports = { INTERVALS, intervalSetting };
