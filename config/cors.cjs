/**
 * provider.httpApi.cors, resolved from CORS_ALLOWED_ORIGINS when serverless.yml is read
 * (`${file(./config/cors.cjs)}`): the framework's variables cannot split a list.
 *
 * Unset or empty: no CORS configuration, so browsers on other sites cannot read the API (an
 * <img> of /card.svg and server-side fetches need no CORS). `*`: any site. Otherwise a comma-
 * separated list of exact origins. The service is public and read-only, and never uses cookies
 * or credentials for these reads, so credentials are never allowed.
 */
'use strict';

// CommonJS, as the Framework loads these files; eslint.config.js has no exception for .cjs yet.
const settingError = require('./setting-error.cjs');

/** Browsers may cache a preflight this long (s); API Gateway's maximum, Chromium caps it at 2 h. */
const MAX_AGE_SECONDS = 86400;

/** @param {string | undefined} value */
function allowedOrigins(value) {
  const entries = (value ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
  if (entries.includes('*')) {
    if (entries.length > 1) throw settingError('CORS_ALLOWED_ORIGINS: "*" allows every origin and cannot be combined with others.');
    return ['*'];
  }
  for (const entry of entries) {
    let origin;
    try {
      origin = new URL(entry).origin;
    } catch {
      origin = undefined;
    }
    if (origin !== entry || !/^https?:\/\//.test(entry) || entry.includes('*')) {
      throw settingError(
        `CORS_ALLOWED_ORIGINS: "${entry}" is not an exact origin. Write scheme://host[:port] in lower case, ` +
          'without a path or trailing slash, e.g. https://example.com.',
      );
    }
  }
  return [...new Set(entries)];
}

/** @param {Record<string, string | undefined>} env */
function corsConfiguration(env) {
  const origins = allowedOrigins(env.CORS_ALLOWED_ORIGINS);
  if (origins.length === 0) return false;
  return {
    allowedOrigins: origins,
    allowedMethods: ['GET'],
    // Simple GETs need no extra request headers; Retry-After is worth reading on a 503.
    allowedHeaders: [],
    exposedResponseHeaders: ['Retry-After'],
    allowCredentials: false,
    maxAge: MAX_AGE_SECONDS,
  };
}

module.exports = () => corsConfiguration(process.env);
module.exports.corsConfiguration = corsConfiguration;
