/** config/stages.cjs: what each stage reads, and what a deployed one may be packaged with (serverless.yml reads its values through it). */
import { createRequire } from 'node:module';
import { parseEnv } from 'node:util';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { IntervalName } from '../../../config/intervals.cjs';
import { historyConfig, loadConfig } from '../../../lib/platform/config';

type Env = Record<string, string | undefined>;
interface Checks {
  useDotenv(stage: string): true | null;
  clientId(env: Env, stage: string): string;
  redirectUri(env: Env, stage: string): string;
  ownerSpotifyId(env: Env, stage: string): string;
  deployableStage(stage: string, command: string): string;
  commandOf(argv: string[]): string;
  watchSchedule(env: Env): string;
  notifyEmail(env: Env): string;
  notifyWebhookUrl(env: Env, stage: string): string;
  notifyTopicArn(stage: string): unknown;
  serviceUrl(env: Env, stage: string): unknown;
  collectSchedule(env: Env): { rate: string; enabled: boolean };
  collectMinutes(env: Env): number;
  spotifyDailyBudget(env: Env): string;
  historyTimeZone(env: Env): string;
  historyCacheSeconds(env: Env): string;
  interval(env: Env, name: IntervalName): string;
  historyRetentionDays(env: Env): string;
  DEFAULT_WATCH_SCHEDULE: string;
  DEFAULT_COLLECT_MINUTES: number;
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

describe('WATCH_SCHEDULE', () => {
  it('is rate(1 hour) unless set: the owner hears of a spent quota within the hour', () => {
    expect(checks.DEFAULT_WATCH_SCHEDULE).toBe('rate(1 hour)');
    expect(checks.watchSchedule({})).toBe('rate(1 hour)');
    expect(checks.watchSchedule({ WATCH_SCHEDULE: ' ' })).toBe('rate(1 hour)');
  });

  it.each(['rate(1 minute)', 'rate(5 minutes)', 'rate(1 hour)', 'rate(12 hours)', 'rate(2 days)', 'cron(0 9 * * ? *)', 'cron(30 7 ? * MON-FRI *)', 'cron(0 18 L * ? 2030)', 'cron(0/15 8-17 ? * 2#1 *)'])(
    'takes the EventBridge schedule %s',
    (schedule) => {
      expect(checks.watchSchedule({ WATCH_SCHEDULE: ` ${schedule} ` })).toBe(schedule);
    },
  );

  it.each([
    ['daily', /^WATCH_SCHEDULE "daily" is not an EventBridge schedule: it takes rate\(…\) or cron\(…\), e\.g\. rate\(1 day\)/],
    ['0 9 * * *', /^WATCH_SCHEDULE "0 9 \* \* \*" is not an EventBridge schedule/],
    ['rate(1 days)', /^WATCH_SCHEDULE "rate\(1 days\)" is not a rate EventBridge accepts: .*"day" for 1 and "days" for more/],
    ['rate(2 day)', /is not a rate EventBridge accepts/],
    ['rate(0 minutes)', /is not a rate EventBridge accepts/],
    ['rate(1 week)', /is not an EventBridge schedule/],
    ['rate(1.5 hours)', /is not an EventBridge schedule/],
    ['cron(0 9 * * *)', /^WATCH_SCHEDULE "cron\(0 9 \* \* \*\)" is not a cron expression EventBridge accepts: six fields/],
    ['cron(0 9 * * * *)', /with "\?" in exactly one of day-of-month and day-of-week/],
    ['cron(0 9 ? * ? *)', /is not a cron expression EventBridge accepts/],
    ['cron(0 9 * * ? *) ; rm', /is not an EventBridge schedule/],
  ])('refuses %s, naming WATCH_SCHEDULE', (schedule, message) => {
    expect(() => checks.watchSchedule({ WATCH_SCHEDULE: schedule })).toThrow(message);
  });
});

describe('NOTIFY_EMAIL', () => {
  it('is empty when unset: no topic, no email', () => {
    expect(checks.notifyEmail({})).toBe('');
    expect(checks.notifyEmail({ NOTIFY_EMAIL: '  ' })).toBe('');
  });

  it('passes an email address through', () => {
    expect(checks.notifyEmail({ NOTIFY_EMAIL: ' owner+notices@mail.example.com ' })).toBe('owner+notices@mail.example.com');
  });

  it.each(['owner', 'owner@', '@example.com', 'owner@example', 'owner@@example.com', 'two words@example.com', 'a@example.com, b@example.com', `${'x'.repeat(250)}@example.com`])(
    'refuses %s, naming NOTIFY_EMAIL',
    (email) => {
      expect(() => checks.notifyEmail({ NOTIFY_EMAIL: email })).toThrow(/^NOTIFY_EMAIL is not an email address \(name@example\.com\)\./);
    },
  );

  it('does not repeat the address it refuses', () => {
    expect(() => checks.notifyEmail({ NOTIFY_EMAIL: 'owner.private@mail' })).not.toThrow(/owner\.private/);
  });
});

describe('NOTIFY_WEBHOOK_URL', () => {
  const HOOK = 'https://hooks.slack.example/services/T000/B000/secret-part';

  it('is empty when unset; the local stack takes an https URL', () => {
    expect(checks.notifyWebhookUrl({}, 'prod')).toBe('');
    expect(checks.notifyWebhookUrl({ NOTIFY_WEBHOOK_URL: ` ${HOOK} ` }, 'local')).toBe(HOOK);
  });

  /** The refusal's message, checked to carry no part of the URL. */
  function refusal(url: string, stage: string): string {
    let message = '';
    try {
      checks.notifyWebhookUrl({ NOTIFY_WEBHOOK_URL: url }, stage);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message, `${url} on ${stage} was taken`).not.toBe('');
    expect(message).not.toContain(url);
    expect(message).not.toContain(new URL(url).hostname);
    expect(message).not.toContain('secret-part');
    return message;
  }

  it('refuses any URL for a deployed stage, naming the SSM parameter it goes in instead, without showing the URL', () => {
    for (const url of [HOOK, 'http://hooks.example/secret-part', ...LOOPBACK.map((uri) => uri.replace('/callback', '/secret-part'))]) {
      expect(refusal(url, 'prod')).toMatch(
        /^NOTIFY_WEBHOOK_URL is set for the "prod" stage, but a webhook's URL is its secret: .* aws ssm put-parameter --type SecureString --name \/spotify-highlights\/prod\/notify-webhook-url /,
      );
    }
  });

  it('lets the local stack use plain http to a loopback address only', () => {
    for (const url of ['http://127.0.0.1:8090/secret-part', 'http://localhost:8090/hook', 'http://[::1]:8090/hook']) {
      expect(checks.notifyWebhookUrl({ NOTIFY_WEBHOOK_URL: url }, 'local')).toBe(url);
    }
    expect(refusal('http://hooks.example/secret-part', 'local')).toMatch(/^NOTIFY_WEBHOOK_URL must be an https URL; the local stack also takes plain http to a loopback address/);
    expect(refusal('ftp://files.example/secret-part', 'local')).toMatch(/^NOTIFY_WEBHOOK_URL must be an https URL/);
  });

  it('refuses what is not a URL, without repeating it', () => {
    for (const stage of ['local']) {
      expect(() => checks.notifyWebhookUrl({ NOTIFY_WEBHOOK_URL: 'secret-part' }, stage)).toThrow(/^NOTIFY_WEBHOOK_URL is not a URL\./);
      expect(() => checks.notifyWebhookUrl({ NOTIFY_WEBHOOK_URL: 'secret-part' }, stage)).not.toThrow(/secret-part/);
    }
  });
});

describe('the watch function\'s topic and service URL', () => {
  it('a deployed stage: the topic\'s ARN when HasNotifyEmail holds, else empty; the HTTP API\'s URL', () => {
    expect(checks.notifyTopicArn('prod')).toEqual({ 'Fn::If': ['HasNotifyEmail', { Ref: 'NoticesTopic' }, ''] });
    expect(checks.serviceUrl({ SERVICE_URL: 'http://127.0.0.1:3000/' }, 'prod')).toEqual({
      'Fn::Join': ['', ['https://', { Ref: 'HttpApi' }, '.execute-api.', { Ref: 'AWS::Region' }, '.', { Ref: 'AWS::URLSuffix' }, '/']],
    });
  });

  it('the local stack: plain text, as serverless offline passes it on (no topic; the URL its start gave)', () => {
    expect(checks.notifyTopicArn('local')).toBe('');
    expect(checks.serviceUrl({ SERVICE_URL: 'http://127.0.0.1:3000/' }, 'local')).toBe('http://127.0.0.1:3000/');
    expect(checks.serviceUrl({}, 'local')).toBe('');
  });
});

describe('HISTORY_COLLECT_MINUTES', () => {
  it('collects every 30 minutes unless set', () => {
    expect(checks.DEFAULT_COLLECT_MINUTES).toBe(30);
    for (const env of [{}, { HISTORY_COLLECT_MINUTES: ' ' }]) expect(checks.collectSchedule(env)).toEqual({ rate: 'rate(30 minutes)', enabled: true });
  });

  it.each([
    ['1', 'rate(1 minute)'],
    ['2', 'rate(2 minutes)'],
    [' 45 ', 'rate(45 minutes)'],
    ['1440', 'rate(1440 minutes)'],
  ])('takes %s as %s, enabled', (minutes, rate) => {
    expect(checks.collectSchedule({ HISTORY_COLLECT_MINUTES: minutes })).toEqual({ rate, enabled: true });
  });

  it('turns collecting off with 0: the rule stays, disabled, at a rate EventBridge accepts', () => {
    expect(checks.collectSchedule({ HISTORY_COLLECT_MINUTES: '0' })).toEqual({ rate: 'rate(30 minutes)', enabled: false });
  });

  it.each(['-1', '1441', '1.5', '30m', 'half an hour', '1e2'])('refuses %s, naming HISTORY_COLLECT_MINUTES and its range', (minutes) => {
    expect(() => checks.collectSchedule({ HISTORY_COLLECT_MINUTES: minutes })).toThrow(
      /^HISTORY_COLLECT_MINUTES must be a whole number of minutes, from 0 to 1440 \(0 turns collecting off\); unset, it is 30\./,
    );
  });
});

describe('SPOTIFY_DAILY_BUDGET', () => {
  it('is 1,000 calls unless set', () => {
    expect(checks.spotifyDailyBudget({})).toBe('1000');
    expect(checks.spotifyDailyBudget({ SPOTIFY_DAILY_BUDGET: ' 2500 ' })).toBe('2500');
  });

  it.each(['1,000', '1e3', '-5', '12.5', 'lots'])('refuses %s, naming SPOTIFY_DAILY_BUDGET', (budget) => {
    expect(() => checks.spotifyDailyBudget({ SPOTIFY_DAILY_BUDGET: budget })).toThrow(/^SPOTIFY_DAILY_BUDGET must be a whole number of Spotify calls a day \(unset, it is 1000\)\./);
  });

  it('must leave the public endpoints 100 calls beside the reserves of the collector\'s schedule, the refreshes and the owner', () => {
    // Every 30 minutes: the 50 runs of the budget's 25-hour window, 13 retries, two days' 6
    // snapshots; refreshes 48; the owner 24; public 100.
    expect(checks.spotifyDailyBudget({ SPOTIFY_DAILY_BUDGET: '247' })).toBe('247');
    expect(() => checks.spotifyDailyBudget({ SPOTIFY_DAILY_BUDGET: '246' })).toThrow(
      'SPOTIFY_DAILY_BUDGET is 246, too small: the collector running every 30 minutes (HISTORY_COLLECT_MINUTES) needs 75, token refreshes 48 and the owner\'s own actions 24, and the public endpoints need at least 100. Set it to 247 or more, or collect less often.',
    );
    // Collecting every minute needs 1,887 calls of its own; without a collector, 172 is enough.
    expect(() => checks.spotifyDailyBudget({ SPOTIFY_DAILY_BUDGET: '1000', HISTORY_COLLECT_MINUTES: '1' })).toThrow(/needs 1887,.*Set it to 2059 or more/);
    expect(checks.spotifyDailyBudget({ SPOTIFY_DAILY_BUDGET: '172', HISTORY_COLLECT_MINUTES: '0' })).toBe('172');
  });
});

describe('HISTORY_TIME_ZONE', () => {
  it('is UTC unless set', () => {
    expect(checks.historyTimeZone({})).toBe('UTC');
    expect(checks.historyTimeZone({ HISTORY_TIME_ZONE: ' ' })).toBe('UTC');
  });

  it.each(['Europe/Berlin', 'America/New_York', 'America/Argentina/Buenos_Aires', 'Asia/Kolkata', 'Etc/GMT+5', 'UTC'])('takes the IANA zone %s', (zone) => {
    expect(checks.historyTimeZone({ HISTORY_TIME_ZONE: ` ${zone} ` })).toBe(zone);
  });

  it.each(['Mars/Olympus_Mons', 'Berlin', '+01:00', 'GMT+1:00', 'Europe/Berlin; rm -rf', '../../etc/passwd'])('refuses %s, naming HISTORY_TIME_ZONE', (zone) => {
    expect(() => checks.historyTimeZone({ HISTORY_TIME_ZONE: zone })).toThrow(/^HISTORY_TIME_ZONE ".*" is not an IANA time zone: it takes a name such as Europe\/Berlin/);
  });
});

describe('HISTORY_CACHE_SECONDS and HISTORY_RETENTION_DAYS', () => {
  it('are 300 seconds and empty (kept for good) unless set', () => {
    expect(checks.historyCacheSeconds({})).toBe('300');
    expect(checks.historyRetentionDays({})).toBe('');
    expect(checks.historyRetentionDays({ HISTORY_RETENTION_DAYS: ' ' })).toBe('');
  });

  it('take whole numbers: seconds from 0, days from 1', () => {
    expect(checks.historyCacheSeconds({ HISTORY_CACHE_SECONDS: '0' })).toBe('0');
    expect(checks.historyCacheSeconds({ HISTORY_CACHE_SECONDS: ' 60 ' })).toBe('60');
    expect(checks.historyRetentionDays({ HISTORY_RETENTION_DAYS: '1' })).toBe('1');
    expect(checks.historyRetentionDays({ HISTORY_RETENTION_DAYS: '365' })).toBe('365');
  });

  it.each(['-1', '1.5', 'five', '300s'])('refuses HISTORY_CACHE_SECONDS=%s, naming it', (value) => {
    expect(() => checks.historyCacheSeconds({ HISTORY_CACHE_SECONDS: value })).toThrow(/^HISTORY_CACHE_SECONDS must be a whole number of seconds \(0 = .*\); unset, it is 300\. It is "/);
  });

  it.each(['0', '-1', '1.5', 'forever', '30d'])('refuses HISTORY_RETENTION_DAYS=%s, naming it', (value) => {
    expect(() => checks.historyRetentionDays({ HISTORY_RETENTION_DAYS: value })).toThrow(
      /^HISTORY_RETENTION_DAYS must be a whole number of days, at least 1 .*; unset, plays are kept for good\./,
    );
  });
});

describe('the intervals (config/intervals.cjs)', () => {
  const { INTERVALS } = createRequire(import.meta.url)('../../../config/intervals.cjs') as typeof import('../../../config/intervals.cjs');
  const names = Object.keys(INTERVALS) as IntervalName[];
  const minimal = { SPOTIFY_CLIENT_ID: 'id', TABLE_NAME: 'table' };

  it('have one default each, which the packaging and the code both give when the variable is unset', () => {
    const code = { ...loadConfig(minimal), history: historyConfig({}).cacheSeconds };
    const inCode: Record<IntervalName, number> = {
      HIGHLIGHTS_CACHE_SECONDS: code.cacheSeconds,
      NOW_PLAYING_CACHE_SECONDS: code.nowPlayingCacheSeconds,
      RECENTLY_PLAYED_CACHE_SECONDS: code.recentlyPlayedCacheSeconds,
      OWNER_RECHECK_SECONDS: code.ownerRecheckSeconds,
      STALE_MAX_SECONDS: code.staleMaxSeconds,
      HISTORY_CACHE_SECONDS: code.history,
    };
    for (const name of names) {
      expect({ name, packaged: checks.interval({}, name), code: inCode[name] }).toEqual({ name, packaged: String(INTERVALS[name].fallback), code: INTERVALS[name].fallback });
    }
    expect(names).toHaveLength(6);
  });

  it('are what serverless.yml hands every function, through these checks', () => {
    const template = readFileSync(new URL('../../../serverless.yml', import.meta.url), 'utf8');
    for (const name of names) expect(template, name).toMatch(new RegExp(`^    ${name}: \\$\\{file\\(\\./config/stages\\.cjs\\):\\w+\\}$`, 'm'));
  });

  it('are refused alike by the packaging and the code, naming the variable', () => {
    for (const name of names) {
      expect(() => checks.interval({ [name]: '5s' }, name)).toThrow(new RegExp(`^${name} must be a whole number of seconds`));
      expect(checks.interval({ [name]: ' 0 ' }, name)).toBe('0');
    }
    expect(() => loadConfig({ ...minimal, STALE_MAX_SECONDS: '1.5' })).toThrow(/^STALE_MAX_SECONDS must be a whole number of seconds \(0 = never serve a stale result\); unset, it is 604800\. It is "1\.5"\./);
  });

  it('are set in .env.example, if at all, to their defaults', () => {
    const example = parseEnv(readFileSync(new URL('../../../.env.example', import.meta.url), 'utf8'));
    for (const name of names) if (example[name] !== undefined) expect(Number(example[name]), name).toBe(INTERVALS[name].fallback);
  });
});
