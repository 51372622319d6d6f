/**
 * Each function's own IAM role, least privilege (serverless.yml's `<Function>IamRole` resources,
 * each function's `role`): only the actions it uses, on only the tables, parameter and topic it touches, and on
 * each table only the partition keys it uses (`dynamodb:LeadingKeys`, one pattern per key kind of
 * docs/architecture.md's key model: a key itself, or `<kind>#*`). Plain CloudFormation, not the
 * per-function plugin (serverless-iam-roles-per-function): its last release (3.2.0, 2021) was
 * written for Serverless Framework 2; it builds each role from the Framework's shared role, which
 * then stays in the stack with its own grants, and it grants logs:CreateLogGroup, which no
 * function needs (the stack creates the log groups). Plain roles need nothing but the Framework's
 * documented `role` property.
 *
 * tests/integration/iam.test.ts holds the packaged roles against every command each function sent
 * during the test run and every command its bundled code can construct: a command its role does
 * not allow fails it, and so does a grant (an action, a resource, a key pattern) no command needs.
 * When the code sends something new, that test names it; add it here.
 *
 * Not here: publishing the notices (serverless.yml's NoticesPublishPolicy, on the watch's role,
 * exists only when NOTIFY_EMAIL creates the topic). Scan is the disconnect's alone, in statements
 * without a key condition: LeadingKeys cannot restrict a Scan (a Scan names no key, so a
 * `ForAllValues` condition on it holds), so its grant is the whole table, and no other role has it.
 * The disconnect's deletes of the history (it empties that table) are its only other grant without
 * keys.
 */
'use strict';

// The main table's key kinds (lib/platform/table.ts).
const OWNER = 'owner';
const BUDGET = 'budget';
const REFRESH_LEASE = 'refresh-lease';
const FETCH_LEASES = 'fetch-lease#*';
const RESULTS = 'result#*';
const LOGIN_KEY = 'login-key';
const USED_STATES = 'used-state#*';
const SESSION_KEY = 'session-key';
const NOTICES = 'notice#*';
const LAST_NOTICES = 'notices#*';

// The listening history's key kinds (lib/listening/history-store.ts): `<kind>#<Spotify user>`.
const PLAYS = 'play#*';
const DAYS = 'day#*';
const MONTHS = 'month#*';
const TRACKS = 'track#*';
const ARTISTS = 'artist#*';
const STATES = 'state#*';
const GAPS = 'gap#*';
const RUNS = 'run#*';
const SNAPSHOTS = 'snapshot#*';

/**
 * What reading the owner's listening through a cached source takes (lib/listening/cached-source.ts,
 * lib/owner/call-as-owner.ts, lib/spotify/budget.ts): the owner's item (read, and written by a
 * token refresh), the results, the leases, and the day's budget (one UpdateItem per Spotify call,
 * a GetItem when refused).
 */
const LISTENING = {
  GetItem: [OWNER, RESULTS, BUDGET],
  PutItem: [RESULTS, FETCH_LEASES, REFRESH_LEASE],
  UpdateItem: [OWNER, BUDGET],
  DeleteItem: [FETCH_LEASES, REFRESH_LEASE],
};

/**
 * What reading the recent plays from the history takes (lib/listening/recently-played.ts): the
 * collector's state, the plays, and, when the collector is behind, its failed runs (to say why).
 */
const RECENT_FROM_HISTORY = { GetItem: [STATES], Query: [PLAYS, RUNS] };

/** `base` with more keys for some actions. */
function withMore(base, more) {
  const merged = { ...base };
  for (const [action, keys] of Object.entries(more)) merged[action] = [...(merged[action] ?? []), ...keys];
  return merged;
}

/**
 * Per function: per table, each action and the partition keys it may touch (null: no key
 * condition, for the disconnect's Scans and its emptying of the history); `secret`: it reads the client secret (a token refresh or the
 * callback's code exchange may need it); `webhook`: it reads the webhook's URL (the watch).
 */
const ROLES = {
  login: { HighlightsTable: { GetItem: [OWNER, LOGIN_KEY], PutItem: [LOGIN_KEY] } },
  callback: {
    HighlightsTable: { GetItem: [LOGIN_KEY, SESSION_KEY, BUDGET], PutItem: [USED_STATES, SESSION_KEY], UpdateItem: [OWNER, BUDGET], DeleteItem: [RESULTS] },
    secret: true,
  },
  highlights: { HighlightsTable: LISTENING, HistoryTable: { GetItem: [SNAPSHOTS] }, secret: true },
  card: { HighlightsTable: LISTENING, HistoryTable: withMore(RECENT_FROM_HISTORY, { GetItem: [SNAPSHOTS] }), secret: true },
  nowPlaying: { HighlightsTable: LISTENING, HistoryTable: RECENT_FROM_HISTORY, secret: true },
  nowPlayingOpen: { HighlightsTable: LISTENING, HistoryTable: RECENT_FROM_HISTORY, secret: true },
  nowPlayingCard: { HighlightsTable: LISTENING, HistoryTable: RECENT_FROM_HISTORY, secret: true },
  recentlyPlayed: { HighlightsTable: LISTENING, HistoryTable: RECENT_FROM_HISTORY, secret: true },
  home: { HighlightsTable: { GetItem: [OWNER] } },
  owner: { HighlightsTable: withMore(LISTENING, { GetItem: [SESSION_KEY, NOTICES, LAST_NOTICES] }), secret: true },
  ownerSettings: { HighlightsTable: { GetItem: [OWNER, SESSION_KEY], UpdateItem: [OWNER] } },
  ownerDisconnect: {
    HighlightsTable: {
      GetItem: [OWNER, SESSION_KEY],
      UpdateItem: [OWNER],
      DeleteItem: [OWNER, LOGIN_KEY, USED_STATES, SESSION_KEY, NOTICES, LAST_NOTICES, RESULTS, FETCH_LEASES],
      Scan: null,
    },
    // Forgetting the listening history empties its table (it holds the owner's alone): a Scan of the
    // keys and batched deletes of whatever it finds. No key condition: the Scan could not be held to
    // one, and one on the deletes could only refuse an item of a kind added later, leaving it behind.
    HistoryTable: { Scan: null, BatchWriteItem: null },
  },
  status: { HighlightsTable: { GetItem: [OWNER, BUDGET, NOTICES, LAST_NOTICES] } },
  watch: { HighlightsTable: { GetItem: [OWNER, BUDGET], PutItem: [NOTICES], UpdateItem: [NOTICES, LAST_NOTICES] }, webhook: true },
  collect: {
    HighlightsTable: LISTENING,
    HistoryTable: {
      GetItem: [STATES, SNAPSHOTS],
      PutItem: [PLAYS, DAYS, MONTHS, TRACKS, ARTISTS, GAPS, RUNS, SNAPSHOTS],
      UpdateItem: [STATES],
      Query: [PLAYS, DAYS, MONTHS, RUNS],
      DeleteItem: [DAYS, MONTHS],
    },
    secret: true,
  },
  history: { HighlightsTable: { GetItem: [OWNER], UpdateItem: [OWNER] }, HistoryTable: { GetItem: [STATES], Query: [DAYS, MONTHS, GAPS], BatchGetItem: [TRACKS, ARTISTS] } },
  historyCard: { HighlightsTable: { GetItem: [OWNER], UpdateItem: [OWNER] }, HistoryTable: { GetItem: [STATES], Query: [DAYS, MONTHS, GAPS], BatchGetItem: [TRACKS, ARTISTS] } },
};

/** One statement per set of keys: the actions that may touch exactly those keys of `table`. */
function tableStatements(table, actions) {
  const byKeys = new Map();
  for (const [action, keys] of Object.entries(actions)) {
    const id = keys === null ? 'any' : JSON.stringify([...new Set(keys)].sort());
    byKeys.set(id, [...(byKeys.get(id) ?? []), `dynamodb:${action}`]);
  }
  return [...byKeys].map(([id, actions]) => ({
    Effect: 'Allow',
    Action: actions,
    Resource: { 'Fn::GetAtt': [table, 'Arn'] },
    ...(id === 'any' ? {} : { Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': JSON.parse(id) } } }),
  }));
}

/** The Framework's logical ids: `login` → `Login…`. */
const logicalName = (name) => `${name[0].toUpperCase()}${name.slice(1)}`;

/** The role of `name`: Lambda may assume it; it writes its own log group, and does what ROLES says. */
function role(name, grants, secretParameter, webhookParameter) {
  const { secret, webhook, ...tables } = grants;
  const parameter = (path) => ({
    Effect: 'Allow',
    Action: ['ssm:GetParameter'],
    Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':ssm:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':parameter', path]] },
  });
  const statements = [
    // The Framework's default role grants these for every function's group; here only its own (the stack creates the group).
    { Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: { 'Fn::GetAtt': [`${logicalName(name)}LogGroup`, 'Arn'] } },
    ...Object.entries(tables).flatMap(([table, actions]) => tableStatements(table, actions)),
  ];
  // With the default aws/ssm key, decrypting needs no KMS permission; a customer managed key needs kms:Decrypt on it here.
  if (secret) statements.push(parameter(secretParameter));
  // The webhook's URL, a secret too (lib/platform/webhook-url.ts).
  if (webhook) statements.push(parameter(webhookParameter));
  return {
    Type: 'AWS::IAM::Role',
    Properties: {
      AssumeRolePolicyDocument: {
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Principal: { Service: ['lambda.amazonaws.com'] }, Action: ['sts:AssumeRole'] }],
      },
      Policies: [{ PolicyName: name, PolicyDocument: { Version: '2012-10-17', Statement: statements } }],
    },
  };
}

/**
 * serverless.yml's `<Function>IamRole` resources, one resolver per function
 * (`${file(./config/iam.cjs):login}`): the client secret's parameter comes from the configuration.
 */
module.exports = Object.fromEntries(
  Object.entries(ROLES).map(([name, grants]) => [
    name,
    async ({ resolveConfigurationProperty }) =>
      role(name, grants, await resolveConfigurationProperty(['custom', 'clientSecretParam']), await resolveConfigurationProperty(['custom', 'notifyWebhookParam'])),
  ]),
);
