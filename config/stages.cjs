/**
 * What each stage reads, and the checks that keep what works locally from breaking, or from being
 * taken over, on AWS. serverless.yml reads SPOTIFY_CLIENT_ID, SPOTIFY_REDIRECT_URI and
 * OWNER_SPOTIFY_ID through these resolvers (`${file(./config/stages.cjs):ownerSpotifyId}`), so no
 * value reaches a template unchecked. The Framework runs them while it resolves variables: for
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

const LOCAL_STAGE = 'local';

/** @typedef {Record<string, string | undefined>} Env */

/** Where a deploy's own values go, for the messages. */
function whereToSet(name, stage) {
  return (
    `Set it in the deploy's environment (${name}=… npx serverless deploy --stage ${stage}) or in .env.${stage}, ` +
    `which a ${stage} deploy reads instead of .env when it exists.`
  );
}

/** 127.0.0.0/8, [::1] (also as an IPv4-mapped 127.x address) and localhost, as the URL parser writes them. */
function isLoopback(hostname) {
  const host = hostname.toLowerCase().replace(/\.$/, '');
  return (
    host === 'localhost' ||
    host.endsWith('.localhost') ||
    /^127\.\d+\.\d+\.\d+$/.test(host) ||
    host === '[::1]' ||
    /^\[::ffff:7f[0-9a-f]{2}:[0-9a-f]{1,4}\]$/.test(host)
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
  checks: { useDotenv, clientId, redirectUri, ownerSpotifyId, deployableStage, commandOf, isLoopback, LOCAL_STAGE },
};
