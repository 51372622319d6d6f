/**
 * Each function's role as the packaged template grants it, and whether it allows a command: an
 * evaluator for the few forms this template uses (Allow statements; actions by name or with `*`;
 * a table by Fn::GetAtt, the client secret's parameter by its ARN, the notices' topic by Ref, a
 * log group by Fn::GetAtt; `ForAllValues:StringLike` on `dynamodb:LeadingKeys`). Anything else
 * (a Deny, another condition, a resource it cannot name) throws, so the check is taught before it
 * can say yes to what it does not understand.
 *
 * AWS's rules it follows: a request is allowed when one Allow statement matches its action, its
 * resource and every condition; `ForAllValues` holds when every partition key of the request
 * matches one of the patterns, and so also for a request with no key at all (a Scan): that is why
 * a LeadingKeys condition cannot restrict a Scan. Statements under a template Condition (the
 * notices' topic, with NOTIFY_EMAIL) count as granted: the commands they allow are only sent when
 * that condition holds.
 */

/** One grant of a role: an action on a resource, for these partition keys (undefined: any key). */
export interface Grant {
  statement: number;
  action: string;
  resource: string;
  /** The LeadingKeys patterns, or undefined when the statement has no key condition. */
  keys?: string[];
}

/** What a function does to AWS: from the recorder (with its key), or found in its code (no key known). */
export interface Command {
  service: string;
  action: string;
  resource: string;
  key?: string;
}

export interface FunctionRole {
  /** serverless.yml's name of the function. */
  function: string;
  /** The template's logical id of its Lambda function, role and log group. */
  lambda: string;
  role: string;
  logGroup: string;
  handler: string;
  environment: Record<string, unknown>;
  statements: Statement[];
}

export interface Statement {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
  Condition?: Record<string, Record<string, string | string[]>>;
  /** Where the template holds it: the role's own policy, or a policy of its own (and its Condition). */
  from: string;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Resources = Record<string, { Type: string; Condition?: string; Properties: any }>;

const list = <T>(value: T | T[] | undefined): T[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);

/** Every function's role in `template`, keyed by serverless.yml's function name (FunctionName is `<service>-<stage>-<name>`). */
export function functionRoles(template: { Resources: Resources }, prefix: string): Map<string, FunctionRole> {
  const resources = template.Resources;
  const roles = new Map<string, FunctionRole>();
  for (const [lambda, fn] of Object.entries(resources).filter(([, resource]) => resource.Type === 'AWS::Lambda::Function')) {
    const name = String(fn.Properties.FunctionName).slice(prefix.length);
    const [role] = (fn.Properties.Role?.['Fn::GetAtt'] ?? []) as string[];
    if (!role || resources[role]?.Type !== 'AWS::IAM::Role') throw new Error(`${lambda}'s role is not a role of the template: ${JSON.stringify(fn.Properties.Role)}`);
    const own = list(resources[role]!.Properties.Policies as { PolicyName: string; PolicyDocument: { Statement: Statement[] } }[]).flatMap((policy) =>
      list(policy.PolicyDocument.Statement).map((statement) => ({ ...statement, from: `${role} ${policy.PolicyName}` })),
    );
    const attached = Object.entries(resources)
      .filter(([, resource]) => resource.Type === 'AWS::IAM::Policy' && list(resource.Properties.Roles).some((ref: { Ref?: string }) => ref.Ref === role))
      .flatMap(([id, policy]) => list(policy.Properties.PolicyDocument.Statement as Statement[]).map((statement) => ({ ...statement, from: `${id}${policy.Condition ? ` (if ${policy.Condition})` : ''}` })));
    roles.set(name, {
      function: name,
      lambda,
      role,
      logGroup: lambda.replace(/LambdaFunction$/, 'LogGroup'),
      handler: fn.Properties.Handler,
      environment: fn.Properties.Environment?.Variables ?? {},
      statements: [...own, ...attached],
    });
  }
  return roles;
}

/** The name the recorder and the code scan give what a statement's Resource names. */
function resourceName(resource: unknown, fn: FunctionRole, resources: Resources): string {
  const value = resource as Record<string, unknown>;
  const [id, attribute] = (value['Fn::GetAtt'] ?? []) as string[];
  if (id && attribute === 'Arn' && resources[id]?.Type === 'AWS::DynamoDB::Table') return id;
  if (id && attribute === 'Arn' && resources[id]?.Type === 'AWS::Logs::LogGroup') return id;
  if (typeof value.Ref === 'string' && resources[value.Ref]?.Type === 'AWS::SNS::Topic') return value.Ref;
  const join = value['Fn::Join'] as [string, unknown[]] | undefined;
  if (join) {
    const arn = join[1].map((part) => (typeof part === 'string' ? part : `{${(part as { Ref: string }).Ref}}`)).join(join[0]);
    const parameter = (name: string) => `arn:{AWS::Partition}:ssm:{AWS::Region}:{AWS::AccountId}:parameter${String(fn.environment[name])}`;
    if (arn === parameter('SPOTIFY_CLIENT_SECRET_PARAM')) return 'ClientSecretParameter';
    if (arn === parameter('NOTIFY_WEBHOOK_URL_PARAM')) return 'WebhookParameter';
  }
  throw new Error(`${fn.role}: cannot name the resource ${JSON.stringify(resource)}: teach tests/support/iam-roles.ts`);
}

/** StringLike: `*` any run of characters, `?` one. */
function like(value: string, pattern: string): boolean {
  const source = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${source}$`, 's').test(value);
}

/** The grants of a role, one per action × resource × statement, with the statement's key patterns. */
export function grantsOf(fn: FunctionRole, resources: Resources): Grant[] {
  return fn.statements.flatMap((statement, index) => {
    if (statement.Effect !== 'Allow') throw new Error(`${statement.from}: only Allow statements are understood: teach tests/support/iam-roles.ts`);
    const conditions = Object.entries(statement.Condition ?? {});
    let keys: string[] | undefined;
    for (const [operator, values] of conditions) {
      const entries = Object.entries(values);
      if (operator !== 'ForAllValues:StringLike' || entries.length !== 1 || entries[0]?.[0] !== 'dynamodb:LeadingKeys') {
        throw new Error(`${statement.from}: the condition ${operator} ${JSON.stringify(values)} is not understood: teach tests/support/iam-roles.ts`);
      }
      keys = list(entries[0][1]);
    }
    return list(statement.Action).flatMap((action) =>
      list(statement.Resource).map((resource) => ({ statement: index, action, resource: resourceName(resource, fn, resources), ...(keys ? { keys } : {}) })),
    );
  });
}

/** Whether one grant allows the command; a command with no known key (`anyKey`) is allowed when the grant allows some key. */
function grantAllows(grant: Grant, command: Command, anyKey: boolean): boolean {
  if (!like(`${command.service}:${command.action}`, grant.action) || grant.resource !== command.resource) return false;
  if (!grant.keys) return true;
  // ForAllValues over no key at all holds: a keyless request (a Scan) passes any LeadingKeys condition.
  if (command.key === undefined) return anyKey ? grant.keys.length > 0 : true;
  return grant.keys.some((pattern) => like(command.key as string, pattern));
}

/** Whether `grants` allow `command` (with no key: for some key, or keyless as a Scan is). */
export function allows(grants: Grant[], command: Command, { anyKey = false } = {}): boolean {
  return grants.some((grant) => grantAllows(grant, command, anyKey));
}

/** A grant with one part taken away: one action, one resource, or one key pattern (what a review would remove). */
export interface Removal {
  what: string;
  grants: Grant[];
}

/** Every way to remove one grant from a role: each action and each resource of each statement, and each key pattern of each. */
export function removals(fn: FunctionRole, grants: Grant[]): Removal[] {
  const found: Removal[] = [];
  const statements = [...new Set(grants.map((grant) => grant.statement))];
  for (const statement of statements) {
    const own = grants.filter((grant) => grant.statement === statement);
    const others = grants.filter((grant) => grant.statement !== statement);
    for (const action of new Set(own.map((grant) => grant.action))) {
      found.push({ what: `${fn.function}: ${action} from statement ${statement}`, grants: [...others, ...own.filter((grant) => grant.action !== action)] });
    }
    for (const resource of new Set(own.map((grant) => grant.resource))) {
      found.push({ what: `${fn.function}: ${resource} from statement ${statement}`, grants: [...others, ...own.filter((grant) => grant.resource !== resource)] });
    }
    for (const pattern of new Set(own.flatMap((grant) => grant.keys ?? []))) {
      const keys = (own[0]?.keys ?? []).filter((key) => key !== pattern);
      found.push({ what: `${fn.function}: key ${pattern} from statement ${statement} (${own.map((grant) => grant.action).filter((action, index, all) => all.indexOf(action) === index).join(', ')} on ${own[0]?.resource})`, grants: [...others, ...own.map((grant) => ({ ...grant, keys }))] });
    }
  }
  return found;
}
