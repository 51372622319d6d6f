import { describe, expect, it } from 'vitest';
import { clientSecret } from '../../../lib/platform/client-secret';
import { loadConfig } from '../../../lib/platform/config';
import { ConfigError } from '../../../lib/platform/errors';

const base = { SPOTIFY_CLIENT_ID: 'id', TABLE_NAME: 'table' };

describe('loadConfig', () => {
  it('reads every setting from the environment', () => {
    const config = loadConfig({
      ...base,
      SPOTIFY_REDIRECT_URI: 'http://127.0.0.1:3000/callback',
      OWNER_SPOTIFY_ID: 'owner',
      HIGHLIGHTS_CACHE_SECONDS: '0',
      OWNER_RECHECK_SECONDS: '2',
      STALE_MAX_SECONDS: '3600',
    });
    expect(config).toEqual({
      clientId: 'id',
      tableName: 'table',
      redirectUri: 'http://127.0.0.1:3000/callback',
      ownerSpotifyId: 'owner',
      cacheSeconds: 0,
      nowPlayingCacheSeconds: 15,
      recentlyPlayedCacheSeconds: 60,
      ownerRecheckSeconds: 2,
      staleMaxSeconds: 3600,
    });
  });

  it('defaults: no owner lock, a five-minute cache, the owner re-read every 5 s, stale results for a week, redirect derived from the request', () => {
    expect(loadConfig(base)).toMatchObject({ ownerSpotifyId: undefined, cacheSeconds: 300, ownerRecheckSeconds: 5, staleMaxSeconds: 604_800, redirectUri: '' });
  });

  it.each(['SPOTIFY_CLIENT_ID', 'TABLE_NAME'])('names the missing variable %s', (name) => {
    const env: Record<string, string> = { ...base };
    delete env[name];
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(new RegExp(`^${name} is not set`));
  });

  it('treats a blank value as missing', () => {
    expect(() => loadConfig({ ...base, SPOTIFY_CLIENT_ID: '  ' })).toThrow(/SPOTIFY_CLIENT_ID is not set/);
  });

  it('rejects a localhost redirect URI, which Spotify refuses', () => {
    expect(() => loadConfig({ ...base, SPOTIFY_REDIRECT_URI: 'http://localhost:3000/callback' })).toThrow(/127\.0\.0\.1/);
  });

  it('rejects a redirect URI that is not a URL', () => {
    expect(() => loadConfig({ ...base, SPOTIFY_REDIRECT_URI: 'nope' })).toThrow(/SPOTIFY_REDIRECT_URI/);
  });

  it.each(['-1', '1.5', 'soon'])('rejects HIGHLIGHTS_CACHE_SECONDS=%s', (value) => {
    expect(() => loadConfig({ ...base, HIGHLIGHTS_CACHE_SECONDS: value })).toThrow(/HIGHLIGHTS_CACHE_SECONDS/);
  });

  it.each(['OWNER_RECHECK_SECONDS', 'STALE_MAX_SECONDS'])('rejects a %s that is not a whole number of seconds, naming it', (name) => {
    expect(() => loadConfig({ ...base, [name]: '1.5' })).toThrow(new RegExp(`^${name} must be a whole number of seconds`));
  });
});

describe('clientSecret', () => {
  it('uses SPOTIFY_CLIENT_SECRET when set', async () => {
    await expect(clientSecret({ SPOTIFY_CLIENT_SECRET: 's3cret', SPOTIFY_CLIENT_SECRET_PARAM: '/x' })).resolves.toBe('s3cret');
  });

  it('names SPOTIFY_CLIENT_SECRET when running offline without it, instead of calling SSM', async () => {
    await expect(clientSecret({ SPOTIFY_CLIENT_SECRET_PARAM: '/x', IS_OFFLINE: 'true' })).rejects.toThrow(/^SPOTIFY_CLIENT_SECRET is not set/);
  });

  it('names SPOTIFY_CLIENT_SECRET when nothing is configured', async () => {
    await expect(clientSecret({})).rejects.toThrow(/^SPOTIFY_CLIENT_SECRET is not set/);
  });
});
