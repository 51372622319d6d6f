/**
 * Where the service answers: one rule for the builder's snippets, the console's sign-in link and
 * Secure cookies, a form's Origin check and the notices' links (lib/platform/config.ts).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { snippetBase } from '../../../lib/features/home/home';
import { serviceBase } from '../../../lib/platform/config';
import { ConfigError } from '../../../lib/platform/errors';

const VARIABLES = ['SPOTIFY_REDIRECT_URI', 'SERVICE_URL'] as const;
const saved = Object.fromEntries(VARIABLES.map((name) => [name, process.env[name]]));
const set = (values: Partial<Record<(typeof VARIABLES)[number], string>>) => Object.assign(process.env, values);
const base = (request: Parameters<typeof serviceBase>[0] = {}) => serviceBase(request)?.toString();

beforeEach(() => {
  for (const name of VARIABLES) delete process.env[name];
});
afterEach(() => {
  for (const name of VARIABLES) delete process.env[name];
  Object.assign(process.env, Object.fromEntries(Object.entries(saved).filter(([, value]) => value !== undefined)));
});

describe('serviceBase', () => {
  it('is https and the domain the request came through when deployed, whatever the Host header or the redirect URI say', () => {
    set({ SPOTIFY_REDIRECT_URI: 'https://music.example.org/spotify/callback' });
    expect(base({ host: 'abc123.execute-api.eu-west-1.amazonaws.com', domainName: 'abc123.execute-api.eu-west-1.amazonaws.com' })).toBe('https://abc123.execute-api.eu-west-1.amazonaws.com/');
    expect(base({ host: '127.0.0.1:3000', domainName: 'Music.Example.org' })).toBe('https://music.example.org/');
  });

  it('is http and the Host header\'s port on this machine when the domain is serverless offline\'s placeholder: the address the browser used', () => {
    set({ SPOTIFY_REDIRECT_URI: 'http://127.0.0.1:3000/callback' });
    expect(base({ host: 'localhost:9999', domainName: 'offlineContext_domainName' })).toBe('http://localhost:9999/');
    expect(base({ host: '127.0.0.1:3000', domainName: 'offlineContext_domainName' })).toBe('http://127.0.0.1:3000/');
    expect(base({ host: 'LocalHost:8080' })).toBe('http://localhost:8080/');
    expect(base({ host: '[::1]:3000' })).toBe('http://[::1]:3000/');
  });

  it('is the redirect URI\'s folder, the address the owner registered with Spotify, when the request names neither', () => {
    set({ SPOTIFY_REDIRECT_URI: 'https://music.example.org/spotify/callback', SERVICE_URL: 'https://elsewhere.example/' });
    expect(base({ host: 'evil.example', domainName: 'offlineContext_domainName' })).toBe('https://music.example.org/spotify/');
    expect(base()).toBe('https://music.example.org/spotify/');
  });

  it('is SERVICE_URL (the API\'s, from the template) for what answers no request, and undefined when nothing names it', () => {
    expect(base()).toBeUndefined();
    expect(base({ host: '127.0.0.1:3000/x"><b>', domainName: 'a b' })).toBeUndefined();
    expect(base({ host: 'example.org', domainName: 'example.org/path' })).toBeUndefined();
    set({ SERVICE_URL: 'https://abc.execute-api.eu-west-1.amazonaws.com' });
    expect(base()).toBe('https://abc.execute-api.eu-west-1.amazonaws.com/');
    set({ SERVICE_URL: 'not a url' });
    expect(() => base()).toThrow(ConfigError);
  });

  it('is what the builder\'s snippets join their paths to, without the final "/"', () => {
    set({ SPOTIFY_REDIRECT_URI: 'https://music.example.org/spotify/callback' });
    expect(snippetBase({})).toBe('https://music.example.org/spotify');
    delete process.env.SPOTIFY_REDIRECT_URI;
    expect(snippetBase({ host: '127.0.0.1:3000' })).toBe('http://127.0.0.1:3000');
    expect(snippetBase({})).toBe('');
  });
});
