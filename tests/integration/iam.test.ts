/**
 * Least privilege, per function, proven against the packaged prod template (config/iam.cjs writes
 * the roles). dynalite has no IAM, so nothing else local would see a command a role does not allow
 * (as /history's BatchGetItem once was). Two sources say what a function does to AWS:
 * - what it sent while this run's other test files ran (tests/support/aws-recorder.ts): every
 *   command, its table, parameter or topic, and its partition key;
 * - what its bundled code can construct (tests/support/sdk-commands.ts), which covers the code the
 *   tests never reach, with its key where the code says it plainly.
 * Every one of those must be allowed by the function's role, and every grant of the role (each
 * action, each resource and each key pattern of each statement) must be needed: taken away, some
 * recorded or constructed command is refused. vitest.config.ts runs this file after all the others.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { RECORDING, type AwsCall, type Recording } from '../support/aws-recorder';
import { allows, functionRoles, grantsOf, removals, type Command, type FunctionRole, type Grant } from '../support/iam-roles';
import { packagedTemplate } from '../support/packaged-template';
import { constructedCommands, type ConstructedCommand } from '../support/sdk-commands';

const root = resolve(import.meta.dirname, '../..');
const dir = inject('awsCallsDir');

/** The functions anyone may call, and the functions' own ways in (the owner's login, console and schedules). */
const PUBLIC = ['home', 'highlights', 'card', 'nowPlaying', 'nowPlayingOpen', 'nowPlayingCard', 'recentlyPlayed', 'status', 'history', 'historyCard'];
const NOT_PUBLIC = ['login', 'callback', 'owner', 'ownerSettings', 'ownerDisconnect', 'watch', 'collect'];
/** Keys of the owner's login and sessions (and the login states of before), which no public function may touch. */
const LOGIN_AND_SESSION_KEYS = ['login-key', 'used-state#x', 'login-state#x', 'session-key'];
const ITEM_ACTIONS = ['GetItem', 'PutItem', 'UpdateItem', 'DeleteItem', 'Query', 'BatchGetItem', 'BatchWriteItem'];

// eslint-disable-next-line @typescript-eslint/no-explicit-any
let resources: Record<string, any>;
let roles: Map<string, FunctionRole>;
const grants = new Map<string, Grant[]>();
const constructed = new Map<string, ConstructedCommand[]>();
let recordings: Recording[];

/** A constructed DynamoDB command whose key the code does not say is held "for some key", except a Scan, which names none. */
const keyUnknown = (command: { service: string; action: string; key?: string }) => command.service === 'dynamodb' && command.action !== 'Scan' && command.key === undefined;

/** What a function must be allowed: its recorded commands, its constructed ones, and writing its own log group. */
function needs(fn: string): { command: Command; anyKey: boolean }[] {
  const role = roles.get(fn) as FunctionRole;
  return [
    ...recordings.flatMap(({ calls }) => calls.filter((call) => call.function === fn).map((call) => ({ command: call, anyKey: false }))),
    ...(constructed.get(fn) ?? []).map((command) => ({ command, anyKey: keyUnknown(command) })),
    ...['CreateLogStream', 'PutLogEvents'].map((action) => ({ command: { service: 'logs', action, resource: role.logGroup }, anyKey: false })),
  ];
}

const describeCommand = ({ service, action, resource, key }: Command) => `${service}:${action} on ${resource}${key === undefined ? '' : ` key ${key}`}`;

beforeAll(async () => {
  const template = await packagedTemplate(dir);
  resources = template.Resources;
  roles = functionRoles(template, 'spotify-highlights-prod-');
  for (const [name, role] of roles) grants.set(name, grantsOf(role, resources));
  await Promise.all([...roles.values()].map(async (role) => constructed.set(role.function, await constructedCommands(role.handler))));
  recordings = readdirSync(dir)
    .filter((file) => file.endsWith(RECORDING))
    .map((file) => JSON.parse(readFileSync(join(dir, file), 'utf8')) as Recording);
}, 180_000);

/** The integration suites this run's recordings do not cover (every one but this file and the packaging's must have run). */
function suitesNotRecorded(): string[] {
  const recorded = new Set(recordings.map(({ testFile }) => testFile));
  return readdirSync(join(root, 'tests/integration'))
    .filter((file) => file.endsWith('.test.ts') && !['iam.test.ts', 'package.test.ts'].includes(file))
    .map((file) => join(root, 'tests/integration', file))
    .filter((file) => !recorded.has(file));
}

describe('each function\'s role', () => {
  it('is its own, Lambda alone may assume it, and it writes only the function\'s own log group', () => {
    expect([...roles.keys()].sort()).toEqual([...PUBLIC, ...NOT_PUBLIC].sort());
    const used = [...roles.values()].map(({ role }) => role);
    expect(new Set(used).size, 'a role shared by two functions').toBe(used.length);
    for (const role of roles.values()) {
      expect(resources[role.role].Properties.AssumeRolePolicyDocument.Statement, role.role).toEqual([
        { Effect: 'Allow', Principal: { Service: ['lambda.amazonaws.com'] }, Action: ['sts:AssumeRole'] },
      ]);
      expect(resources[role.role].Properties.ManagedPolicyArns, role.role).toBeUndefined();
      const logs = (grants.get(role.function) ?? []).filter((grant) => grant.action.startsWith('logs:'));
      expect(logs.map(({ action, resource }) => `${action} ${resource}`).sort(), role.role).toEqual([`logs:CreateLogStream ${role.logGroup}`, `logs:PutLogEvents ${role.logGroup}`]);
    }
    expect(Object.values(resources).filter((resource) => resource.Type === 'AWS::IAM::Role')).toHaveLength(roles.size);
  });

  it('allows every command the function sent during this run\'s tests, on its table, parameter or topic and its key', () => {
    const refused = recordings.flatMap(({ testFile, calls }) =>
      calls.filter((call: AwsCall) => !roles.has(call.function) || !allows(grants.get(call.function) ?? [], call)).map((call) => `${call.function}: ${describeCommand(call)} (sent during ${testFile.slice(root.length + 1)})`),
    );
    expect([...new Set(refused)]).toEqual([]);
  });

  it('allows every command its bundled code can construct, for the key the code names (or some key, when it does not)', () => {
    const refused = [...constructed].flatMap(([fn, commands]) =>
      commands.filter((command) => !allows(grants.get(fn) ?? [], command, { anyKey: keyUnknown(command) })).map((command) => `${fn}: ${describeCommand(command)} (constructed in ${command.module})`),
    );
    expect([...new Set(refused)]).toEqual([]);
  });

  it('needs every grant: without any one action, resource or key pattern of it, a command the function sends or can construct is refused', (context) => {
    const missing = suitesNotRecorded();
    if (missing.length) context.skip(`needs the records of every integration suite (npm test); not run: ${missing.map((file) => file.slice(root.length + 1)).join(', ')}`);
    const unneeded: string[] = [];
    for (const [fn, role] of roles) {
      const granted = grants.get(fn) ?? [];
      const commands = needs(fn).filter(({ command, anyKey }) => allows(granted, command, { anyKey }));
      for (const removal of removals(role, granted)) {
        if (!commands.some(({ command, anyKey }) => !allows(removal.grants, command, { anyKey }))) unneeded.push(removal.what);
      }
    }
    expect(unneeded).toEqual([]);
  });

  it('keeps the rules: no public function may Scan or touch a login or session item; only the disconnect may Scan, without a key condition; every other DynamoDB grant names its keys but the disconnect\'s emptying of the history; only the watch publishes', () => {
    for (const fn of PUBLIC) {
      const granted = grants.get(fn) ?? [];
      expect(granted.filter((grant) => grant.action === 'dynamodb:Scan'), fn).toEqual([]);
      for (const key of LOGIN_AND_SESSION_KEYS) {
        for (const action of ITEM_ACTIONS) expect(allows(granted, { service: 'dynamodb', action, resource: 'HighlightsTable', key }), `${fn} ${action} ${key}`).toBe(false);
      }
    }
    for (const [fn, granted] of grants) {
      const dynamo = granted.filter((grant) => grant.action.startsWith('dynamodb:'));
      // A Scan names no key: a LeadingKeys condition holds for it, so it must not hide in a statement that has one.
      expect(dynamo.filter((grant) => grant.action === 'dynamodb:Scan' && grant.keys), fn).toEqual([]);
      // Besides the Scans, only the disconnect's emptying of the history's table goes without keys.
      const keyless = dynamo.filter((grant) => grant.action !== 'dynamodb:Scan' && !grant.keys).map(({ action, resource }) => `${action} ${resource}`);
      expect(keyless, fn).toEqual(fn === 'ownerDisconnect' ? ['dynamodb:BatchWriteItem HistoryTable'] : []);
      expect(dynamo.filter((grant) => grant.action === 'dynamodb:Scan').length > 0, `${fn} may Scan`).toBe(fn === 'ownerDisconnect');
      expect(granted.filter((grant) => grant.action.startsWith('sns:')).map(({ action, resource }) => `${action} ${resource}`), fn).toEqual(fn === 'watch' ? ['sns:Publish NoticesTopic'] : []);
      expect(granted.every((grant) => !grant.action.includes('*')), `${fn} has a wildcard action`).toBe(true);
    }
  });

  it('lists the commands found only in the code, never sent during this run\'s tests', () => {
    const prefix = (key: string | undefined) => (key === undefined ? '' : key.replace(/…$/, '').replace(/#.*$/, '#'));
    const only = [...constructed].flatMap(([fn, commands]) =>
      commands
        .filter((command) => !recordings.some(({ calls }) => calls.some((call) => call.function === fn && call.service === command.service && call.action === command.action && call.resource === command.resource && (command.key === undefined || call.keyPrefix === prefix(command.key)))))
        .map((command) => `${fn}: ${describeCommand(command)} (${command.module})`),
    );
    console.log(`Commands found only in the code (${suitesNotRecorded().length ? 'not every suite ran' : 'every suite ran'}):\n${[...new Set(only)].sort().join('\n')}`);
    expect(constructed.size).toBe(roles.size);
  });
});
