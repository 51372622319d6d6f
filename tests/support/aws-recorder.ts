/**
 * Records every AWS command the service's functions send while the tests run: which function
 * (serverless.yml's name), which IAM action, on which of the template's resources, and with which
 * partition key. tests/integration/iam.test.ts holds the records against each function's role.
 *
 * - Which function: each handler module serverless.yml names is loaded with its handler wrapped
 *   (attribute-handlers.ts, a transform of vitest.config.ts) so that an invocation runs inside an
 *   AsyncLocalStorage holding the function's name. Every continuation of that invocation, down to
 *   the SDK's middleware, sees it; a command sent outside any invocation (a test preparing the
 *   table) belongs to no function and is not recorded. The Lambda context's functionName cannot
 *   say it: each test names its context as it likes.
 * - Which command: lib/platform/dynamo.ts shows every client it, ssm.ts and sns.ts create to
 *   `listen()`'s hook, which adds a middleware to that client.
 * - Which resource: the table, parameter or topic a command names, by the environment variable the
 *   template fills from that resource (TABLE_NAME is HighlightsTable's name, and so on).
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ATTRIBUTE } from './attribute-handlers';

export interface AwsCall {
  /** The function's name in serverless.yml. */
  function: string;
  /** The IAM service prefix: dynamodb, ssm, sns. */
  service: string;
  /** The IAM action, e.g. GetItem. */
  action: string;
  /** The template's logical id of what the command names (HighlightsTable…), or `unknown:<name>`. */
  resource: string;
  /** One partition key value the command used with this prefix (DynamoDB's item commands and Query); none for a Scan. */
  key?: string;
  /** The key up to and including its first '#', or the whole key when it has none (owner, budget). */
  keyPrefix?: string;
}

/** How the recordings' files end, in the run's folder. */
export const RECORDING = '.calls.json';

/** What one test file's worker recorded. */
export interface Recording {
  testFile: string;
  calls: AwsCall[];
}

const invocation = new AsyncLocalStorage<string>();
const calls = new Map<string, AwsCall>();

type Input = Record<string, unknown>;

/** A DynamoDB attribute's string, whether the document client has marshalled it yet or not. */
function plain(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object' && typeof (value as { S?: unknown }).S === 'string') return (value as { S: string }).S;
  return undefined;
}

function prefixOf(key: string): string {
  const hash = key.indexOf('#');
  return hash < 0 ? key : key.slice(0, hash + 1);
}

/** The template resource an environment variable names, when `name` is its value. */
function resourceNamed(name: unknown, byVariable: Record<string, string>): string {
  for (const [variable, resource] of Object.entries(byVariable)) if (process.env[variable] && process.env[variable] === name) return resource;
  return `unknown:${String(name)}`;
}

const TABLES = { TABLE_NAME: 'HighlightsTable', HISTORY_TABLE_NAME: 'HistoryTable' };

/** The partition key value of a Query's key condition (`pk = :pk`, or a name standing for pk). */
function queriedKey(input: Input): string | undefined {
  const names = (input.ExpressionAttributeNames ?? {}) as Record<string, string>;
  const values = (input.ExpressionAttributeValues ?? {}) as Record<string, unknown>;
  for (const [, name, value] of String(input.KeyConditionExpression ?? '').matchAll(/([#\w]+)\s*=\s*(:\w+)/g)) {
    if ((names[name as string] ?? name) === 'pk') return plain(values[value as string]);
  }
  return undefined;
}

/** The (table, key) pairs a DynamoDB command works on: one per key of a batch, none of a Scan. */
function dynamoTargets(action: string, input: Input): { table: unknown; key?: string }[] {
  if (action === 'BatchGetItem' || action === 'BatchWriteItem') {
    return Object.entries(input.RequestItems as Record<string, unknown>).flatMap(([table, request]) => {
      const keys = Array.isArray(request)
        ? request.map((write: { PutRequest?: { Item: Input }; DeleteRequest?: { Key: Input } }) => write.PutRequest?.Item ?? write.DeleteRequest?.Key)
        : ((request as { Keys: Input[] }).Keys ?? []);
      return keys.map((key) => ({ table, key: plain(key?.pk) }));
    });
  }
  if (action === 'Query') return [{ table: input.TableName, key: queriedKey(input) }];
  const item = (input.Key ?? input.Item) as Input | undefined;
  return [{ table: input.TableName, ...(item ? { key: plain(item.pk) } : {}) }];
}

/** What one command, sent by `fn`, does to which resources. */
function callsOf(fn: string, clientName: string, commandName: string, input: Input): AwsCall[] {
  const action = commandName.replace(/Command$/, '');
  if (clientName === 'DynamoDBClient') {
    return dynamoTargets(action, input).map(({ table, key }) => ({
      function: fn,
      service: 'dynamodb',
      action,
      resource: resourceNamed(table, TABLES),
      ...(key === undefined ? {} : { key, keyPrefix: prefixOf(key) }),
    }));
  }
  if (clientName === 'SSMClient') return [{ function: fn, service: 'ssm', action, resource: resourceNamed(input.Name, { SPOTIFY_CLIENT_SECRET_PARAM: 'ClientSecretParameter', NOTIFY_WEBHOOK_URL_PARAM: 'WebhookParameter' }) }];
  if (clientName === 'SNSClient') return [{ function: fn, service: 'sns', action, resource: resourceNamed(input.TopicArn, { NOTIFY_TOPIC_ARN: 'NoticesTopic' }) }];
  return [{ function: fn, service: `unknown:${clientName}`, action, resource: 'unknown:' }];
}

interface Client {
  middlewareStack: { add(middleware: unknown, options: { step: string; name: string }): void };
}

/**
 * Runs each handler's invocations as its function, and listens for the clients lib/platform
 * creates (dynamo.ts's `shownToTests`) to record what each sends for a function. Globals: a
 * module loaded again (vi.resetModules) finds the same recorder.
 */
export function listen(): void {
  const globals = globalThis as Record<symbol, unknown>;
  globals[Symbol.for(ATTRIBUTE)] = (name: string, handler: (...args: unknown[]) => unknown) => (...args: unknown[]) => invocation.run(name, () => handler(...args));
  globals[Symbol.for('spotify-highlights.aws-client-recorder')] = (client: Client) => {
    client.middlewareStack.add(
      (next: (args: unknown) => Promise<unknown>, context: { clientName?: string; commandName?: string }) => (args: { input: Input }) => {
        const fn = invocation.getStore();
        if (fn) {
          for (const call of callsOf(fn, context.clientName ?? '', context.commandName ?? '', args.input)) {
            const id = JSON.stringify([call.function, call.service, call.action, call.resource, call.keyPrefix]);
            if (!calls.has(id)) calls.set(id, call);
          }
        }
        return next(args);
      },
      { step: 'initialize', name: 'recordForIamTest' },
    );
  };
}

/** Writes what this worker recorded for `testFile` into `dir`, one file per test file. */
export function writeRecording(dir: string, testFile: string): void {
  mkdirSync(dir, { recursive: true });
  const recording: Recording = { testFile, calls: [...calls.values()] };
  writeFileSync(join(dir, `${randomUUID()}${RECORDING}`), JSON.stringify(recording));
}
