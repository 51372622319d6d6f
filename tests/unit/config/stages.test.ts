/** config/stages.cjs: what each stage reads, and what a deployed one may be packaged with (serverless.yml reads its values through it). */
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

type Env = Record<string, string | undefined>;
interface Checks {
  useDotenv(stage: string): true | null;
  clientId(env: Env, stage: string): string;
  redirectUri(env: Env, stage: string): string;
  ownerSpotifyId(env: Env, stage: string): string;
  deployableStage(stage: string, command: string): string;
  commandOf(argv: string[]): string;
  isLoopback(hostname: string): boolean;
}
const { checks } = createRequire(import.meta.url)('../../../config/stages.cjs') as { checks: Checks };

const LOOPBACK = ['http://127.0.0.1:3000/callback', 'http://127.5.6.7/callback', 'http://[::1]:3000/callback', 'http://localhost:3000/callback', 'https://LOCALHOST/callback', 'http://app.localhost/callback', 'http://127.1/callback', 'http://[::ffff:127.0.0.1]/callback'];

describe('SPOTIFY_REDIRECT_URI', () => {
  it.each(LOOPBACK)('refuses the loopback %s for a deployed stage, saying what to do', (uri) => {
    expect(() => checks.redirectUri({ SPOTIFY_REDIRECT_URI: uri }, 'prod')).toThrow(
      /^SPOTIFY_REDIRECT_URI is .*, a loopback address: .*"prod" stage.*remove it from \.env, or give the deploy its own \.env\.prod\. Leave it unset/,
    );
  });

  it('keeps the local stack\'s loopback redirect URI', () => {
    for (const uri of LOOPBACK) expect(checks.redirectUri({ SPOTIFY_REDIRECT_URI: uri }, 'local')).toBe(uri);
  });

  it('lets a deployed stage leave it unset, or use its own https /callback', () => {
    expect(checks.redirectUri({}, 'prod')).toBe('');
    expect(checks.redirectUri({ SPOTIFY_REDIRECT_URI: ' ' }, 'prod')).toBe('');
    expect(checks.redirectUri({ SPOTIFY_REDIRECT_URI: 'https://music.example.com/callback' }, 'prod')).toBe('https://music.example.com/callback');
    expect(checks.redirectUri({ SPOTIFY_REDIRECT_URI: 'https://example.com/spotify/callback' }, 'dev')).toBe('https://example.com/spotify/callback');
  });

  it.each([
    ['not a url', /is not a URL/],
    ['http://music.example.com/callback', /must use https/],
    ['https://music.example.com/login', /must end with \/callback/],
    ['https://music.example.com/callback?x=1', /must end with \/callback/],
  ])('refuses %s for a deployed stage', (uri, message) => {
    expect(() => checks.redirectUri({ SPOTIFY_REDIRECT_URI: uri }, 'prod')).toThrow(message);
  });

  it('treats 127.0.0.0/8, [::1] and localhost as loopback, and nothing else', () => {
    for (const host of ['127.0.0.1', '127.255.0.9', '[::1]', 'localhost', 'localhost.', 'a.localhost']) expect(checks.isLoopback(host), host).toBe(true);
    for (const host of ['128.0.0.1', '10.0.0.1', 'example.com', 'localhost.example.com', '[::2]', 'mylocalhost']) expect(checks.isLoopback(host), host).toBe(false);
  });
});

describe('OWNER_SPOTIFY_ID', () => {
  it('is required for a deployed stage, with where to find your Spotify user id', () => {
    for (const env of [{}, { OWNER_SPOTIFY_ID: ' ' }, { ALLOW_FIRST_OWNER: 'false' }]) {
      expect(() => checks.ownerSpotifyId(env, 'prod')).toThrow(
        /^OWNER_SPOTIFY_ID is not set for the "prod" stage, so whoever first finishes its \/login would own the site for good\. Set it to your Spotify user id: open your profile on https:\/\/open\.spotify\.com.*the part after \/user\/\. A local run shows it too.*\/status.*ALLOW_FIRST_OWNER=true/,
      );
    }
  });

  it('passes the owner\'s id through', () => {
    expect(checks.ownerSpotifyId({ OWNER_SPOTIFY_ID: ' owner-123 ' }, 'prod')).toBe('owner-123');
  });

  it('may be left out on purpose with ALLOW_FIRST_OWNER=true, and always on the local stack', () => {
    expect(checks.ownerSpotifyId({ ALLOW_FIRST_OWNER: 'true' }, 'prod')).toBe('');
    expect(checks.ownerSpotifyId({}, 'local')).toBe('');
  });

  it('refuses an ALLOW_FIRST_OWNER that is not true or false, on every stage', () => {
    for (const stage of ['prod', 'local']) expect(() => checks.ownerSpotifyId({ ALLOW_FIRST_OWNER: 'yes' }, stage)).toThrow(/ALLOW_FIRST_OWNER must be true or false/);
  });
});

describe('SPOTIFY_CLIENT_ID', () => {
  it('is required for a deployed stage, with where to find it', () => {
    expect(() => checks.clientId({}, 'prod')).toThrow(/^SPOTIFY_CLIENT_ID is not set for the "prod" stage.*https:\/\/developer\.spotify\.com\/dashboard.*\.env\.prod/);
    expect(checks.clientId({ SPOTIFY_CLIENT_ID: 'abc' }, 'prod')).toBe('abc');
    expect(checks.clientId({}, 'local')).toBe('');
  });
});

describe('the local stage', () => {
  it('reads no env file through the Framework (scripts/start.ts has), while deployed stages do', () => {
    expect(checks.useDotenv('local')).toBeNull();
    expect(checks.useDotenv('prod')).toBe(true);
    expect(checks.useDotenv('dev')).toBe(true);
  });

  it('is never packaged or deployed, but runs under serverless offline', () => {
    for (const command of ['deploy', 'deploy function', 'package']) {
      expect(() => checks.deployableStage('local', command)).toThrow(/"local" stage is the local stack \(npm start\) and is never packaged or deployed/);
    }
    expect(checks.deployableStage('local', 'offline start')).toBe('local');
    expect(checks.deployableStage('prod', 'deploy')).toBe('prod');
  });

  it('reads the command as the Framework does: the words before the first option', () => {
    expect(checks.commandOf(['deploy', '--stage', 'local'])).toBe('deploy');
    expect(checks.commandOf(['offline', 'start', '--stage', 'local'])).toBe('offline start');
    expect(checks.commandOf(['--stage', 'local', 'deploy'])).toBe('');
  });
});
