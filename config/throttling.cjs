/**
 * The HTTP API stage's throttling (resources.extensions.HttpApiStage in serverless.yml), from
 * API_RATE_LIMIT and API_BURST_LIMIT: API Gateway answers 429 above them before any function runs,
 * so a flood of requests costs little. The defaults are far above what a personal site sees
 * (a page view asks for one or two URLs, and browsers and CDNs cache the answers).
 *
 * It becomes the stage's whole DefaultRouteSettings, replacing the Framework's, which holds only
 * DetailedMetricsEnabled from provider.httpApi.metrics (not set here).
 */
'use strict';

// CommonJS, as the Framework loads these files; eslint.config.js has no exception for .cjs yet.
const settingError = require('./setting-error.cjs');

/** Requests per second, sustained. */
const DEFAULT_RATE_LIMIT = 20;
/** Requests at once, above the rate, before API Gateway refuses. */
const DEFAULT_BURST_LIMIT = 50;

/** A whole number of at least 1, or `fallback` when unset. */
function limit(env, name, fallback, what) {
  const text = (env[name] ?? '').trim();
  if (!text) return fallback;
  const value = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(value) || value < 1) {
    throw settingError(`${name} must be a whole number of ${what}, at least 1 (default ${fallback}), not "${text}".`);
  }
  return value;
}

/** @param {Record<string, string | undefined>} env */
function throttling(env) {
  return {
    ThrottlingRateLimit: limit(env, 'API_RATE_LIMIT', DEFAULT_RATE_LIMIT, 'requests per second'),
    ThrottlingBurstLimit: limit(env, 'API_BURST_LIMIT', DEFAULT_BURST_LIMIT, 'requests'),
  };
}

module.exports = () => throttling(process.env);
module.exports.throttling = throttling;
