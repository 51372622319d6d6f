/**
 * What each stage reads, and the checks that keep what works locally from breaking, or from being
 * taken over, on AWS. serverless.yml reads SPOTIFY_CLIENT_ID, SPOTIFY_REDIRECT_URI,
 * OWNER_SPOTIFY_ID, the watch's settings (WATCH_SCHEDULE, NOTIFY_EMAIL, NOTIFY_WEBHOOK_URL) and
 * the listening history's (HISTORY_COLLECT_MINUTES, HISTORY_TIME_ZONE, HISTORY_CACHE_SECONDS,
 * HISTORY_RETENTION_DAYS) through these resolvers (`${file(./config/stages.cjs):ownerSpotifyId}`), so no value reaches a
 * template unchecked. The Framework runs them while it resolves variables: for
 * `package` and `deploy` (and `print`), before anything is built.
 *
 * The stage `local` is the local stack (`npm start` runs `serverless offline start --stage local`):
 * it keeps its loopback redirect URI and "the first account to connect owns the site", and is
 * never packaged or deployed. Every other stage is deployed, and checked.
 *
 * A deployed stage reads `.env.<stage>` if it exists, else `.env` (the Framework's useDotenv).
 * `.env` is the local stack's: that is how a local value would reach AWS, so the messages say
 * where to put a deploy's own values.
 */
'use strict';

// CommonJS, as the Framework loads these files; eslint.config.js has no exception for .cjs yet.
const settingError = require('./setting-error.cjs');
const { dailyBudget } = require('./budget.cjs');
const { isLoopback } = require('./loopback.cjs');
const { intervalSetting } = require('./intervals.cjs');

const LOCAL_STAGE = 'local';

/** @typedef {Record<string, string | undefined>} Env */

/** Where a deploy's own values go, for the messages. */
function whereToSet(name, stage) {
  return (
    `Set it in the deploy's environment (${name}=… npx serverless deploy --stage ${stage}) or in .env.${stage}, ` +
    `which a ${stage} deploy reads instead of .env when it exists.`
  );
}


/**
 * SPOTIFY_CLIENT_ID for `stage`. Deployed without it, /login could not start.
 * @param {Env} env
 * @param {string} stage
 */
function clientId(env, stage) {
  const value = (env.SPOTIFY_CLIENT_ID ?? '').trim();
  if (stage === LOCAL_STAGE || value) return value;
  throw settingError(
    `SPOTIFY_CLIENT_ID is not set for the "${stage}" stage, so its /login could not start. ` +
      `Copy the Client ID from your app's settings in the Spotify developer dashboard (https://developer.spotify.com/dashboard). ` +
      whereToSet('SPOTIFY_CLIENT_ID', stage),
  );
}

/**
 * SPOTIFY_REDIRECT_URI for `stage`: empty (the deployed site then uses its own https://…/callback)
 * or an https URL ending in /callback. A loopback one would send the owner back to their own machine.
 * @param {Env} env
 * @param {string} stage
 */
function redirectUri(env, stage) {
  const value = (env.SPOTIFY_REDIRECT_URI ?? '').trim();
  if (stage === LOCAL_STAGE || !value) return value;
  const unsetOrYourDomain = `Leave it unset (the deployed site then uses its own https://<api>/callback), or set it to https://<your domain>/callback.`;
  let url;
  try {
    url = new URL(value);
  } catch {
    throw settingError(`SPOTIFY_REDIRECT_URI "${value}" is not a URL. ${unsetOrYourDomain}`);
  }
  if (isLoopback(url.hostname)) {
    throw settingError(
      `SPOTIFY_REDIRECT_URI is ${value}, a loopback address: Spotify would send the owner back to their own machine, ` +
        `not to the "${stage}" stage. It is probably the local stack's, from .env. The local stack needs none ` +
        `(npm start uses http://127.0.0.1:PORT/callback), so remove it from .env, or give the deploy its own .env.${stage}. ` +
        unsetOrYourDomain,
    );
  }
  if (url.protocol !== 'https:') {
    throw settingError(`SPOTIFY_REDIRECT_URI ${value} must use https: Spotify accepts http only on loopback addresses. ${unsetOrYourDomain}`);
  }
  if (!url.pathname.endsWith('/callback') || url.search || url.hash) {
    throw settingError(`SPOTIFY_REDIRECT_URI ${value} must end with /callback, the service's route, with no query. ${unsetOrYourDomain}`);
  }
  return value;
}

/**
 * OWNER_SPOTIFY_ID for `stage`. Deployed without it, whoever first finishes /login would own the
 * site for good, so it is required unless ALLOW_FIRST_OWNER=true says that is meant.
 * @param {Env} env
 * @param {string} stage
 */
function ownerSpotifyId(env, stage) {
  const value = (env.OWNER_SPOTIFY_ID ?? '').trim();
  const allowFirst = (env.ALLOW_FIRST_OWNER ?? '').trim();
  if (!['', 'true', 'false'].includes(allowFirst)) {
    throw settingError(`ALLOW_FIRST_OWNER must be true or false (or unset), not "${allowFirst}".`);
  }
  if (stage === LOCAL_STAGE || value || allowFirst === 'true') return value;
  throw settingError(
    `OWNER_SPOTIFY_ID is not set for the "${stage}" stage, so whoever first finishes its /login would own the site for good. ` +
      `Set it to your Spotify user id: open your profile on https://open.spotify.com, copy its link ` +
      `(… → Share → Copy link to profile) and take the part after /user/. A local run shows it too, on the page after connecting and in /status ` +
      `(owner.spotifyUserId). ${whereToSet('OWNER_SPOTIFY_ID', stage)} ` +
      `To let the first account that connects own the site instead, set ALLOW_FIRST_OWNER=true.`,
  );
}

/**
 * When the watch runs unless WATCH_SCHEDULE says otherwise: hourly, so the owner hears of Spotify's
 * quota being spent within an hour (the other notices are sent once each, whenever the watch runs).
 */
const DEFAULT_WATCH_SCHEDULE = 'rate(1 hour)';

/**
 * WATCH_SCHEDULE: when the watch function runs, as an EventBridge schedule expression, checked
 * here so a typo is named before CloudFormation refuses the rule. `rate(N unit)` takes a whole N
 * of at least 1 and a unit that agrees with it (1 day, 2 days); `cron(…)` takes EventBridge's six
 * fields, with "?" in exactly one of day-of-month and day-of-week.
 * @param {Env} env
 */
function watchSchedule(env) {
  const value = (env.WATCH_SCHEDULE ?? '').trim() || DEFAULT_WATCH_SCHEDULE;
  const examples = `e.g. rate(1 day), rate(12 hours) or cron(0 9 * * ? *) (09:00 UTC every day); unset, it is ${DEFAULT_WATCH_SCHEDULE}.`;
  const rate = /^rate\((\d+) (minute|hour|day)(s?)\)$/.exec(value);
  if (rate) {
    const count = Number(rate[1]);
    if (count >= 1 && (count === 1) === (rate[3] === '')) return value;
    throw settingError(`WATCH_SCHEDULE "${value}" is not a rate EventBridge accepts: a whole number of at least 1, with "${rate[2]}" for 1 and "${rate[2]}s" for more; ${examples}`);
  }
  const cron = /^cron\((.*)\)$/.exec(value);
  if (cron) {
    const fields = cron[1].trim().split(/\s+/);
    const wellFormed = fields.length === 6 && fields.every((field) => /^[0-9A-Za-z*?,/#-]+$/.test(field));
    if (wellFormed && (fields[2] === '?') !== (fields[4] === '?')) return value;
    throw settingError(
      `WATCH_SCHEDULE "${value}" is not a cron expression EventBridge accepts: six fields (minutes hours day-of-month month day-of-week year), ` +
        `with "?" in exactly one of day-of-month and day-of-week; ${examples}`,
    );
  }
  throw settingError(`WATCH_SCHEDULE "${value}" is not an EventBridge schedule: it takes rate(…) or cron(…), ${examples}`);
}

/** How often the listening history is collected unless HISTORY_COLLECT_MINUTES says otherwise. */
const DEFAULT_COLLECT_MINUTES = 30;
/** A day at most: Spotify keeps only the owner's last 50 plays, so a long gap between runs loses some. */
const MAX_COLLECT_MINUTES = 1440;

/**
 * A whole number from `name`, at least `min` (and at most `max` when given), or `fallback` when
 * unset. Checked here so a typo is named before the functions meet it.
 * @param {Env} env
 * @param {string} name
 * @param {{ min: number, max?: number, fallback: string, unit: string, means: string, unset?: string }} rule
 */
function wholeNumber(env, name, { min, max, fallback, unit, means, unset = `it is ${fallback}` }) {
  const text = (env[name] ?? '').trim();
  if (!text) return fallback;
  const value = Number(text);
  if (/^\d+$/.test(text) && Number.isSafeInteger(value) && value >= min && (max === undefined || value <= max)) return String(value);
  const range = max === undefined ? `at least ${min}` : `from ${min} to ${max}`;
  throw settingError(`${name} must be a whole number of ${unit}, ${range} (${means}); unset, ${unset}. It is "${text}".`);
}

/**
 * HISTORY_COLLECT_MINUTES as a number, checked (every function reads it: the collector's reserve
 * of the day's Spotify budget depends on it).
 * @param {Env} env
 */
function collectMinutes(env) {
  return Number(
    wholeNumber(env, 'HISTORY_COLLECT_MINUTES', {
      min: 0,
      max: MAX_COLLECT_MINUTES,
      fallback: String(DEFAULT_COLLECT_MINUTES),
      unit: 'minutes',
      means: '0 turns collecting off',
    }),
  );
}

/**
 * SPOTIFY_DAILY_BUDGET: the Spotify calls the service makes in any rolling 24 hours (1,000 when
 * unset), checked to be a whole number large enough for the collector's schedule and the other
 * reserves (config/budget.cjs).
 * @param {Env} env
 */
function spotifyDailyBudget(env) {
  return dailyBudget(env, collectMinutes(env));
}

/**
 * HISTORY_COLLECT_MINUTES: every how many minutes the collect function stores the owner's plays,
 * 30 when unset; 0 turns collecting off. The schedule event for the collect function: with 0 the
 * rule is still created, disabled (EventBridge takes no rate of 0, so it keeps the default rate),
 * so a deploy with 0 stops collecting and a later deploy with a number starts it again.
 * @param {Env} env
 */
function collectSchedule(env) {
  const minutes = collectMinutes(env);
  const every = minutes || DEFAULT_COLLECT_MINUTES;
  return { rate: every === 1 ? 'rate(1 minute)' : `rate(${every} minutes)`, enabled: minutes > 0 };
}

/**
 * HISTORY_TIME_ZONE: the IANA time zone (Europe/Berlin, America/New_York) the history's days are
 * counted in, UTC when unset. Intl decides what a zone is, as the functions will; an offset
 * (+01:00) is refused, as it would ignore daylight saving time.
 * @param {Env} env
 */
function historyTimeZone(env) {
  const value = (env.HISTORY_TIME_ZONE ?? '').trim();
  if (!value) return 'UTC';
  let known = /^[A-Za-z][A-Za-z0-9_+\-/]*$/.test(value);
  if (known) {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: value });
    } catch {
      known = false;
    }
  }
  if (known) return value;
  throw settingError(
    `HISTORY_TIME_ZONE "${value}" is not an IANA time zone: it takes a name such as Europe/Berlin, America/New_York or UTC ` +
      `(the list: https://en.wikipedia.org/wiki/List_of_tz_database_time_zones); unset, it is UTC.`,
  );
}

/**
 * An interval of config/intervals.cjs (HISTORY_CACHE_SECONDS, the *_CACHE_SECONDS, ...): as set, or its
 * default there, as text for the functions' environment; refused with its problem.
 * @param {Env} env
 * @param {Parameters<typeof intervalSetting>[1]} name
 */
function interval(env, name) {
  const setting = intervalSetting(env, name);
  if ('problem' in setting) throw settingError(setting.problem);
  return String(setting.seconds);
}

/** @param {Env} env */
function historyCacheSeconds(env) {
  return interval(env, 'HISTORY_CACHE_SECONDS');
}

/**
 * HISTORY_RETENTION_DAYS: after how many days a stored play expires (DynamoDB's TTL); empty when
 * unset: plays are kept for good.
 * @param {Env} env
 */
function historyRetentionDays(env) {
  return wholeNumber(env, 'HISTORY_RETENTION_DAYS', { min: 1, fallback: '', unit: 'days', means: 'plays older than that are deleted', unset: 'plays are kept for good' });
}

/**
 * NOTIFY_EMAIL: the address the owner's notices are emailed to, through the SNS topic the template
 * creates for it (empty: no topic, no email). SNS asks the owner once to confirm the subscription.
 * @param {Env} env
 */
function notifyEmail(env) {
  const value = (env.NOTIFY_EMAIL ?? '').trim();
  if (!value) return '';
  if (value.length <= 254 && /^[^\s@",;<>()]+@[^\s@",;<>()]+\.[^\s@",;<>().]+$/.test(value)) return value;
  throw settingError(`NOTIFY_EMAIL is not an email address (name@example.com). Set it to the address the owner's notices go to, or leave it unset for no email.`);
}

/**
 * NOTIFY_WEBHOOK_URL: where the owner's notices are POSTed (Slack, Discord, ntfy…). The URL
 * itself is the secret of such a webhook, so no message here shows it, and a deployed stage never
 * takes it: it would stand in the template and the function's environment. Deployed, the watch
 * reads it from an SSM SecureString (NOTIFY_WEBHOOK_URL_PARAM, lib/platform/webhook-url.ts); the
 * local stack takes it from .env, https or plain http to a loopback address.
 * @param {Env} env
 * @param {string} stage
 */
function notifyWebhookUrl(env, stage) {
  const value = (env.NOTIFY_WEBHOOK_URL ?? '').trim();
  if (!value) return '';
  if (stage !== LOCAL_STAGE) {
    throw settingError(
      `NOTIFY_WEBHOOK_URL is set for the "${stage}" stage, but a webhook's URL is its secret: deployed, it is never put in the template or the function's environment. ` +
        `Put it in an SSM SecureString instead, where the watch reads it: aws ssm put-parameter --type SecureString --name ${notifyWebhookParam(stage)} --value '<your webhook URL>' ` +
        `(https only), and unset NOTIFY_WEBHOOK_URL for the deploy (it may stay in .env for the local stack if the deploy has its own .env.${stage}).`,
    );
  }
  let url;
  try {
    url = new URL(value);
  } catch {
    throw settingError(`NOTIFY_WEBHOOK_URL is not a URL. Set it to your webhook's https URL, or leave it unset for no webhook.`);
  }
  if (url.protocol === 'https:' || (url.protocol === 'http:' && isLoopback(url.hostname))) return value;
  throw settingError(`NOTIFY_WEBHOOK_URL must be an https URL; the local stack also takes plain http to a loopback address (127.0.0.1, localhost).`);
}

/**
 * The SSM parameter a deployed watch reads the webhook's URL from (serverless.yml's
 * NOTIFY_WEBHOOK_URL_PARAM); none for the local stack.
 * @param {string} stage
 */
function notifyWebhookParam(stage) {
  return stage === LOCAL_STAGE ? '' : `/spotify-highlights/${stage}/notify-webhook-url`;
}

/**
 * NOTIFY_TOPIC_ARN for the watch function: the topic's ARN when the template creates it (the
 * condition HasNotifyEmail), else empty. The local stack has no topic, and serverless offline
 * would pass the CloudFormation function on as text, so it gets an empty value.
 * @param {string} stage
 */
function notifyTopicArn(stage) {
  if (stage === LOCAL_STAGE) return '';
  return { 'Fn::If': ['HasNotifyEmail', { Ref: 'NoticesTopic' }, ''] };
}

/**
 * SERVICE_URL for the watch function, which names the service in its notices' links: a deployed
 * stage's HTTP API URL (the service reads SPOTIFY_REDIRECT_URI's folder instead when that is set);
 * the local stack's, from its environment (scripts/start.ts), for the same reason as above.
 * @param {Env} env
 * @param {string} stage
 */
function serviceUrl(env, stage) {
  if (stage === LOCAL_STAGE) return (env.SERVICE_URL ?? '').trim();
  return { 'Fn::Join': ['', ['https://', { Ref: 'HttpApi' }, '.execute-api.', { Ref: 'AWS::Region' }, '.', { Ref: 'AWS::URLSuffix' }, '/']] };
}

/** The command the Framework runs: the words before the first option, as it reads them itself. */
function commandOf(argv) {
  const words = [];
  for (const arg of argv) {
    if (arg.startsWith('-')) break;
    words.push(arg);
  }
  return words.join(' ');
}

/**
 * The stage, refused when the local one is packaged or deployed: it skips every check above.
 * @param {string} stage
 * @param {string} command
 */
function deployableStage(stage, command) {
  if (stage === LOCAL_STAGE && /^(?:deploy|package)\b/.test(command)) {
    throw settingError(`The "${LOCAL_STAGE}" stage is the local stack (npm start) and is never packaged or deployed. Name another stage, e.g. --stage prod.`);
  }
  return stage;
}

/**
 * useDotenv: true for a deployed stage, and unset (null) for the local one, which reads no env file
 * through the Framework: scripts/start.ts has read it already and hands every value on, and the
 * Framework's loader (dotenv-expand) would replace the values it was given empty with the file's,
 * so the functions would not see what the script (or a test) set. The schema allows only `true`.
 * @param {string} stage
 */
function useDotenv(stage) {
  return stage === LOCAL_STAGE ? null : true;
}

/** A resolver for serverless.yml: `check` applied to the environment and the stage being resolved. */
function resolver(check) {
  return async ({ resolveConfigurationProperty }) => check(process.env, await resolveConfigurationProperty(['provider', 'stage']));
}

module.exports = {
  useDotenv: resolver((_env, stage) => useDotenv(stage)),
  clientId: resolver(clientId),
  redirectUri: resolver(redirectUri),
  ownerSpotifyId: resolver(ownerSpotifyId),
  deployableStage: resolver((_env, stage) => deployableStage(stage, commandOf(process.argv.slice(2)))),
  watchSchedule: resolver(watchSchedule),
  notifyEmail: resolver(notifyEmail),
  notifyWebhookUrl: resolver(notifyWebhookUrl),
  notifyWebhookParam: resolver((_env, stage) => notifyWebhookParam(stage)),
  notifyTopicArn: resolver((_env, stage) => notifyTopicArn(stage)),
  serviceUrl: resolver(serviceUrl),
  collectSchedule: resolver(collectSchedule),
  collectMinutes: resolver((env) => String(collectMinutes(env))),
  spotifyDailyBudget: resolver(spotifyDailyBudget),
  historyTimeZone: resolver(historyTimeZone),
  historyCacheSeconds: resolver(historyCacheSeconds),
  highlightsCacheSeconds: resolver((env) => interval(env, 'HIGHLIGHTS_CACHE_SECONDS')),
  nowPlayingCacheSeconds: resolver((env) => interval(env, 'NOW_PLAYING_CACHE_SECONDS')),
  recentlyPlayedCacheSeconds: resolver((env) => interval(env, 'RECENTLY_PLAYED_CACHE_SECONDS')),
  ownerRecheckSeconds: resolver((env) => interval(env, 'OWNER_RECHECK_SECONDS')),
  staleMaxSeconds: resolver((env) => interval(env, 'STALE_MAX_SECONDS')),
  historyRetentionDays: resolver(historyRetentionDays),
  checks: {
    useDotenv,
    clientId,
    redirectUri,
    ownerSpotifyId,
    deployableStage,
    commandOf,
    isLoopback,
    watchSchedule,
    notifyEmail,
    notifyWebhookUrl,
    notifyTopicArn,
    serviceUrl,
    collectSchedule,
    collectMinutes,
    spotifyDailyBudget,
    historyTimeZone,
    historyCacheSeconds,
    interval,
    historyRetentionDays,
    DEFAULT_WATCH_SCHEDULE,
    DEFAULT_COLLECT_MINUTES,
    LOCAL_STAGE,
  },
};
