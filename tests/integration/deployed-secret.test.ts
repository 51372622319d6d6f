/**
 * The SSM path as deployed. `serverless package --stage prod` (in a copy of the service, with an
 * environment of its own, so no .env or exported variable reaches it) builds the bundles; the callback and highlights bundles are unzipped into empty
 * folders and run by a child `node` that, like the nodejs24.x runtime, has only the AWS SDK on
 * NODE_PATH (here @aws-sdk/client-ssm and its dependencies, copied from node_modules), with the
 * environment the template gives each function. They read the client secret through
 * SPOTIFY_CLIENT_SECRET_PARAM from a local stand-in for SSM's JSON API; DynamoDB is the run's
 * dynalite, Spotify the emulator (through the preload, as for every child process).
 */
import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { httpEvent, type EventInput } from '../support/events';
import { copyOfService } from '../support/local-stack';
import { login, useService, type Result } from '../support/service';
import { DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, OWNER_ID } from '../support/spotify-emulator';
import { startSsmStandIn, type SsmStandIn } from '../support/ssm-stand-in';
import { unzip } from '../support/zip';

const run = promisify(execFile);
const root = resolve(import.meta.dirname, '../..');
const preload = resolve(import.meta.dirname, '../support/spotify-emulator/preload.mjs');

const PARAMETER = '/spotify-highlights/prod/client-secret';
/** The API's own domain: without SPOTIFY_REDIRECT_URI, the deployed callback is https://<it>/callback. */
const DOMAIN = 'abc123.execute-api.us-east-1.amazonaws.com';
/** What packaging needs (config/ checks it), and nothing from this machine. */
const PACKAGE_ENV = { SPOTIFY_CLIENT_ID: DEFAULT_CLIENT_ID, OWNER_SPOTIFY_ID: OWNER_ID, ESBUILD_WORK_FOLDER: '.esbuild-deployed-secret' };
/** What Lambda gives a function besides the template's variables; the credentials only sign requests to the stand-in. */
const LAMBDA_ENV = {
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'ASIASTANDIN',
  AWS_SECRET_ACCESS_KEY: 'stand-in-secret-key',
  AWS_SESSION_TOKEN: 'stand-in-session-token',
  AWS_CONFIG_FILE: '/nonexistent',
  AWS_SHARED_CREDENTIALS_FILE: '/nonexistent',
  AWS_EC2_METADATA_DISABLED: 'true',
};

type FunctionName = 'callback' | 'highlights';

/** Loads the bundle as the runtime does, invokes it once, and prints its answer after a marker. */
const RUNNER = `
const [bundle, functionName, event] = process.argv.slice(1);
const started = Date.now();
const context = {
  functionName, functionVersion: '$LATEST', memoryLimitInMB: '256', awsRequestId: require('node:crypto').randomUUID(),
  invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:' + functionName,
  logGroupName: '/aws/lambda/' + functionName, logStreamName: 'deployed-secret', callbackWaitsForEmptyEventLoop: true,
  getRemainingTimeInMillis: () => 10000 - (Date.now() - started),
};
require(bundle).handler(JSON.parse(event), context).then((result) => {
  // Exit as Lambda freezes the container: once the answer (and every log line before it) is out.
  process.stdout.write('\\n@@ANSWER ' + JSON.stringify(result) + '\\n', () => process.exit(0));
});
`;

const service = useService();
let ssm: SsmStandIn;
let work: string;
/** The copy of the service that is packaged: no .env of this machine is in it. */
let copy: string;
let template: { Resources: Record<string, { Properties: { Environment?: { Variables: Record<string, string> } } }> };

/** The package's closure of `name` in node_modules (from package-lock.json), as paths inside it. */
function closureOf(name: string): string[] {
  const { packages } = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, { dependencies?: Record<string, string>; optionalDependencies?: Record<string, string> }>;
  };
  // Node's lookup: the requiring package's own node_modules, then each enclosing one.
  const resolveFrom = (from: string, dependency: string): string | undefined => {
    for (let base = from; ; base = base.slice(0, Math.max(0, base.lastIndexOf('/node_modules/')))) {
      const candidate = `${base ? `${base}/` : ''}node_modules/${dependency}`;
      if (packages[candidate]) return candidate;
      if (!base) return undefined;
    }
  };
  const found = new Set<string>();
  const visit = (path: string) => {
    if (found.has(path)) return;
    found.add(path);
    const { dependencies = {}, optionalDependencies = {} } = packages[path] ?? {};
    for (const dependency of Object.keys({ ...dependencies, ...optionalDependencies })) {
      const resolved = resolveFrom(path, dependency);
      if (resolved) visit(resolved);
    }
  };
  visit(`node_modules/${name}`);
  return [...found];
}

beforeAll(async () => {
  ssm = await startSsmStandIn();
  work = mkdtempSync(join(tmpdir(), 'sh-deployed-secret-'));

  copy = copyOfService();
  const out = join(work, 'package');
  await run(process.execPath, ['node_modules/serverless/bin/serverless.js', 'package', '--stage', 'prod', '--package', out], {
    cwd: copy,
    env: { PATH: process.env.PATH, HOME: work, ...PACKAGE_ENV, AWS_SHARED_CREDENTIALS_FILE: '/nonexistent', AWS_CONFIG_FILE: '/nonexistent' },
    timeout: 150_000,
  });
  template = JSON.parse(readFileSync(join(out, 'cloudformation-template-update-stack.json'), 'utf8'));

  for (const name of ['callback', 'highlights'] satisfies FunctionName[]) {
    for (const [path, content] of await unzip(join(out, `${name}.zip`))) {
      mkdirSync(dirname(join(work, name, path)), { recursive: true });
      writeFileSync(join(work, name, path), content);
    }
  }
  // What the runtime provides: the SDK, and nothing of this project's other packages.
  for (const path of closureOf('@aws-sdk/client-ssm')) cpSync(join(root, path), join(work, 'runtime', path), { recursive: true, dereference: true });
}, 240_000);

afterAll(async () => {
  await ssm?.close();
  for (const dir of [work, copy]) if (dir) rmSync(dir, { recursive: true, force: true });
});

/** One Lambda log line, as Powertools writes it (JSON). */
type LogLine = { level?: string; message?: string; code?: string; detail?: string } & Record<string, unknown>;

/** Invokes the unzipped `name` bundle once in a fresh `node`; its answer and its log. */
async function invokeBundle(name: FunctionName, input: EventInput = {}): Promise<{ response: Result; log: LogLine[] }> {
  const variables = template.Resources[`${name[0]!.toUpperCase()}${name.slice(1)}LambdaFunction`]!.Properties.Environment!.Variables;
  const folder = join(work, name);
  const { stdout, stderr } = await run(process.execPath, ['-e', RUNNER, join(folder, `handlers/http/${name}.cjs`), name, JSON.stringify(httpEvent(`/${name}`, input))], {
    cwd: folder,
    env: {
      PATH: process.env.PATH,
      // No home folder with a node_modules of its own, either.
      HOME: folder,
      ...variables,
      ...LAMBDA_ENV,
      // The test's table in the run's dynalite, instead of the stage's table in DynamoDB.
      TABLE_NAME: process.env.TABLE_NAME,
      DYNAMODB_ENDPOINT: inject('dynamoEndpoint'),
      AWS_ENDPOINT_URL_SSM: ssm.url,
      NODE_PATH: join(work, 'runtime/node_modules'),
      NODE_OPTIONS: `--import ${preload}`,
      SPOTIFY_EMULATOR_URL: service.emulator.url,
    },
    timeout: 30_000,
  });
  const [logText = '', answer = ''] = stdout.split('\n@@ANSWER ');
  // Lambda sends both streams to the log; Powertools writes warnings and errors to stderr.
  const log = `${logText}\n${stderr}`
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as LogLine);
  return { response: JSON.parse(answer) as Result, log };
}

/** The "Request refused" line of a log. */
const refusal = (log: LogLine[]) => log.find((line) => line.message === 'Request refused');

/** An owner whose access token has expired, so /highlights must refresh it (and needs the secret). */
async function ownerDueForRefresh() {
  await service.connect();
  await service.updateOwner({ accessTokenExpiresAt: Date.now() - 1000 });
  return service.owner();
}

/** A code and state from Spotify for the owner, and the browser's state cookie, for /callback on the API's own domain. */
async function signedInOwner(): Promise<EventInput> {
  process.env.SPOTIFY_REDIRECT_URI = '';
  service.model.registerRedirectUri(`https://${DOMAIN}/callback`);
  const started = await login({ domainName: DOMAIN });
  const params = new URL(started.headers.Location ?? '').searchParams;
  service.model.signIn(OWNER_ID);
  const code = service.model.approve(service.model.authorize(params), OWNER_ID);
  return { query: { code, state: params.get('state') ?? '' }, cookies: [(started.cookies?.[0] ?? '').split(';')[0]!], domainName: DOMAIN };
}

beforeEach(() => {
  ssm.parameters.clear();
  ssm.denied.clear();
  ssm.requests.length = 0;
});

describe('the deployed functions read the client secret from SSM', () => {
  it('each function is given the stage\'s parameter, and no secret', () => {
    for (const name of ['Callback', 'Highlights']) {
      const variables = template.Resources[`${name}LambdaFunction`]!.Properties.Environment!.Variables;
      expect(variables.SPOTIFY_CLIENT_SECRET_PARAM).toBe(PARAMETER);
      expect(variables).not.toHaveProperty('SPOTIFY_CLIENT_SECRET');
    }
  });

  it('highlights: refreshes the owner\'s token with the secret from SSM, decrypted, and answers 200', async () => {
    ssm.parameters.set(PARAMETER, DEFAULT_CLIENT_SECRET);
    await ownerDueForRefresh();
    const { response } = await invokeBundle('highlights');
    expect(response.statusCode).toBe(200);
    expect(JSON.parse(response.body).artists).toHaveLength(5);
    expect(ssm.requests).toEqual([{ name: PARAMETER, withDecryption: true, region: 'us-east-1' }]);
    expect(service.model.calls.token.refresh_token).toBe(1);
  });

  it('callback: exchanges the code with the secret from SSM and connects the owner', async () => {
    ssm.parameters.set(PARAMETER, DEFAULT_CLIENT_SECRET);
    const { response } = await invokeBundle('callback', await signedInOwner());
    expect(response.statusCode).toBe(200);
    expect(response.body).toContain('Spotify is connected');
    expect(ssm.requests).toEqual([{ name: PARAMETER, withDecryption: true, region: 'us-east-1' }]);
    expect((await service.owner())?.spotifyUserId).toBe(OWNER_ID);
  });
});

describe('when SSM does not give the secret', () => {
  it('highlights, parameter missing: 500 configuration_error without the path; the log says to create it; the tokens stay', async () => {
    const before = await ownerDueForRefresh();
    const { response, log } = await invokeBundle('highlights');
    expect(response.statusCode).toBe(500);
    const body = JSON.parse(response.body);
    expect(body).toEqual({ error: 'configuration_error', message: expect.stringContaining('SPOTIFY_CLIENT_SECRET_PARAM') });
    expect(response.body).not.toContain(PARAMETER);
    expect(refusal(log)).toMatchObject({ level: 'WARN', code: 'configuration_error', detail: expect.stringContaining(`${PARAMETER} (SPOTIFY_CLIENT_SECRET_PARAM) does not exist in us-east-1`) });
    expect(refusal(log)?.detail).toContain(`aws ssm put-parameter --region us-east-1 --type SecureString --name ${PARAMETER}`);
    expect(service.model.calls.token.refresh_token).toBe(0);
    expect(await service.owner()).toEqual(before);
  });

  it('highlights, access denied: the same public answer; the log names the permission the role lacks and what SSM said', async () => {
    ssm.parameters.set(PARAMETER, DEFAULT_CLIENT_SECRET);
    ssm.denied.add(PARAMETER);
    await ownerDueForRefresh();
    const { response, log } = await invokeBundle('highlights');
    expect(response.statusCode).toBe(500);
    expect(JSON.parse(response.body).error).toBe('configuration_error');
    expect(response.body).not.toContain(PARAMETER);
    const detail = refusal(log)?.detail;
    expect(detail).toContain('needs ssm:GetParameter on that parameter');
    expect(detail).toContain(`is not authorized to perform: ssm:GetParameter on resource: arn:aws:ssm:us-east-1:123456789012:parameter${PARAMETER}`);
    expect(detail).not.toContain('does not exist');
  });

  it('callback, parameter missing: the "not set up yet" page without the path, nothing exchanged or stored', async () => {
    const { response, log } = await invokeBundle('callback', await signedInOwner());
    expect(response.statusCode).toBe(500);
    expect(response.body).toContain('The service is not set up yet');
    expect(response.body).toContain('SPOTIFY_CLIENT_SECRET_PARAM');
    expect(response.body).not.toContain(PARAMETER);
    expect(refusal(log)?.detail).toContain('does not exist');
    expect(service.model.calls.token.authorization_code).toBe(0);
    expect(await service.owner()).toBeUndefined();
  });

  it('callback, access denied: the same page, and the access-denied detail in the log', async () => {
    ssm.parameters.set(PARAMETER, DEFAULT_CLIENT_SECRET);
    ssm.denied.add(PARAMETER);
    const { response, log } = await invokeBundle('callback', await signedInOwner());
    expect(response.statusCode).toBe(500);
    expect(response.body).toContain('The service is not set up yet');
    expect(response.body).not.toContain(PARAMETER);
    expect(refusal(log)?.detail).toContain('needs ssm:GetParameter');
    expect(await service.owner()).toBeUndefined();
  });
});
