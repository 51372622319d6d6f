/**
 * The AWS SDK commands a function's code can construct, found without running it: its handler
 * bundled alone (esbuild, dependencies external, tree-shaken, not minified), so only the code the
 * function carries counts, and every `new <Command>(…)` of an @aws-sdk import is one. The packaged
 * zips cannot say it: the SDK they carry names every operation of its service.
 *
 * Which table a DynamoDB command goes to is read from the code around it: the service builds each
 * command in a callback `(TableName) => new …Command({ TableName, … })` handed to a sender, and
 * every sender comes down to lib/platform/table.ts's `sendTo(<table>, build)`, with tableName()
 * (TABLE_NAME) or historyTableName(). A command built any other way throws until this file is
 * taught it.
 *
 * Which partition key it uses is read where the code says it plainly: a string or a template's
 * fixed start (`result#${…}`), directly or through a module's constant (BUDGET_KEY) or a key
 * function of its own (`STATE(user)`, `pk(key)`), or through a parameter whose every caller says it.
 * A key that arrives from further away (the leases', the keys a Scan found) is not known here: such
 * a command is held as "for some key", and the recorder (aws-recorder.ts) tells the rest.
 */
import { build } from 'esbuild';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '../..');

export interface ConstructedCommand {
  service: string;
  action: string;
  resource: string;
  /** The source file whose code constructs it. */
  module: string;
  /** Its partition key when the code says it: the key itself, or its fixed start followed by `…`. */
  key?: string;
}

const DOCUMENT_ACTIONS: Record<string, string> = {
  GetCommand: 'GetItem',
  PutCommand: 'PutItem',
  UpdateCommand: 'UpdateItem',
  DeleteCommand: 'DeleteItem',
  QueryCommand: 'Query',
  ScanCommand: 'Scan',
  BatchGetCommand: 'BatchGetItem',
  BatchWriteCommand: 'BatchWriteItem',
  TransactGetCommand: 'TransactGetItems',
  TransactWriteCommand: 'TransactWriteItems',
};

const TABLES: Record<string, string> = { 'tableName()': 'HighlightsTable', 'historyTableName()': 'HistoryTable' };

/** The `}` that closes the block opened at `open` (a `{`). */
function blockEnd(code: string, open: number): number {
  for (let at = open + 1; at < code.length; ) {
    const end = expressionEnd(code, at);
    if (code[end] !== ',' && code[end] !== ';') return end;
    at = end + 1;
  }
  return code.length;
}

/** The innermost named function of the bundle whose body holds `at` and whose parameters include `name`: its name and the parameter's place. */
function enclosingParameter(code: string, name: string, at: number): { fn: string; index: number } | undefined {
  const found = [...code.slice(0, at).matchAll(/\bfunction\s+(\w+)\s*\(([^)]*)\)\s*\{/g)]
    .filter((match) => blockEnd(code, match.index + match[0].length - 1) > at)
    .at(-1);
  if (!found) return undefined;
  const index = (found[2] as string).split(',').map((parameter) => parameter.trim().replace(/\s*=[\s\S]*$/, '')).indexOf(name);
  return index < 0 ? undefined : { fn: found[1] as string, index };
}

/** The arguments of every call of `fn` in the bundle (not its definition), with where each call is. */
function callsOf(code: string, fn: string): { at: number; args: string[] }[] {
  return [...code.matchAll(new RegExp(`(?<!function\\s+)\\b${fn}\\(`, 'g'))].map((match) => {
    const open = match.index + match[0].length - 1;
    return { at: match.index, args: members(code.slice(open, expressionEnd(code, open + 1) + 1)) };
  });
}

/**
 * The tables an expression of the bundle names at `at`: tableName(), historyTableName(), a variable
 * set to one of them before `at`, or a parameter of the function around `at`, whatever its callers
 * pass (emptyTable(historyTableName(), …)).
 */
function tablesNamed(code: string, expression: string, at: number, depth = 0): string[] {
  if (TABLES[expression]) return [TABLES[expression]];
  if (!/^\w+$/.test(expression) || depth > 6) return [];
  const assignments = [...code.slice(0, at).matchAll(new RegExp(`\\b${expression}\\s*=\\s*(\\w+\\(\\))`, 'g'))];
  const assigned = TABLES[assignments.at(-1)?.[1] ?? ''];
  if (assigned) return [assigned];
  const parameter = enclosingParameter(code, expression, at);
  if (!parameter) return [];
  const callers = callsOf(code, parameter.fn);
  const tables = callers.map(({ at: call, args }) => tablesNamed(code, args[parameter.index] ?? '', call, depth + 1));
  // Every caller's table must be known: one that is not leaves the command's table unknown.
  return callers.length && tables.every((found) => found.length) ? [...new Set(tables.flat())] : [];
}

/** The table a sender of the bundle (`send`, `send2`…) hands its commands to: its definition's `sendTo(<table>, …)`. */
function senderTable(code: string, sender: string): string | undefined {
  const definition = new RegExp(
    `(?:function\\s+${sender}\\s*\\([^)]*\\)\\s*\\{|(?:var|let|const)\\s+${sender}\\s*=\\s*(?:async\\s*)?\\([^)]*\\)\\s*=>)\\s*(?:return\\s+)?sendTo\\((\\w+\\(\\))\\s*,`,
  ).exec(code);
  return definition ? TABLES[definition[1] as string] : undefined;
}

/** The tables of the DynamoDB command constructed at `at`: its own TableName, or the sender its `(TableName) =>` callback is handed to. */
function tablesOf(code: string, at: number): string[] {
  const own = /^\(\s*\{\s*TableName\s*:\s*(\w+\(\)|\w+)/.exec(code.slice(code.indexOf('(', at)));
  const callback = [...code.slice(0, at).matchAll(/\b(\w+)\(\s*(?:(\w+\(\)|\w+)\s*,\s*)?\(?TableName\)?\s*=>\s*/g)].at(-1);
  let found: string[] = [];
  if (own) found = tablesNamed(code, own[1] as string, at);
  else if (callback && callback.index + callback[0].length === at) {
    if (callback[1] === 'sendTo') found = tablesNamed(code, callback[2] ?? '', at);
    else {
      const table = senderTable(code, callback[1] as string);
      found = table ? [table] : [];
    }
  }
  if (!found.length) throw new Error(`cannot tell which table the command at "${code.slice(Math.max(0, at - 80), at + 40)}" goes to: teach tests/support/sdk-commands.ts`);
  return found;
}

/** The parameters a bundle reads: those whose variable its code names (each reader is its own module, kept only where used). */
function parametersRead(code: string): string[] {
  const parameters = [...(code.includes('SPOTIFY_CLIENT_SECRET_PARAM') ? ['ClientSecretParameter'] : []), ...(code.includes('NOTIFY_WEBHOOK_URL_PARAM') ? ['WebhookParameter'] : [])];
  if (!parameters.length) throw new Error('cannot tell which SSM parameter the bundle reads: teach tests/support/sdk-commands.ts');
  return parameters;
}

/** The IAM service, action and resource of each package's commands (lib-dynamodb's document commands are DynamoDB's). */
const SERVICES: Record<string, { service: string; action: (command: string) => string; resources: (code: string, at: number) => string[] }> = {
  '@aws-sdk/lib-dynamodb': { service: 'dynamodb', action: (command) => DOCUMENT_ACTIONS[command] ?? `unknown:${command}`, resources: tablesOf },
  '@aws-sdk/client-dynamodb': { service: 'dynamodb', action: (command) => command.replace(/Command$/, ''), resources: tablesOf },
  // The service reads two parameters, each named by a variable its reader's module reads (the client
  // secret's, the webhook's), and publishes to one topic (the notices').
  '@aws-sdk/client-ssm': { service: 'ssm', action: (command) => command.replace(/Command$/, ''), resources: parametersRead },
  '@aws-sdk/client-sns': { service: 'sns', action: (command) => command.replace(/Command$/, ''), resources: () => ['NoticesTopic'] },
};

/** The end of the expression that starts at `from`: the first `,` `;` or closing bracket outside brackets, strings and templates. */
function expressionEnd(code: string, from: number): number {
  const closing: string[] = [];
  for (let at = from; at < code.length; at++) {
    const char = code[at] as string;
    const inTemplate = closing.at(-1) === '`';
    if (inTemplate) {
      if (char === '\\') at++;
      else if (char === '`') closing.pop();
      else if (char === '$' && code[at + 1] === '{') {
        closing.push('}');
        at++;
      }
    } else if (char === '"' || char === "'") {
      for (at++; at < code.length && code[at] !== char; at++) if (code[at] === '\\') at++;
    } else if (char === '`') closing.push('`');
    else if (char === '(' || char === '[' || char === '{') closing.push({ '(': ')', '[': ']', '{': '}' }[char] as string);
    else if (char === ')' || char === ']' || char === '}') {
      if (!closing.length) return at;
      closing.pop();
    } else if ((char === ',' || char === ';') && !closing.length) return at;
  }
  return code.length;
}

const expressionAt = (code: string, from: number) => code.slice(from, expressionEnd(code, from)).trim();

/** A module-level constant's value, or a module-level key function's result (esbuild writes both at the line's start). */
function definition(code: string, name: string, called: boolean): string | undefined {
  const pattern = called
    ? new RegExp(`^(?:var|const|let) ${name} = \\([^)]*\\) => |^(?:async )?function ${name}\\([^)]*\\) \\{\\s*return `, 'm')
    : new RegExp(`^(?:var|const|let) ${name} = `, 'm');
  const found = pattern.exec(code);
  return found ? expressionAt(code, found.index + found[0].length) : undefined;
}

/** The members of an object literal's text, at its top level. */
function members(object: string): string[] {
  const inner = object.trim().slice(1, -1);
  const found: string[] = [];
  for (let at = 0; at < inner.length; ) {
    const end = expressionEnd(inner, at);
    found.push(inner.slice(at, end).trim());
    at = end + 1;
  }
  return found.filter(Boolean);
}

/** A string expression's value, or its fixed start followed by `…`; undefined when it has none. */
function stringOf(code: string, expression: string, depth = 0): string | undefined {
  const text = expression.trim();
  if (depth > 6) return undefined;
  if (/^"[^"\\]*"$|^'[^'\\]*'$/.test(text)) return text.slice(1, -1);
  if (/^[A-Z][A-Z0-9_]*\d*$/.test(text)) {
    const value = definition(code, text, false);
    return value === undefined ? undefined : stringOf(code, value, depth + 1);
  }
  if (!text.startsWith('`') || !text.endsWith('`')) return undefined;
  let fixed = '';
  for (let at = 1; at < text.length - 1; at++) {
    if (text[at] === '$' && text[at + 1] === '{') {
      const end = expressionEnd(text, at + 2);
      const part = stringOf(code, text.slice(at + 2, end), depth + 1);
      if (part === undefined || part.endsWith('…')) return `${fixed}${part ?? ''}`.replace(/…?$/, '…').replace(/^…$/, '') || undefined;
      fixed += part;
      at = end;
    } else fixed += text[at] === '\\' ? text[++at] : text[at];
  }
  return fixed;
}

/**
 * The partition keys a key value at `at` can be: its string (or fixed start), or, for a parameter
 * of the function around `at`, whatever every caller passes (putAggregate(`day#${user}`, …) and
 * putAggregate(`month#${user}`, …)). None when one of them is not known.
 */
function keysAt(code: string, expression: string, at: number, depth = 0): string[] {
  const text = expression.trim();
  const value = stringOf(code, text);
  if (value !== undefined) return [value];
  if (!/^\w+$/.test(text) || depth > 6) return [];
  const parameter = enclosingParameter(code, text, at);
  if (!parameter) return [];
  const callers = callsOf(code, parameter.fn);
  const keys = callers.map(({ at: call, args }) => keysAt(code, args[parameter.index] ?? '', call, depth + 1));
  return callers.length && keys.every((found) => found.length) ? [...new Set(keys.flat())] : [];
}

/** The partition keys of a key expression at `at` (`{ pk: … }`, `{ pk }`, a constant, a key function's call, a spread of one). */
function keyOf(code: string, expression: string, at: number, depth = 0): string[] {
  const text = expression.trim();
  if (depth > 6) return [];
  if (text.startsWith('{')) {
    for (const member of members(text)) {
      const pk = /^pk\s*:\s*([\s\S]+)$/.exec(member);
      if (pk) return keysAt(code, pk[1] as string, at);
      if (member === 'pk') return keysAt(code, 'pk', at);
      if (member.startsWith('...')) {
        const spread = keyOf(code, member.slice(3), at, depth + 1);
        if (spread.length) return spread;
      }
    }
    return [];
  }
  const call = /^(\w+)\(([\s\S]*)\)$/.exec(text);
  const value = call ? definition(code, call[1] as string, true) : /^[A-Z][A-Z0-9_]*\d*$/.test(text) ? definition(code, text, false) : undefined;
  return value === undefined ? [] : keyOf(code, value.replace(/^\(([\s\S]*)\)$/, '$1'), at, depth + 1);
}

/** The partition keys of the command constructed at `at`, when its code says them: Key, Item, or a Query's `pk = :pk`. */
function commandKeys(code: string, at: number): string[] {
  const open = code.indexOf('(', at);
  const argument = code.slice(open + 1, expressionEnd(code, open + 1));
  const key = /\b(?:Key|Item)\s*:\s*/.exec(argument);
  if (key) return keyOf(code, expressionAt(argument, key.index + key[0].length), at);
  const query = /"pk = :pk\b/.test(argument) ? /":pk"\s*:\s*/.exec(argument) : null;
  return query ? keysAt(code, expressionAt(argument, query.index + query[0].length), at) : [];
}

/** An import that constructs no command by itself: a client (which sends only what it is given), an error class. */
const HARMLESS = /(?:Client|Exception)$/;

/** The module (esbuild marks each module's code with its path) of the bundle's code at `at`. */
function moduleAt(code: string, at: number): string {
  return [...code.slice(0, at).matchAll(/^\/\/ (\S+)$/gm)].at(-1)?.[1] ?? 'unknown';
}

const teach = (what: string) => new Error(`${what}: teach tests/support/sdk-commands.ts what it can send`);

/** Every AWS SDK command `handler` (e.g. handlers/http/login.handler) can construct. */
export async function constructedCommands(handler: string): Promise<ConstructedCommand[]> {
  const entry = join(root, `${handler.slice(0, handler.lastIndexOf('.'))}.ts`);
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'node',
    target: 'node24',
    packages: 'external',
    treeShaking: true,
    minify: false,
    absWorkingDir: root,
    logLevel: 'silent',
  });
  const code = result.outputFiles[0]?.text ?? '';
  // Each module keeps its imports (unused ones too); a local name may differ from the export's (`GetCommand as GetCommand2`).
  const commands = new Map<string, { from: string; command: string }>();
  const namespaces = new Map<string, string>();
  for (const [, names, from] of code.matchAll(/^import\s*\{([^}]*)\}\s*from\s*"(@aws-sdk\/[^"]+)"/gm)) {
    for (const name of (names as string).split(',').map((part) => part.trim()).filter(Boolean)) {
      const [exported, local = exported] = name.split(/\s+as\s+/) as [string, string?];
      if (HARMLESS.test(exported)) continue;
      if (!exported.endsWith('Command') || !SERVICES[from as string]) throw teach(`${handler} imports ${exported} from ${from}`);
      commands.set(local as string, { from: from as string, command: exported });
    }
  }
  for (const [, local, from] of code.matchAll(/^import\s*\*\s*as\s*(\w+)\s*from\s*"(@aws-sdk\/[^"]+)"/gm)) namespaces.set(local as string, from as string);
  for (const [, from] of code.matchAll(/^import\s+\w+\s*(?:,\s*\{[^}]*\})?\s*from\s*"(@aws-sdk\/[^"]+)"/gm)) throw teach(`${handler} imports ${from}'s default export`);
  const found: ConstructedCommand[] = [];
  for (const match of code.matchAll(/\bnew\s+(?:(\w+)\.)?(\w+)\s*\(/g)) {
    const [, namespace, name] = match;
    const imported = namespace ? (namespaces.has(namespace) ? { from: namespaces.get(namespace) as string, command: name as string } : undefined) : commands.get(name as string);
    if (!imported) continue;
    const service = SERVICES[imported.from];
    if (!service) throw teach(`${handler} constructs ${imported.command} from ${imported.from}`);
    const keys = service.service === 'dynamodb' ? commandKeys(code, match.index) : [];
    for (const resource of service.resources(code, match.index)) {
      for (const key of keys.length ? keys : [undefined]) {
        found.push({ service: service.service, action: service.action(imported.command), resource, module: moduleAt(code, match.index), ...(key ? { key } : {}) });
      }
    }
  }
  return found;
}
