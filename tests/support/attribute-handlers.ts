/**
 * A Vite plugin for the test runs: each handler module serverless.yml names gets its `handler`
 * wrapped, as the module is loaded, so that an invocation runs as that function
 * (tests/support/aws-recorder.ts records what it sends to AWS under that name). A transform, not
 * vi.mock: a mocked module outlives vi.resetModules, and the tests load a handler again to stand
 * for another container, with memory and clients of its own.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Plugin } from 'vite';
import { parse } from 'yaml';

const root = resolve(import.meta.dirname, '../..');

/** Where the recorder leaves its wrapper (aws-recorder.ts's `listen`): without it a handler stays as it is. */
export const ATTRIBUTE = 'spotify-highlights.invoke-as';

/** serverless.yml's functions: handler module file (absolute) → function name. */
export function handlerFiles(): Map<string, string> {
  const functions = (parse(readFileSync(join(root, 'serverless.yml'), 'utf8')) as { functions: Record<string, { handler: string }> }).functions;
  return new Map(Object.entries(functions).map(([name, { handler }]) => [join(root, `${handler.slice(0, handler.lastIndexOf('.'))}.ts`), name]));
}

export function attributeHandlers(): Plugin {
  const files = handlerFiles();
  return {
    name: 'attribute-handlers',
    enforce: 'pre',
    transform(code, id) {
      const name = files.get(id.split('?')[0] as string);
      if (!name) return undefined;
      const declarations = code.match(/^export const handler = /gm) ?? [];
      if (declarations.length !== 1) throw new Error(`${id}: expected one \`export const handler = …\` to attribute to the function ${name}`);
      const wrapped = code.replace(/^export const handler = /m, 'const unattributedHandler = ');
      return `${wrapped}\nexport const handler = ((globalThis as Record<symbol, any>)[Symbol.for('${ATTRIBUTE}')] ?? ((_name: string, handler: unknown) => handler))('${name}', unattributedHandler);\n`;
    },
  };
}
