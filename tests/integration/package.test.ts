/**
 * `serverless package --stage prod` must work without AWS credentials, and the template it
 * writes is what gets deployed: check the functions, the tables, the IAM policy, the watch's
 * schedule and notices, and the listening history's schedule and table in it. It runs
 * in a copy of the service with an explicit environment, so a developer's .env changes nothing;
 * the copies are also where the cases a deploy must refuse write their own .env.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { copyOfService, serviceEnvironment } from '../support/local-stack';
import { keepTemplate } from '../support/packaged-template';
import { unzip } from '../support/zip';

const run = promisify(execFile);

interface Resource {
  Type: string;
  DeletionPolicy?: string;
  Condition?: string;
  Properties: Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
}

const OWNER = 'owner-123';
/** What a deploy of prod is given; each case changes some of it. */
const DEPLOY_ENV = {
  SPOTIFY_CLIENT_ID: 'prod-client-id',
  OWNER_SPOTIFY_ID: OWNER,
  SPOTIFY_CLIENT_SECRET: 'must-not-leak',
  CORS_ALLOWED_ORIGINS: 'https://owner.example, http://127.0.0.1:8080',
  // The watch's settings, unset: a daily run, no email, no webhook.
  WATCH_SCHEDULE: '',
  NOTIFY_EMAIL: '',
  NOTIFY_WEBHOOK_URL: '',
  NOTIFY_NTFY_TOPIC: '',
  SERVICE_URL: '',
  // The listening history's settings, unset: every 30 minutes, UTC, 300 s, kept for good.
  HISTORY_COLLECT_MINUTES: '',
  // The day's Spotify budget, unset: 1,000 calls.
  SPOTIFY_DAILY_BUDGET: '',
  HISTORY_TIME_ZONE: '',
  HISTORY_CACHE_SECONDS: '',
  HISTORY_RETENTION_DAYS: '',
};

const copies: string[] = [];
let service: string;
let outDir: string;
let resources: Record<string, Resource>;
let conditions: Record<string, unknown>;

/** A copy of the service, with `envFiles` (name → content) written in it. */
function serviceWith(envFiles: Record<string, string> = {}): string {
  const dir = copyOfService();
  copies.push(dir);
  for (const [name, content] of Object.entries(envFiles)) writeFileSync(join(dir, name), content);
  return dir;
}

/** Runs the Framework in `dir` with no AWS credentials and nothing from this process's service variables. */
function serverless(dir: string, args: string[], env: Record<string, string> = DEPLOY_ENV) {
  const environment = serviceEnvironment({ ...env, ESBUILD_WORK_FOLDER: '.esbuild-package' });
  for (const name of Object.keys(environment)) if (name.startsWith('AWS_')) delete environment[name];
  return run(process.execPath, [join(dir, 'node_modules/serverless/bin/serverless.js'), ...args], {
    cwd: dir,
    env: { ...environment, AWS_SHARED_CREDENTIALS_FILE: '/nonexistent', AWS_CONFIG_FILE: '/nonexistent' },
    timeout: 120_000,
  });
}

/** The Framework's output when `args` fail; fails the test if they succeed. */
async function refused(dir: string, args: string[], env?: Record<string, string>): Promise<string> {
  const outcome = await serverless(dir, args, env).then(
    () => undefined,
    (error: { stdout: string; stderr: string }) => `${error.stdout}\n${error.stderr}`,
  );
  expect(outcome, `serverless ${args.join(' ')} succeeded`).toBeDefined();
  return outcome ?? '';
}

/** The configuration as the Framework resolves it for `stage` (every check runs, nothing is built). */
async function resolved(dir: string, stage: string, env?: Record<string, string>): Promise<Record<string, any>> { // eslint-disable-line @typescript-eslint/no-explicit-any
  const { stdout } = await serverless(dir, ['print', '--stage', stage, '--format', 'json'], env);
  return JSON.parse(stdout.slice(stdout.indexOf('{')));
}

/** `serverless package --stage prod` with `env`, into a new folder: the template's resources and conditions, and the folder. */
async function packaged(env: Record<string, string> = DEPLOY_ENV) {
  const out = mkdtempSync(join(tmpdir(), 'sh-package-'));
  copies.push(out);
  await serverless(service, ['package', '--stage', 'prod', '--package', out], env);
  const template = JSON.parse(readFileSync(join(out, 'cloudformation-template-update-stack.json'), 'utf8'));
  return { resources: template.Resources as Record<string, Resource>, conditions: (template.Conditions ?? {}) as Record<string, unknown>, out };
}

function ofType(type: string, from = resources): [string, Resource][] {
  return Object.entries(from).filter(([, resource]) => resource.Type === type);
}

/** The EventBridge rules that run the function `logicalName` (e.g. WatchLambdaFunction). */
function rulesOf(logicalName: string, from = resources): Resource[] {
  return ofType('AWS::Events::Rule', from)
    .map(([, rule]) => rule)
    .filter((rule) => (rule.Properties.Targets as { Arn: unknown }[]).some((target) => JSON.stringify(target.Arn) === JSON.stringify({ 'Fn::GetAtt': [logicalName, 'Arn'] })));
}

/** The statements of each function's role (its own policy), by the role's logical id. */
function roleStatements(from = resources): { role: string; Effect: string; Action: string[]; Resource: unknown; Condition?: unknown }[] {
  return ofType('AWS::IAM::Role', from).flatMap(([role, resource]) =>
    resource.Properties.Policies.flatMap((policy: { PolicyDocument: { Statement: object[] } }) => policy.PolicyDocument.Statement.map((statement) => ({ role, ...statement }))),
  );
}

const HOOK = 'https://hooks.example/services/T0/B0/hook-secret';
const NOTIFY_TO = 'owner+notices@mail.example';
/**
 * One more package, with every optional setting changed (a fresh `package` takes long on a loaded
 * machine): the notices by email (the webhook's URL is not a setting of a deployed stage), the
 * watch at 08:00, collecting off and the history's own settings. Packaged once, by the first test
 * that asks.
 */
let everythingSet: ReturnType<typeof packaged> | undefined;
const withEverythingSet = () =>
  (everythingSet ??= packaged({
    ...DEPLOY_ENV,
    NOTIFY_EMAIL: NOTIFY_TO,
    WATCH_SCHEDULE: 'cron(0 8 * * ? *)',
    NOTIFY_NTFY_TOPIC: 'owner-notices',
    HISTORY_COLLECT_MINUTES: '0',
    HISTORY_TIME_ZONE: 'Europe/Berlin',
    HISTORY_CACHE_SECONDS: '60',
    HISTORY_RETENTION_DAYS: '400',
  }));

/** A template condition's value, for the intrinsic functions the template's conditions use on plain values. */
function holds(condition: unknown, all: Record<string, unknown>): boolean {
  const [[name, args]] = Object.entries(condition as Record<string, unknown[]>) as [[string, unknown[]]];
  if (name === 'Fn::Not') return !holds(args[0], all);
  if (name === 'Fn::Equals') return JSON.stringify(args[0]) === JSON.stringify(args[1]);
  if (name === 'Condition') return holds(all[args as unknown as string], all);
  throw new Error(`unexpected condition ${name}`);
}

beforeAll(async () => {
  service = serviceWith();
  ({ resources, conditions, out: outDir } = await packaged());
  // tests/integration/iam.test.ts, which runs after this file, holds the roles of this template against what the functions send.
  keepTemplate(outDir, inject('awsCallsDir'));
}, 180_000);

afterAll(() => {
  for (const dir of [outDir, ...copies]) if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('the packaged prod stack', () => {
  it('has the seventeen functions on nodejs24.x, each with a timeout, memory size and its own small bundle', () => {
    const functions = ofType('AWS::Lambda::Function');
    expect(functions.map(([name]) => name).sort()).toEqual([
      'CallbackLambdaFunction',
      'CardLambdaFunction',
      'CollectLambdaFunction',
      'HighlightsLambdaFunction',
      'HistoryCardLambdaFunction',
      'HistoryLambdaFunction',
      'HomeLambdaFunction',
      'LoginLambdaFunction',
      'NowPlayingCardLambdaFunction',
      'NowPlayingLambdaFunction',
      'NowPlayingOpenLambdaFunction',
      'OwnerDisconnectLambdaFunction',
      'OwnerLambdaFunction',
      'OwnerSettingsLambdaFunction',
      'RecentlyPlayedLambdaFunction',
      'StatusLambdaFunction',
      'WatchLambdaFunction',
    ]);
    for (const [, fn] of functions) {
      expect(fn.Properties.Runtime).toBe('nodejs24.x');
      expect(fn.Properties.Timeout).toBeGreaterThan(0);
      expect(fn.Properties.MemorySize).toBeGreaterThan(0);
    }
    // A heavy listener's year is counted in under a second only with the CPU 1,024 MB brings (docs/benchmarks.md).
    const memory = Object.fromEntries(functions.map(([name, fn]) => [name, fn.Properties.MemorySize]));
    expect(memory).toMatchObject({ HistoryLambdaFunction: 1024, HistoryCardLambdaFunction: 1024, HighlightsLambdaFunction: 256 });
    // Measured with the player endpoints: login 204 kB, status 200 kB, callback 307 kB, highlights
    // 314 kB, card 319 kB, nowPlaying 308 kB, nowPlayingOpen 309 kB, nowPlayingCard 320 kB,
    // recentlyPlayed 313 kB. Most of each is the DynamoDB client; home reads the owner's name and
    // settings, the console's functions read the owner and their top artists. Measured again with
    // the watch: home 215 kB, nowPlayingOpen 320 kB, watch 196 kB (the DynamoDB client and the
    // notices, no Spotify library; the SNS client is the runtime's, serverless.yml's esbuild exclude).
    // Measured with the listening history: collect 310 kB (the DynamoDB client and the Spotify
    // library, as it asks Spotify for the plays), history 215 kB (it reads the history table only).
    // Measured with the day's Spotify budget (every call counted, results paced, the last plays
    // read from the history): callback 321 kB, card 332 kB, collect 314 kB, highlights 324 kB,
    // nowPlaying 324 kB, nowPlayingOpen 325 kB, nowPlayingCard 332 kB, owner 330 kB,
    // recentlyPlayed 324 kB, status 208 kB (it reads the budget's item), watch 198 kB. Measured with
    // the calendar library and local files: card 339 kB, history 225 kB, historyCard 231 kB, owner
    // 337 kB, status 215 kB, watch 204 kB; each budget is about 10 kB above what it measures.
    const budgets = {
      home: 230_000,
      owner: 350_000,
      ownerSettings: 230_000,
      ownerDisconnect: 230_000,
      login: 220_000,
      status: 225_000,
      callback: 335_000,
      highlights: 345_000,
      card: 350_000,
      nowPlaying: 345_000,
      nowPlayingOpen: 345_000,
      nowPlayingCard: 350_000,
      recentlyPlayed: 345_000,
      watch: 215_000,
      collect: 335_000,
      history: 235_000,
      historyCard: 245_000,
    };
    for (const [name, budget] of Object.entries(budgets)) {
      expect(statSync(join(outDir, `${name}.zip`)).size).toBeLessThan(budget);
    }
  });

  it('bundles into each function only what it uses: home, login and status carry no Spotify library, card renderer or SSM client', async () => {
    const bundle = async (name: string, folder = 'http') => {
      const file = `handlers/${folder}/${name.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`)}.cjs`;
      const files = await unzip(join(outDir, `${name}.zip`));
      expect([...files.keys()]).toEqual([file]);
      return files.get(file)!.toString('utf8');
    };
    const markers = {
      spotifyLibrary: 'api.spotify.com',
      cardRenderer: 'Data from Spotify',
      errorCard: 'Reconnect Spotify',
      ssmClient: '@aws-sdk/client-ssm',
      zod: '$ZodType',
    };
    for (const name of ['home', 'login', 'status']) {
      const code = await bundle(name);
      // The home page's builder starts from the owner's settings, which zod checks as they are read.
      const carried = name === 'home' ? { ...markers, zod: undefined } : markers;
      for (const marker of Object.values(carried)) if (marker) expect(code, `${name} carries ${marker}`).not.toContain(marker);
    }
    // The home page reads the owner's name and settings only: none of the connect pages.
    const home = await bundle('home');
    expect(home).toContain(markers.zod);
    expect(home).toContain('Spotify highlights');
    expect(home, 'home carries the connect pages').not.toContain('This sign-in link is no longer valid');
    // Changing the settings needs no Spotify library and no card.
    const ownerSettings = await bundle('ownerSettings');
    for (const marker of [markers.spotifyLibrary, markers.cardRenderer, markers.errorCard, markers.ssmClient]) expect(ownerSettings, `ownerSettings carries ${marker}`).not.toContain(marker);
    const card = await bundle('card');
    expect(card).toContain(markers.cardRenderer);
    expect(card).toContain(markers.errorCard);
    expect(card).toContain(markers.spotifyLibrary);
    const highlights = await bundle('highlights');
    expect(highlights).not.toContain(markers.cardRenderer);
    expect(highlights).not.toContain(markers.errorCard);
    expect(highlights).toContain(markers.zod);
    const callback = await bundle('callback');
    expect(callback).toContain(markers.spotifyLibrary);
    expect(callback).toContain(markers.ssmClient);
    expect(callback).not.toContain(markers.cardRenderer);
    expect(callback).not.toContain(markers.errorCard);
    // zod comes with the owner's settings, which the session module's standing reads.
    for (const name of ['nowPlaying', 'nowPlayingOpen', 'recentlyPlayed']) {
      const code = await bundle(name);
      expect(code, `${name} carries the card renderer`).not.toContain(markers.cardRenderer);
      expect(code, `${name} carries the error card`).not.toContain(markers.errorCard);
      expect(code).toContain(markers.spotifyLibrary);
    }
    expect(await bundle('nowPlayingCard')).toContain(markers.errorCard);
    // The watch require()s the runtime's SNS client (the SDK's own code is not in the bundle), and no HTTP function loads it.
    const watch = await bundle('watch', 'scheduled');
    expect(watch).toContain('require("@aws-sdk/client-sns")');
    expect(watch, 'watch bundles the SNS client').not.toContain('AmazonSimpleNotificationService');
    for (const marker of [markers.cardRenderer, markers.errorCard]) expect(watch, `watch carries ${marker}`).not.toContain(marker);
    // It reads the webhook's URL from SSM when deployed: the runtime's SSM client too, not bundled.
    expect(watch).toContain(markers.ssmClient);
    for (const name of ['home', 'login', 'status', 'callback', 'highlights', 'card', 'ownerSettings']) expect(await bundle(name), name).not.toContain('@aws-sdk/client-sns');
    // The listening history's functions draw nothing and send no notices; only the collector asks
    // Spotify (and refreshes the owner's token, with the secret), GET /history reads the table alone.
    const collect = await bundle('collect', 'scheduled');
    const history = await bundle('history');
    for (const [name, code] of Object.entries({ collect, history })) {
      for (const marker of [markers.cardRenderer, markers.errorCard, '@aws-sdk/client-sns']) expect(code, `${name} carries ${marker}`).not.toContain(marker);
    }
    expect(collect).toContain(markers.spotifyLibrary);
    expect(collect).toContain(markers.ssmClient);
    expect(history, 'history carries the Spotify library').not.toContain(markers.spotifyLibrary);
    expect(history, 'history carries the SSM client').not.toContain(markers.ssmClient);
  });

  it('routes GET /, /login, /callback, /highlights, /card.svg, /status, /history, the player endpoints and the owner\'s console through the HTTP API', () => {
    const routes = ofType('AWS::ApiGatewayV2::Route').map(([, route]) => route.Properties.RouteKey);
    expect(routes.sort()).toEqual([
      'GET /',
      'GET /callback',
      'GET /card.svg',
      'GET /highlights',
      'GET /history',
      'GET /history.svg',
      'GET /login',
      'GET /now-playing',
      'GET /now-playing.svg',
      'GET /now-playing/open',
      'GET /owner',
      'GET /owner/settings',
      'GET /recently-played',
      'GET /status',
      'POST /owner/disconnect',
      'PUT /owner/settings',
    ]);
  });

  it('throttles the whole API at the stage: 20 requests a second, bursts of 50, unless API_RATE_LIMIT and API_BURST_LIMIT say otherwise', async () => {
    const [[name, stage]] = ofType('AWS::ApiGatewayV2::Stage') as [[string, Resource]];
    expect(name).toBe('HttpApiStage');
    expect(stage.Properties.DefaultRouteSettings).toEqual({ ThrottlingRateLimit: 20, ThrottlingBurstLimit: 50 });
    const config = await resolved(service, 'prod', { ...DEPLOY_ENV, API_RATE_LIMIT: '7', API_BURST_LIMIT: '9' });
    expect(config.resources.extensions.HttpApiStage.Properties.DefaultRouteSettings).toEqual({ ThrottlingRateLimit: 7, ThrottlingBurstLimit: 9 });
    expect(await refused(service, ['package', '--stage', 'prod'], { ...DEPLOY_ENV, API_BURST_LIMIT: 'lots' })).toContain('API_BURST_LIMIT must be a whole number of requests, at least 1');
  });

  it('binds the deployed site to OWNER_SPOTIFY_ID, and derives the redirect URI from the API\'s own domain', () => {
    for (const [, fn] of ofType('AWS::Lambda::Function')) {
      expect(fn.Properties.Environment.Variables).toMatchObject({ OWNER_SPOTIFY_ID: OWNER, SPOTIFY_CLIENT_ID: 'prod-client-id', SPOTIFY_REDIRECT_URI: '' });
    }
  });

  it('lets exactly the origins in CORS_ALLOWED_ORIGINS read the API, with GET and without credentials', () => {
    const [[, api]] = ofType('AWS::ApiGatewayV2::Api') as [[string, Resource]];
    expect(api.Properties.CorsConfiguration).toEqual({
      AllowOrigins: ['https://owner.example', 'http://127.0.0.1:8080'],
      AllowMethods: ['GET'],
      AllowHeaders: [],
      ExposeHeaders: ['Retry-After'],
      MaxAge: 86400,
    });
    expect(api.Properties.CorsConfiguration.AllowCredentials).not.toBe(true);
  });

  it('keeps the client secret out of the template and the functions\' environment', () => {
    const template = readFileSync(join(outDir, 'cloudformation-template-update-stack.json'), 'utf8');
    expect(template).not.toContain('must-not-leak');
    const variables = ofType('AWS::Lambda::Function').flatMap(([, fn]) => Object.keys(fn.Properties.Environment.Variables));
    expect(variables).not.toContain('SPOTIFY_CLIENT_SECRET');
    expect(variables).toContain('SPOTIFY_CLIENT_SECRET_PARAM');
  });

  it('has two tables, the main one and the listening history\'s: on-demand, point-in-time recovery, retained, with a TTL attribute', () => {
    const tables = ofType('AWS::DynamoDB::Table');
    expect(tables.map(([name]) => name).sort()).toEqual(['HighlightsTable', 'HistoryTable']);
    for (const [name, table] of tables) {
      expect(table.DeletionPolicy, name).toBe('Retain');
      expect((table as Resource & { UpdateReplacePolicy?: string }).UpdateReplacePolicy, name).toBe('Retain');
      expect(table.Properties.BillingMode, name).toBe('PAY_PER_REQUEST');
      expect(table.Properties.PointInTimeRecoverySpecification, name).toEqual({ PointInTimeRecoveryEnabled: true });
      expect(table.Properties.TimeToLiveSpecification, name).toEqual({ AttributeName: 'ttl', Enabled: true });
    }
    const main = resources.HighlightsTable!.Properties;
    expect(main.TableName).toBe('spotify-highlights-prod');
    expect(main.KeySchema).toEqual([{ AttributeName: 'pk', KeyType: 'HASH' }]);
    expect(main.AttributeDefinitions).toEqual([{ AttributeName: 'pk', AttributeType: 'S' }]);
    const history = resources.HistoryTable!.Properties;
    expect(history.TableName).toBe('spotify-highlights-prod-history');
    expect(history.KeySchema).toEqual([
      { AttributeName: 'pk', KeyType: 'HASH' },
      { AttributeName: 'sk', KeyType: 'RANGE' },
    ]);
    expect(history.AttributeDefinitions).toEqual([
      { AttributeName: 'pk', AttributeType: 'S' },
      { AttributeName: 'sk', AttributeType: 'S' },
    ]);
    for (const [name, fn] of ofType('AWS::Lambda::Function')) {
      expect(fn.Properties.Environment.Variables, name).toMatchObject({ TABLE_NAME: 'spotify-highlights-prod', HISTORY_TABLE_NAME: 'spotify-highlights-prod-history' });
    }
  });

  it('gives every function a role of its own: DynamoDB only on the keys it names, the secret\'s one parameter only to what refreshes or exchanges a token, nothing on every resource', () => {
    const roles = ofType('AWS::IAM::Role');
    expect(roles).toHaveLength(17);
    expect(resources.IamRoleLambdaExecution, 'the Framework\'s shared role').toBeUndefined();
    for (const [name, fn] of ofType('AWS::Lambda::Function')) expect(fn.Properties.Role, name).toEqual({ 'Fn::GetAtt': [name.replace(/LambdaFunction$/, 'IamRole'), 'Arn'] });
    const statements = roleStatements();
    // Every DynamoDB statement names the keys it may touch, but the disconnect's Scans (LeadingKeys cannot restrict a Scan) and its emptying of the history.
    const dynamo = statements.filter((statement) => statement.Action.some((action) => action.startsWith('dynamodb:')));
    expect(dynamo.filter((statement) => !statement.Condition).map(({ role, Action, Resource }) => [role, Action, Resource])).toEqual([
      ['OwnerDisconnectIamRole', ['dynamodb:Scan'], { 'Fn::GetAtt': ['HighlightsTable', 'Arn'] }],
      ['OwnerDisconnectIamRole', ['dynamodb:Scan', 'dynamodb:BatchWriteItem'], { 'Fn::GetAtt': ['HistoryTable', 'Arn'] }],
    ]);
    // GET /history and /history.svg read the names of the ranked tracks and artists with one BatchGetItem.
    for (const role of ['HistoryIamRole', 'HistoryCardIamRole']) {
      expect(dynamo.filter((statement) => statement.role === role && statement.Action.includes('dynamodb:BatchGetItem'))).toEqual([
        {
          role,
          Effect: 'Allow',
          Action: ['dynamodb:BatchGetItem'],
          Resource: { 'Fn::GetAtt': ['HistoryTable', 'Arn'] },
          Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['artist#*', 'track#*'] } },
        },
      ]);
    }
    // The watch reads the webhook's URL, its own parameter (below).
    const ssm = statements.filter((statement) => statement.Action.some((action) => action.startsWith('ssm:')) && !JSON.stringify(statement.Resource).includes('notify-webhook-url'));
    expect(ssm.map(({ role }) => role).sort()).toEqual(
      ['Callback', 'Card', 'Collect', 'Highlights', 'NowPlayingCard', 'NowPlaying', 'NowPlayingOpen', 'Owner', 'RecentlyPlayed'].map((name) => `${name}IamRole`).sort(),
    );
    for (const statement of ssm) {
      expect(statement.Action).toEqual(['ssm:GetParameter']);
      const arnParts = (statement.Resource as { 'Fn::Join': [string, (string | { Ref: string })[]] })['Fn::Join'][1];
      const arn = arnParts.map((part) => (typeof part === 'string' ? part : `{${part.Ref}}`)).join('');
      expect(arn).toBe('arn:{AWS::Partition}:ssm:{AWS::Region}:{AWS::AccountId}:parameter/spotify-highlights/prod/client-secret');
    }
    expect(statements.filter((statement) => JSON.stringify(statement.Resource).includes('"*"') || statement.Action.some((action) => action.includes('*')))).toEqual([]);
  });

  it('keeps logs for a bounded time', () => {
    for (const [, group] of ofType('AWS::Logs::LogGroup')) expect(group.Properties.RetentionInDays).toBe(30);
  });
});

/** The watch function's schedule and where its notices go: email through an SNS topic only when NOTIFY_EMAIL is set. */
describe('the watch and its notices', { timeout: 120_000 }, () => {
  const SNS_TYPES = ['AWS::SNS::Topic', 'AWS::SNS::Subscription', 'AWS::SNS::TopicPolicy'];
  /** Every statement allowing an sns: action, wherever the template grants it: the role's own policies and policies of their own. */
  const snsStatements = (from: Record<string, Resource>) => {
    const documents = [
      ...ofType('AWS::IAM::Role', from).flatMap(([, role]) => (role.Properties.Policies ?? []).map((policy: { PolicyDocument: unknown }) => ({ document: policy.PolicyDocument }))),
      ...ofType('AWS::IAM::Policy', from).map(([, policy]) => ({ document: policy.Properties.PolicyDocument, condition: policy.Condition, roles: policy.Properties.Roles })),
    ];
    return documents.flatMap(({ document, ...where }) =>
      (document as { Statement: { Action: string | string[] }[] }).Statement.filter((statement) => [statement.Action].flat().some((action) => action.startsWith('sns:'))).map((statement) => ({ statement, ...where })),
    );
  };

  it('runs the watch hourly by default, on an EventBridge schedule rule, with 30 s and nothing of the notices for the HTTP functions', () => {
    const rules = rulesOf('WatchLambdaFunction');
    expect(rules).toHaveLength(1);
    const [rule] = rules as [Resource];
    expect(rule.Properties.ScheduleExpression).toBe('rate(1 hour)');
    expect(rule.Properties.State).toBe('ENABLED');
    expect(rule.Properties.Targets).toEqual([expect.objectContaining({ Arn: { 'Fn::GetAtt': ['WatchLambdaFunction', 'Arn'] } })]);
    const watch = resources.WatchLambdaFunction!;
    expect(watch.Properties.Handler).toBe('handlers/scheduled/watch.handler');
    expect(watch.Properties.Timeout).toBe(30);
    expect(watch.Properties.Environment.Variables).toMatchObject({
      NOTIFY_WEBHOOK_URL: '',
      NOTIFY_WEBHOOK_URL_PARAM: '/spotify-highlights/prod/notify-webhook-url',
      NOTIFY_NTFY_TOPIC: '',
      NOTIFY_TOPIC_ARN: { 'Fn::If': ['HasNotifyEmail', { Ref: 'NoticesTopic' }, ''] },
    });
    for (const [name, fn] of ofType('AWS::Lambda::Function').filter(([name]) => name !== 'WatchLambdaFunction')) {
      expect(Object.keys(fn.Properties.Environment.Variables).filter((variable) => variable.startsWith('NOTIFY_')), name).toEqual([]);
    }
  });

  it('without NOTIFY_EMAIL: no topic, no subscription and no SNS permission is created', () => {
    expect(holds(conditions.HasNotifyEmail, conditions)).toBe(false);
    // The same template as with it: whatever is about SNS exists only under HasNotifyEmail, so none of it is created.
    const sns = Object.entries(resources).filter(([, resource]) => SNS_TYPES.includes(resource.Type));
    expect(sns.map(([name]) => name).sort()).toEqual(['NoticesEmailSubscription', 'NoticesTopic']);
    for (const [name, resource] of sns) expect(resource.Condition, name).toBe('HasNotifyEmail');
    const statements = snsStatements(resources);
    expect(statements.length).toBeGreaterThan(0);
    for (const { condition } of statements) expect(condition).toBe('HasNotifyEmail');
  });

  it('with NOTIFY_EMAIL: the topic, its email subscription to that address, publishing to exactly that topic, and WATCH_SCHEDULE\'s rule', async () => {
    const email = NOTIFY_TO;
    const variant = await withEverythingSet();
    expect(holds(variant.conditions.HasNotifyEmail, variant.conditions)).toBe(true);
    const topics = ofType('AWS::SNS::Topic', variant.resources);
    expect(topics.map(([name]) => name)).toEqual(['NoticesTopic']);
    expect(topics[0]?.[1].Properties.TopicName).toBe('spotify-highlights-prod-notices');
    const subscriptions = ofType('AWS::SNS::Subscription', variant.resources);
    expect(subscriptions.map(([, subscription]) => subscription.Properties)).toEqual([{ TopicArn: { Ref: 'NoticesTopic' }, Protocol: 'email', Endpoint: email }]);
    expect(snsStatements(variant.resources)).toEqual([
      { statement: { Effect: 'Allow', Action: 'sns:Publish', Resource: { Ref: 'NoticesTopic' } }, condition: 'HasNotifyEmail', roles: [{ Ref: 'WatchIamRole' }] },
    ]);
    const rules = rulesOf('WatchLambdaFunction', variant.resources);
    expect(rules.map((rule) => [rule.Properties.ScheduleExpression, rule.Properties.State])).toEqual([['cron(0 8 * * ? *)', 'ENABLED']]);
    expect(variant.resources.WatchLambdaFunction?.Properties.Environment.Variables).toMatchObject({
      NOTIFY_TOPIC_ARN: { 'Fn::If': ['HasNotifyEmail', { Ref: 'NoticesTopic' }, ''] },
      NOTIFY_NTFY_TOPIC: 'owner-notices',
    });
  });

  it('the webhook\'s URL is a secret: only the watch may read it, from the SSM parameter its environment names', () => {
    const parameterArn = (path: string) => ({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':ssm:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':parameter', path]] });
    const readers = roleStatements(resources).filter((statement) => JSON.stringify(statement).includes('notify-webhook-url'));
    expect(readers).toEqual([{ role: 'WatchIamRole', Effect: 'Allow', Action: ['ssm:GetParameter'], Resource: parameterArn('/spotify-highlights/prod/notify-webhook-url') }]);
  });

  it('refuses any NOTIFY_WEBHOOK_URL for a deployed stage, saying where the URL goes instead and never showing it', async () => {
    for (const url of [HOOK, 'http://hooks.example/services/T0/B0/hook-secret', 'http://127.0.0.1:8090/hook-secret']) {
      const output = await refused(service, ['package', '--stage', 'prod'], { ...DEPLOY_ENV, NOTIFY_WEBHOOK_URL: url });
      expect(output).toContain('NOTIFY_WEBHOOK_URL is set for the "prod" stage, but a webhook\'s URL is its secret');
      expect(output).toContain('aws ssm put-parameter --type SecureString --name /spotify-highlights/prod/notify-webhook-url');
      expect(output).not.toContain('hook-secret');
      expect(output).not.toContain('hooks.example');
    }
  });

  it('refuses a WATCH_SCHEDULE EventBridge would not take, and a NOTIFY_EMAIL that is no address', async () => {
    expect(await refused(service, ['package', '--stage', 'prod'], { ...DEPLOY_ENV, WATCH_SCHEDULE: 'every day' })).toContain(
      'WATCH_SCHEDULE "every day" is not an EventBridge schedule: it takes rate(…) or cron(…)',
    );
    expect(await refused(service, ['package', '--stage', 'prod'], { ...DEPLOY_ENV, NOTIFY_EMAIL: 'owner-at-example' })).toContain('NOTIFY_EMAIL is not an email address');
  });
});

/** The listening history (issue 14): the collect function on its schedule, GET /history, their settings. */
describe('the listening history', { timeout: 120_000 }, () => {
  it('collects every 30 minutes by default, on an enabled EventBridge rule, with 60 s; GET /history is its own function', () => {
    const rules = rulesOf('CollectLambdaFunction');
    expect(rules.map((rule) => [rule.Properties.ScheduleExpression, rule.Properties.State])).toEqual([['rate(30 minutes)', 'ENABLED']]);
    const collect = resources.CollectLambdaFunction!;
    expect(collect.Properties.Handler).toBe('handlers/scheduled/collect.handler');
    expect(collect.Properties.Timeout).toBe(60);
    expect(resources.HistoryLambdaFunction!.Properties.Handler).toBe('handlers/http/history.handler');
    expect(ofType('AWS::Events::Rule')).toHaveLength(2);
  });

  it('gives every function the history\'s settings and the day\'s Spotify budget: UTC, 300 s, no retention (kept for good), every 30 minutes, 1,000 calls, when unset', () => {
    for (const [name, fn] of ofType('AWS::Lambda::Function')) {
      expect(fn.Properties.Environment.Variables, name).toMatchObject({
        HISTORY_TIME_ZONE: 'UTC',
        HISTORY_CACHE_SECONDS: '300',
        HISTORY_RETENTION_DAYS: '',
        HISTORY_COLLECT_MINUTES: '30',
        SPOTIFY_DAILY_BUDGET: '1000',
      });
    }
  });

  it('with HISTORY_COLLECT_MINUTES=0: the rule stays, disabled, so that deploy stops collecting; the other settings reach the functions', async () => {
    const variant = await withEverythingSet();
    const rules = rulesOf('CollectLambdaFunction', variant.resources);
    expect(rules.map((rule) => [rule.Properties.ScheduleExpression, rule.Properties.State])).toEqual([['rate(30 minutes)', 'DISABLED']]);
    expect(variant.resources.HistoryLambdaFunction?.Properties.Environment.Variables).toMatchObject({
      HISTORY_TIME_ZONE: 'Europe/Berlin',
      HISTORY_CACHE_SECONDS: '60',
      HISTORY_RETENTION_DAYS: '400',
    });
  });

  it('takes HISTORY_COLLECT_MINUTES as the rate', async () => {
    const config = await resolved(service, 'prod', { ...DEPLOY_ENV, HISTORY_COLLECT_MINUTES: '15' });
    // The Framework keeps a schedule's rates as a list.
    expect(config.functions.collect.events).toEqual([{ schedule: { rate: ['rate(15 minutes)'], enabled: true } }]);
  });

  it('refuses a HISTORY_TIME_ZONE that is no IANA zone and settings that are no whole numbers, naming each', async () => {
    const cases: [Record<string, string>, string][] = [
      [{ HISTORY_TIME_ZONE: 'Mars/Olympus_Mons' }, 'HISTORY_TIME_ZONE "Mars/Olympus_Mons" is not an IANA time zone'],
      [{ HISTORY_COLLECT_MINUTES: '2000' }, 'HISTORY_COLLECT_MINUTES must be a whole number of minutes, from 0 to 1440'],
      [{ HISTORY_CACHE_SECONDS: 'soon' }, 'HISTORY_CACHE_SECONDS must be a whole number of seconds'],
      [{ HISTORY_RETENTION_DAYS: '0' }, 'HISTORY_RETENTION_DAYS must be a whole number of days, at least 1'],
      [{ SPOTIFY_DAILY_BUDGET: '1,000' }, 'SPOTIFY_DAILY_BUDGET must be a whole number of Spotify calls a day'],
      [{ SPOTIFY_DAILY_BUDGET: '1000', HISTORY_COLLECT_MINUTES: '1' }, 'SPOTIFY_DAILY_BUDGET is 1000, too small: the collector running every 1 minutes'],
    ];
    for (const [env, message] of cases) expect(await refused(service, ['package', '--stage', 'prod'], { ...DEPLOY_ENV, ...env })).toContain(message);
  });
});

/**
 * The checks of config/stages.cjs, as `package` meets them: they fail before anything is built.
 * Where a case must pass, `print` resolves the configuration (every check runs) without building;
 * each run of the Framework takes seconds on a loaded machine, hence the longer timeout.
 */
describe('packaging refuses what would break or endanger a deployed stage', { timeout: 60_000 }, () => {
  it('without OWNER_SPOTIFY_ID, saying where to find your Spotify user id', async () => {
    const out = join(service, 'refused');
    const output = await refused(service, ['package', '--stage', 'prod', '--package', out], { ...DEPLOY_ENV, OWNER_SPOTIFY_ID: '' });
    expect(output).toContain('OWNER_SPOTIFY_ID is not set for the "prod" stage, so whoever first finishes its /login would own the site for good.');
    expect(output).toContain('open your profile on https://open.spotify.com');
    expect(output).toContain('take the part after /user/');
    expect(output).toContain('set ALLOW_FIRST_OWNER=true');
    // The message, not a stack trace.
    expect(output).not.toMatch(/\bat \S+ \(|deploy-checks\.cjs:\d+/);
    expect(existsSync(out)).toBe(false);
  });

  it('packages without an owner when ALLOW_FIRST_OWNER=true says so on purpose', async () => {
    const config = await resolved(service, 'prod', { ...DEPLOY_ENV, OWNER_SPOTIFY_ID: '', ALLOW_FIRST_OWNER: 'true' });
    expect(config.provider.environment.OWNER_SPOTIFY_ID).toBe('');
  });

  it('with a loopback SPOTIFY_REDIRECT_URI from .env, saying what to do; a .env.prod of its own keeps .env out', async () => {
    const local = 'SPOTIFY_REDIRECT_URI=http://127.0.0.1:3000/callback\n';
    const output = await refused(serviceWith({ '.env': local }), ['package', '--stage', 'prod']);
    expect(output).toContain('SPOTIFY_REDIRECT_URI is http://127.0.0.1:3000/callback, a loopback address');
    expect(output).toContain('remove it from .env, or give the deploy its own .env.prod');
    const own = await resolved(serviceWith({ '.env': local, '.env.prod': 'SPOTIFY_REDIRECT_URI=https://music.example/callback\n' }), 'prod');
    expect(own.provider.environment.SPOTIFY_REDIRECT_URI).toBe('https://music.example/callback');
  });

  it('without SPOTIFY_CLIENT_ID, saying where to copy it from', async () => {
    const output = await refused(service, ['package', '--stage', 'prod'], { ...DEPLOY_ENV, SPOTIFY_CLIENT_ID: '' });
    expect(output).toContain('SPOTIFY_CLIENT_ID is not set for the "prod" stage');
    expect(output).toContain('https://developer.spotify.com/dashboard');
  });

  it('the local stage: it is the local stack, and never packaged', async () => {
    expect(await refused(service, ['package', '--stage', 'local'])).toContain('The "local" stage is the local stack (npm start) and is never packaged or deployed.');
  });

  it('but lets the local stack keep its loopback redirect URI and first-account-wins, reading no env file itself (as serverless offline resolves it)', async () => {
    const dir = serviceWith({ '.env': 'OWNER_SPOTIFY_ID=from-env-file\n', '.env.local': 'OWNER_SPOTIFY_ID=from-env-file\n' });
    const config = await resolved(dir, 'local', { SPOTIFY_REDIRECT_URI: 'http://127.0.0.1:3000/callback' });
    expect(config.provider.environment).toMatchObject({ SPOTIFY_REDIRECT_URI: 'http://127.0.0.1:3000/callback', OWNER_SPOTIFY_ID: '', SPOTIFY_CLIENT_ID: '' });
    // Deployed stages do read one (useDotenv), filling what the environment leaves empty.
    expect((await resolved(dir, 'prod', { ...DEPLOY_ENV, OWNER_SPOTIFY_ID: '' })).provider.environment.OWNER_SPOTIFY_ID).toBe('from-env-file');
  });
});
