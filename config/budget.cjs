/**
 * The day's Spotify budget: how many calls the service makes in any rolling 24 hours
 * (SPOTIFY_DAILY_BUDGET), what is set aside for the calls that must not wait (reserves), and how
 * the rest is shared between the public features. One home for these numbers: the functions read
 * them through lib/platform/config.ts, and config/stages.cjs checks the setting at package time
 * with the same rules, so a budget too small for the collector's schedule never deploys.
 *
 * Spotify refuses a development-mode app after roughly 1,100–2,600 calls in a rolling day, for
 * 13–20 hours (../shared/spotify-web-api.md): the default keeps well below the lowest seen.
 */
'use strict';

const settingError = require('./setting-error.cjs');

const DEFAULT_DAILY_BUDGET = 1000;
/** What the public features need at the least to be of use: now playing about every 20 minutes. */
const MIN_PUBLIC = 100;
/**
 * Token refreshes: an access token lasts an hour, so a service in use refreshes about 24 times a
 * day, and again when Spotify refuses a token early; twice that.
 */
const REFRESH_RESERVE = 48;
/** The owner's own actions: connecting (the code and the profile), the console's top artists, a few times a day. */
const OWNER_RESERVE = 24;
/** The collector's daily snapshot of the six top lists: two days' fall inside one window. */
const SNAPSHOT_CALLS = 12;
/** The budget's window is counted by the hour, this one and the 24 before it (lib/spotify/budget.ts). */
const WINDOW_MINUTES = 25 * 60;

/**
 * The public features' shares of what the reserves leave: now playing moves the fastest, so it
 * gets the most. A feature that makes no call for a while lends its share to the others
 * (lib/listening/pacing.ts).
 */
const SHARES = Object.freeze({ nowPlaying: 0.6, recentlyPlayed: 0.2, topLists: 0.2 });

/**
 * The collector's reserve for a run every `collectMinutes` (0: no collector): one call for each
 * run the window holds, a quarter more for the retry of a call that failed in passing, and the
 * daily snapshots.
 * @param {number} collectMinutes
 */
function collectorReserve(collectMinutes) {
  if (!collectMinutes) return 0;
  const runs = Math.ceil(WINDOW_MINUTES / collectMinutes);
  return runs + Math.ceil(runs / 4) + SNAPSHOT_CALLS;
}

/**
 * The budget's parts for `dailyBudget` calls a day and a collector every `collectMinutes`.
 * @param {number} dailyBudget
 * @param {number} collectMinutes
 * @returns {{ daily: number, reserves: { refresh: number, owner: number, collector: number }, public: number }}
 */
function budgetParts(dailyBudget, collectMinutes) {
  const reserves = { refresh: REFRESH_RESERVE, owner: OWNER_RESERVE, collector: collectorReserve(collectMinutes) };
  return { daily: dailyBudget, reserves, public: dailyBudget - reserves.refresh - reserves.owner - reserves.collector };
}

/**
 * What is wrong with SPOTIFY_DAILY_BUDGET (as text, from the environment) for a collector every
 * `collectMinutes`, or undefined when it is fine.
 * @param {string | undefined} text
 * @param {number} collectMinutes
 */
function budgetProblem(text, collectMinutes) {
  const value = (text ?? '').trim();
  if (!value) return undefined;
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(Number(value))) {
    return `SPOTIFY_DAILY_BUDGET must be a whole number of Spotify calls a day (unset, it is ${DEFAULT_DAILY_BUDGET}). It is "${value}".`;
  }
  const parts = budgetParts(Number(value), collectMinutes);
  if (parts.public >= MIN_PUBLIC) return undefined;
  const { refresh, owner, collector } = parts.reserves;
  const least = refresh + owner + collector + MIN_PUBLIC;
  const schedule = collectMinutes ? `the collector running every ${collectMinutes} minutes (HISTORY_COLLECT_MINUTES) needs ${collector}, ` : '';
  return (
    `SPOTIFY_DAILY_BUDGET is ${value}, too small: ${schedule}token refreshes ${refresh} and the owner's own actions ${owner}, ` +
    `and the public endpoints need at least ${MIN_PUBLIC}. Set it to ${least} or more` +
    (collectMinutes ? `, or collect less often.` : '.')
  );
}

/**
 * SPOTIFY_DAILY_BUDGET for serverless.yml, checked against HISTORY_COLLECT_MINUTES (as
 * config/stages.cjs reads it): the number, or a refusal that names what to change.
 * @param {Record<string, string | undefined>} env
 * @param {number} collectMinutes
 */
function dailyBudget(env, collectMinutes) {
  const problem = budgetProblem(env.SPOTIFY_DAILY_BUDGET, collectMinutes);
  if (problem) throw settingError(problem);
  return String((env.SPOTIFY_DAILY_BUDGET ?? '').trim() || DEFAULT_DAILY_BUDGET);
}

module.exports = { DEFAULT_DAILY_BUDGET, MIN_PUBLIC, SHARES, budgetParts, budgetProblem, dailyBudget };
