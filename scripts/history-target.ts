/**
 * Where `npm run import` and `npm run export` read and write the owner's history, and whose it is.
 *
 * By default, the local stack behind `npm start`: its dynalite keeps a lock on .dynamodb/, so a
 * second process cannot open that folder, and the scripts go through the running stack's endpoint
 * instead (http://127.0.0.1:DYNAMODB_PORT, 8000 unless set, as scripts/start.ts makes it). With
 * `--stage <name>`, a deployed stage on AWS, reached with the owner's own credentials (the AWS
 * SDK's default chain) in AWS_REGION or `--region`. The tables are named as serverless.yml names
 * them for the stage (custom.tableName, custom.historyTableName).
 *
 * HIGHLIGHTS_DYNAMODB_ENDPOINT, when set, is the DynamoDB endpoint whatever the stage (with fake
 * credentials): the tests point the scripts at a dynalite of their own with it.
 *
 * The service's modules read their tables and endpoint from the environment once, when first
 * used: `openHistoryTarget` sets it, so import them (dynamically) only after it has answered.
 */
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
// The SDK's notice that its releases from 2027 need Node 22 says nothing about this run (package.json's
// engines still take Node 20), and its lines would bury a one-line error on standard error.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

/** serverless.yml's `service:` and config/stages.cjs's local stage. */
const SERVICE = 'spotify-highlights';
export const LOCAL_STAGE = 'local';

export const NOT_RUNNING =
  'The local stack is not running: start it with `npm start` in another terminal (dynalite holds a lock on .dynamodb/, so the import writes through it).';
export const NO_OWNER = 'Nobody is connected yet: open /login first, or set OWNER_SPOTIFY_ID';

/** A reason the scripts cannot start, said in one line (no stack trace: nothing is wrong with the code). */
export class TargetError extends Error {
  override readonly name = 'TargetError';
}

export interface TargetOptions {
  stage?: string | undefined;
  region?: string | undefined;
}

export interface HistoryTarget {
  stage: string;
  /** The DynamoDB endpoint; undefined for AWS itself. */
  endpoint: string | undefined;
  tableName: string;
  historyTableName: string;
  /** The owner's Spotify user id: the history's partition is `play#<user>`. */
  user: string;
  /** Where, for a person: "the local stack" or "stage prod (eu-west-1)". */
  where: string;
}

/** The table names serverless.yml gives `stage`. */
export function tableNames(stage: string): { tableName: string; historyTableName: string } {
  return { tableName: `${SERVICE}-${stage}`, historyTableName: `${SERVICE}-${stage}-history` };
}

/** The endpoint the scripts use for `stage`: the override, else the local stack's dynalite (local only), else none. */
export function endpointFor(stage: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const override = env.HIGHLIGHTS_DYNAMODB_ENDPOINT?.trim();
  if (override) return override;
  // `||`, as scripts/start.ts reads it: an empty DYNAMODB_PORT= in .env means the default.
  return stage === LOCAL_STAGE ? `http://127.0.0.1:${Number(env.DYNAMODB_PORT || 8000)}` : undefined;
}

/**
 * Finds the tables of `stage`, checks they answer, points the service's modules at them (the
 * environment) and answers whose history it is. Throws TargetError with one line otherwise.
 */
export async function openHistoryTarget(options: TargetOptions = {}): Promise<HistoryTarget> {
  const stage = options.stage ?? LOCAL_STAGE;
  if (!/^[A-Za-z0-9-]+$/.test(stage)) throw new TargetError(`--stage must be a stage name (letters, digits, dashes), not "${stage}"`);
  // The settings a stage's functions get come from the same file (HISTORY_TIME_ZONE decides the days an import touches).
  const envFile = [`.env.${stage}`, '.env'].map((name) => resolve(root, name)).find((path) => existsSync(path));
  if (envFile) process.loadEnvFile(envFile);

  const endpoint = endpointFor(stage);
  const names = tableNames(stage);
  process.env.TABLE_NAME = names.tableName;
  process.env.HISTORY_TABLE_NAME = names.historyTableName;
  if (options.region) process.env.AWS_REGION = options.region;
  if (endpoint) {
    process.env.DYNAMODB_ENDPOINT = endpoint;
    process.env.AWS_REGION ??= 'us-east-1';
    // dynalite takes any credentials; the owner's real ones have no business with it.
    process.env.AWS_ACCESS_KEY_ID = 'local';
    process.env.AWS_SECRET_ACCESS_KEY = 'local';
    delete process.env.AWS_SESSION_TOKEN;
  } else {
    // lib/platform/dynamo.ts would send a deployed stage's writes to a local endpoint otherwise.
    delete process.env.DYNAMODB_ENDPOINT;
  }
  const where = stage === LOCAL_STAGE && !process.env.HIGHLIGHTS_DYNAMODB_ENDPOINT?.trim() ? 'the local stack' : `stage ${stage}${process.env.AWS_REGION ? ` (${process.env.AWS_REGION})` : ''}`;

  await checkTables(stage, endpoint, [names.tableName, names.historyTableName]);
  const user = await ownerId();
  return { stage, endpoint, ...names, user, where };
}

async function checkTables(stage: string, endpoint: string | undefined, tables: string[]): Promise<void> {
  const local = endpoint !== undefined;
  const client = new DynamoDBClient({
    // A stack that runs answers in milliseconds; one that does not must not keep the person waiting.
    requestHandler: local ? { connectionTimeout: 1_000, requestTimeout: 3_000 } : { connectionTimeout: 3_000, requestTimeout: 10_000 },
    maxAttempts: local ? 1 : 2,
    ...(local ? { endpoint, region: process.env.AWS_REGION, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } } : {}),
  });
  try {
    for (const TableName of tables) {
      try {
        await client.send(new DescribeTableCommand({ TableName }));
      } catch (error) {
        throw new TargetError(tableProblem(error, stage, endpoint, TableName));
      }
    }
  } finally {
    client.destroy();
  }
}

function tableProblem(error: unknown, stage: string, endpoint: string | undefined, table: string): string {
  const name = (error as Error)?.name ?? 'Error';
  const missing = name === 'ResourceNotFoundException';
  if (stage === LOCAL_STAGE && !process.env.HIGHLIGHTS_DYNAMODB_ENDPOINT?.trim()) {
    return missing ? `The local stack has no table ${table} yet: wait until \`npm start\` says it is running, then run this again.` : NOT_RUNNING;
  }
  if (endpoint) return missing ? `No table ${table} at ${endpoint}.` : `DynamoDB at ${endpoint} does not answer (${name}).`;
  const region = process.env.AWS_REGION ?? 'the default region';
  if (missing) return `No table ${table} in ${region}: is stage ${stage} deployed there? (--region names another)`;
  const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
  return `Cannot read stage ${stage}'s table ${table} in ${region}: ${name}: ${message}`;
}

/** The owner's Spotify user id: the bound owner's, else OWNER_SPOTIFY_ID (the site's configured owner, e.g. after a disconnect). */
async function ownerId(): Promise<string> {
  // Imported only now: its config reads TABLE_NAME once, when first asked.
  const { getOwner } = await import('../lib/owner/owner-store');
  const owner = await getOwner();
  const user = owner?.spotifyUserId || process.env.OWNER_SPOTIFY_ID?.trim();
  if (!user) throw new TargetError(NO_OWNER);
  return user;
}
