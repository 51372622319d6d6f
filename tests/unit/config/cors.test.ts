/** config/cors.cjs: CORS_ALLOWED_ORIGINS → the HTTP API's CORS configuration in serverless.yml. */
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

type CorsConfiguration = (env: Record<string, string | undefined>) => false | Record<string, unknown>;
const { corsConfiguration } = createRequire(import.meta.url)('../../../config/cors.cjs') as { corsConfiguration: CorsConfiguration };

describe('CORS_ALLOWED_ORIGINS', () => {
  it('unset or blank: no CORS configuration at all', () => {
    expect(corsConfiguration({})).toBe(false);
    expect(corsConfiguration({ CORS_ALLOWED_ORIGINS: ' , ' })).toBe(false);
  });

  it('a list of exact origins: GET only, never credentials, preflight cached a day', () => {
    expect(corsConfiguration({ CORS_ALLOWED_ORIGINS: 'https://me.example, http://127.0.0.1:8080,https://me.example' })).toEqual({
      allowedOrigins: ['https://me.example', 'http://127.0.0.1:8080'],
      allowedMethods: ['GET'],
      allowedHeaders: [],
      exposedResponseHeaders: ['Retry-After'],
      allowCredentials: false,
      maxAge: 86400,
    });
  });

  it('"*": every origin', () => {
    expect(corsConfiguration({ CORS_ALLOWED_ORIGINS: '*' })).toMatchObject({ allowedOrigins: ['*'], allowCredentials: false });
  });

  it.each([
    ['https://me.example/', 'trailing slash'],
    ['https://me.example/blog', 'a path'],
    ['me.example', 'no scheme'],
    ['HTTPS://ME.EXAMPLE', 'not in lower case'],
    ['ftp://me.example', 'not http(s)'],
    ['https://*.example', 'a partial wildcard'],
  ])('refuses %s (%s), naming the variable and the entry', (entry) => {
    expect(() => corsConfiguration({ CORS_ALLOWED_ORIGINS: entry })).toThrow(`CORS_ALLOWED_ORIGINS: "${entry}" is not an exact origin`);
  });

  it('refuses "*" mixed with origins', () => {
    expect(() => corsConfiguration({ CORS_ALLOWED_ORIGINS: '*,https://me.example' })).toThrow('cannot be combined');
  });
});
