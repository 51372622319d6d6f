/** Configuration is parsed once per container into typed values, and never kept past a change or a new container. */
import { afterEach, describe, expect, it } from 'vitest';
import { budgetConfig, historyConfig, loadConfig, serviceBase } from '../../../lib/platform/config';
import { ConfigError } from '../../../lib/platform/errors';
import { forgetContainerMemory } from '../../../lib/platform/memory';

const saved = { ...process.env };
afterEach(() => {
  for (const name of Object.keys(process.env)) if (!(name in saved)) delete process.env[name];
  Object.assign(process.env, saved);
});

describe('configuration read once per container', () => {
  it('answers the same typed values without parsing again while the environment is unchanged', () => {
    Object.assign(process.env, { SPOTIFY_CLIENT_ID: 'client', TABLE_NAME: 'table', HISTORY_TIME_ZONE: 'Europe/Berlin', NOW_PLAYING_CACHE_SECONDS: '20' });
    const config = loadConfig();
    expect(config).toMatchObject({ clientId: 'client', tableName: 'table', nowPlayingCacheSeconds: 20 });
    expect(loadConfig()).toBe(config);
    const history = historyConfig();
    expect(history.timeZone).toBe('Europe/Berlin');
    expect(historyConfig()).toBe(history);
    expect(budgetConfig()).toBe(budgetConfig());
  });

  it('parses again when a value it read changes (tests do; a container\'s environment does not), and in a new container', () => {
    Object.assign(process.env, { SPOTIFY_CLIENT_ID: 'client', TABLE_NAME: 'table', NOW_PLAYING_CACHE_SECONDS: '20' });
    const before = loadConfig();
    process.env.NOW_PLAYING_CACHE_SECONDS = '30';
    expect(loadConfig().nowPlayingCacheSeconds).toBe(30);
    // A variable it never reads changes nothing.
    const now = loadConfig();
    process.env.SOMETHING_ELSE = 'x';
    expect(loadConfig()).toBe(now);
    forgetContainerMemory();
    expect(loadConfig()).not.toBe(now);
    expect(loadConfig()).toEqual(now);
    expect(before.nowPlayingCacheSeconds).toBe(20);
  });

  it('keeps no error: a bad value is refused on every call, naming it, until it is fixed', () => {
    Object.assign(process.env, { SPOTIFY_CLIENT_ID: 'client', TABLE_NAME: 'table', STALE_MAX_SECONDS: 'a week' });
    expect(() => loadConfig()).toThrow(ConfigError);
    expect(() => loadConfig()).toThrow(/^STALE_MAX_SECONDS must be a whole number of seconds/);
    process.env.STALE_MAX_SECONDS = '60';
    expect(loadConfig().staleMaxSeconds).toBe(60);
  });

  it('reads another environment given to it as it is, keeping nothing of it', () => {
    Object.assign(process.env, { SPOTIFY_REDIRECT_URI: 'http://127.0.0.1:3000/callback' });
    expect(historyConfig({ HISTORY_TIME_ZONE: 'Asia/Tokyo' }).timeZone).toBe('Asia/Tokyo');
    expect(serviceBase()?.toString()).toBe('http://127.0.0.1:3000/');
  });
});
