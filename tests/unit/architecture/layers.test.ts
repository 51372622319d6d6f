/**
 * The layering rules in .dependency-cruiser.cjs, proven to bite: a small tree with one import
 * that breaks each rule (and the imports every layer is allowed) must give exactly those
 * violations, each named by its rule; the real lib/ and handlers/ must give none.
 */
import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = resolve(import.meta.dirname, '../../..');
const depcruise = join(root, 'node_modules/dependency-cruiser/bin/dependency-cruise.mjs');

interface Violation {
  rule: { name: string };
  from: string;
  to: string;
}

async function violations(cwd: string): Promise<Violation[]> {
  const { stdout } = await run(process.execPath, [depcruise, 'lib', 'handlers', '--config', join(root, '.dependency-cruiser.cjs'), '--output-type', 'json'], {
    cwd,
    maxBuffer: 64 * 1024 * 1024,
  }).catch((error: { stdout?: string }) => ({ stdout: error.stdout ?? '' }));
  return (JSON.parse(stdout) as { summary: { violations: Violation[] } }).summary.violations;
}

/** Every import a layer may make, then one import per rule that breaks it. */
const FILES: Record<string, string> = {
  'lib/platform/base.ts': 'export const base = 1;',
  'lib/spotify/adapter.ts': "import { base } from '../platform/base';\nexport const adapter = base;",
  'lib/owner/owner.ts': "import { adapter } from '../spotify/adapter';\nexport const owner = adapter;",
  'lib/listening/source.ts': "import { owner } from '../owner/owner';\nexport const source = owner;",
  'lib/http/route.ts': "import { base } from '../platform/base';\nexport const route = base;",
  'lib/http/html.ts': "import { base } from '../platform/base';\nexport const page = base;",
  'lib/features/one/use-case.ts': "import { source } from '../../listening/source';\nimport { adapter } from '../../spotify/adapter';\nexport const useCase = source + adapter;",
  'lib/features/one/page.ts': "import { page } from '../../http/html';\nexport const onePage = page;",
  'lib/features/two/use-case.ts': "import { base } from '../../platform/base';\nexport const two = base;",
  'handlers/http/one.ts': "import { useCase } from '../../lib/features/one/use-case';\nimport { route } from '../../lib/http/route';\nexport const handler = useCase + route;",
  // One import against each rule:
  'lib/platform/up.ts': "import { useCase } from '../features/one/use-case';\nexport const up = useCase;",
  'lib/http/draws-a-feature.ts': "import { onePage } from '../features/one/page';\nexport const drawn = onePage;",
  'lib/spotify/knows-the-owner.ts': "import { owner } from '../owner/owner';\nexport const known = owner;",
  'lib/owner/reads-the-cache.ts': "import { source } from '../listening/source';\nexport const cached = source;",
  'lib/listening/speaks-http.ts': "import { route } from '../http/route';\nexport const spoken = route;",
  'lib/features/one/speaks-http.ts': "import { route } from '../../http/route';\nexport const spokenToo = route;",
  'lib/features/one/borrows.ts': "import { two } from '../two/use-case';\nexport const borrowed = two;",
  'handlers/http/reaches-down.ts': "import { owner } from '../../lib/owner/owner';\nexport const handler = owner;",
  'lib/platform/uses-a-test.ts': "import { helper } from '../../tests/helper';\nexport const tested = helper;",
  'tests/helper.ts': 'export const helper = 1;',
  'lib/platform/dev-only.ts': "import { parse } from 'yaml';\nexport const parsed = parse('a: 1');",
  'lib/platform/missing.ts': "import { nothing } from './nowhere';\nexport const missing = nothing;",
  'lib/helpers.ts': "import { base } from './platform/base';\nexport const loose = base;",
  'lib/features/loose.ts': "import { base } from '../platform/base';\nexport const looseToo = base;",
  'lib/platform/circle-a.ts': "import { b } from './circle-b';\nexport const a = () => b;",
  'lib/platform/circle-b.ts': "import { a } from './circle-a';\nexport const b = () => a;",
};

const EXPECTED = [
  ['platform-knows-no-feature', 'lib/platform/up.ts', 'lib/features/one/use-case.ts'],
  ['http-knows-only-platform', 'lib/http/draws-a-feature.ts', 'lib/features/one/page.ts'],
  ['spotify-knows-only-platform', 'lib/spotify/knows-the-owner.ts', 'lib/owner/owner.ts'],
  ['owner-below-listening', 'lib/owner/reads-the-cache.ts', 'lib/listening/source.ts'],
  ['listening-below-features', 'lib/listening/speaks-http.ts', 'lib/http/route.ts'],
  ['features-speak-no-http', 'lib/features/one/speaks-http.ts', 'lib/http/route.ts'],
  ['features-stand-alone', 'lib/features/one/borrows.ts', 'lib/features/two/use-case.ts'],
  ['handlers-are-thin', 'handlers/http/reaches-down.ts', 'lib/owner/owner.ts'],
  ['no-test-code-in-functions', 'lib/platform/uses-a-test.ts', 'tests/helper.ts'],
  ['no-dev-dependencies-in-functions', 'lib/platform/dev-only.ts', 'node_modules/yaml'],
  ['not-to-unresolvable', 'lib/platform/missing.ts', './nowhere'],
  ['every-file-in-a-layer', 'lib/helpers.ts', 'lib/platform/base.ts'],
  ['every-file-in-a-layer', 'lib/features/loose.ts', 'lib/platform/base.ts'],
  ['no-circular', 'lib/platform/circle-a.ts', 'lib/platform/circle-b.ts'],
];

// Inside the project, so that npm packages resolve from its node_modules as they do for lib/.
const fixture = mkdtempSync(join(root, '.layers-fixture-'));
afterAll(() => rmSync(fixture, { recursive: true, force: true }));

describe('the layering rules', () => {
  it('find every broken rule, by name, and nothing in what each layer may use', async () => {
    for (const [path, source] of Object.entries(FILES)) {
      mkdirSync(dirname(join(fixture, path)), { recursive: true });
      writeFileSync(join(fixture, path), `${source}\n`);
    }
    cpSync(join(root, 'package.json'), join(fixture, 'package.json'));
    writeFileSync(join(fixture, 'tsconfig.json'), JSON.stringify({ compilerOptions: { module: 'Preserve', moduleResolution: 'Bundler', strict: true } }));
    const found = (await violations(fixture)).map((violation) => [violation.rule.name, violation.from, violation.to.replace(/^.*node_modules\/([^/]+)\/.*$/, 'node_modules/$1')]);
    expect(found.sort()).toEqual([...EXPECTED].sort());
  });

  it('hold for lib/ and handlers/ as they are', async () => {
    expect(await violations(root)).toEqual([]);
  });
});
