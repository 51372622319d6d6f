/**
 * `serverless package --stage prod` must work without AWS credentials, and the template it
 * writes is what gets deployed: check the functions, the table and the IAM policy in it.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unzip } from '../support/zip';

const run = promisify(execFile);

interface Resource {
  Type: string;
  DeletionPolicy?: string;
  Properties: Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
}

let outDir: string;
let resources: Record<string, Resource>;

function ofType(type: string): [string, Resource][] {
  return Object.entries(resources).filter(([, resource]) => resource.Type === type);
}

beforeAll(async () => {
  outDir = mkdtempSync(join(tmpdir(), 'sh-package-'));
  const env: Record<string, string | undefined> = { ...process.env, ESBUILD_WORK_FOLDER: `.esbuild-package-${process.pid}` };
  for (const name of Object.keys(env)) if (name.startsWith('AWS_')) delete env[name];
  await run(process.execPath, ['node_modules/serverless/bin/serverless.js', 'package', '--stage', 'prod', '--package', outDir], {
    env: { ...env, AWS_SHARED_CREDENTIALS_FILE: '/nonexistent', AWS_CONFIG_FILE: '/nonexistent', SPOTIFY_CLIENT_SECRET: 'must-not-leak', CORS_ALLOWED_ORIGINS: 'https://owner.example, http://127.0.0.1:8080' },
    timeout: 120_000,
  });
  resources = JSON.parse(readFileSync(join(outDir, 'cloudformation-template-update-stack.json'), 'utf8')).Resources;
}, 180_000);

afterAll(() => rmSync(outDir, { recursive: true, force: true }));

describe('the packaged prod stack', () => {
  it('has the five functions on nodejs22.x, each with a timeout, memory size and its own small bundle', () => {
    const functions = ofType('AWS::Lambda::Function');
    expect(functions.map(([name]) => name).sort()).toEqual(['CallbackLambdaFunction', 'CardLambdaFunction', 'HighlightsLambdaFunction', 'LoginLambdaFunction', 'StatusLambdaFunction']);
    for (const [, fn] of functions) {
      expect(fn.Properties.Runtime).toBe('nodejs22.x');
      expect(fn.Properties.Timeout).toBeGreaterThan(0);
      expect(fn.Properties.MemorySize).toBeGreaterThan(0);
    }
    // Measured after lib/ was layered (docs/architecture.md): login 202 kB, status 199 kB,
    // callback 309 kB, highlights 315 kB, card 318 kB. Most of each is the DynamoDB client.
    const budgets = { login: 210_000, status: 210_000, callback: 320_000, highlights: 325_000, card: 330_000 };
    for (const [name, budget] of Object.entries(budgets)) {
      expect(statSync(join(outDir, `${name}.zip`)).size).toBeLessThan(budget);
    }
  });

  it('bundles into each function only what it uses: login and status carry no Spotify library, card renderer or SSM client', async () => {
    const bundle = async (name: string) => {
      const files = await unzip(join(outDir, `${name}.zip`));
      expect([...files.keys()]).toEqual([`handlers/http/${name}.cjs`]);
      return files.get(`handlers/http/${name}.cjs`)!.toString('utf8');
    };
    const markers = {
      spotifyLibrary: 'api.spotify.com',
      cardRenderer: 'Data from Spotify',
      errorCard: 'Reconnect Spotify',
      ssmClient: '@aws-sdk/client-ssm',
      zod: '$ZodType',
    };
    for (const name of ['login', 'status']) {
      const code = await bundle(name);
      for (const marker of Object.values(markers)) expect(code, `${name} carries ${marker}`).not.toContain(marker);
    }
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
    expect(callback).not.toContain(markers.zod);
  });

  it('routes GET /login, /callback, /highlights, /card.svg and /status through the HTTP API', () => {
    const routes = ofType('AWS::ApiGatewayV2::Route').map(([, route]) => route.Properties.RouteKey);
    expect(routes.sort()).toEqual(['GET /callback', 'GET /card.svg', 'GET /highlights', 'GET /login', 'GET /status']);
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

  it('has one table: on-demand, point-in-time recovery, retained, with a TTL attribute', () => {
    const tables = ofType('AWS::DynamoDB::Table');
    expect(tables).toHaveLength(1);
    const [[, table]] = tables as [[string, Resource]];
    expect(table.DeletionPolicy).toBe('Retain');
    expect(table.Properties.BillingMode).toBe('PAY_PER_REQUEST');
    expect(table.Properties.PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: true });
    expect(table.Properties.TimeToLiveSpecification).toEqual({ AttributeName: 'ttl', Enabled: true });
    expect(table.Properties.TableName).toBe('spotify-highlights-prod');
  });

  it('allows only the item actions the code uses, on that table, and reading the one secret parameter', () => {
    const [[, role]] = ofType('AWS::IAM::Role') as [[string, Resource]];
    const statements = role.Properties.Policies.flatMap((policy: { PolicyDocument: { Statement: unknown[] } }) => policy.PolicyDocument.Statement) as {
      Action: string[];
      Resource: unknown;
    }[];
    const dynamo = statements.filter((statement) => statement.Action.some((action) => action.startsWith('dynamodb:')));
    expect(dynamo).toEqual([
      {
        Effect: 'Allow',
        Action: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'],
        Resource: { 'Fn::GetAtt': ['HighlightsTable', 'Arn'] },
      },
    ]);
    const ssm = statements.filter((statement) => statement.Action.some((action) => action.startsWith('ssm:')));
    expect(ssm).toHaveLength(1);
    expect(ssm[0]?.Action).toEqual(['ssm:GetParameter']);
    const arnParts = (ssm[0]?.Resource as { 'Fn::Join': [string, (string | { Ref: string })[]] })['Fn::Join'][1];
    const arn = arnParts.map((part) => (typeof part === 'string' ? part : `{${part.Ref}}`)).join('');
    expect(arn).toBe('arn:{AWS::Partition}:ssm:{AWS::Region}:{AWS::AccountId}:parameter/spotify-highlights/prod/client-secret');
    const wildcard = statements.filter((statement) => JSON.stringify(statement.Resource).includes('"*"'));
    expect(wildcard.flatMap((statement) => statement.Action).every((action) => action.startsWith('logs:'))).toBe(true);
  });

  it('keeps logs for a bounded time', () => {
    for (const [, group] of ofType('AWS::Logs::LogGroup')) expect(group.Properties.RetentionInDays).toBe(30);
  });
});
