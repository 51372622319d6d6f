/**
 * Package size and cold module initialisation per function.
 *
 * A full run packages the prod stage exactly as a deploy would (`serverless package --stage prod`,
 * no AWS credentials), takes each function's zip size, unzips its bundle and times `import()`
 * of it in fresh node processes (median of several). A smoke run bundles each handler with
 * esbuild directly, using serverless.yml's esbuild settings, and has no zip size.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { parse } from 'yaml';
import { copyOfService, serviceEnvironment } from '../../tests/support/local-stack';
import { unzip } from '../../tests/support/zip';
import { median } from './stats';

const run = promisify(execFile);
const root = resolve(import.meta.dirname, '../..');

export interface BundleFigure {
  function: string;
  /** The deployment zip (null in a smoke run). */
  zipBytes: number | null;
  /** The bundled handler file, unzipped. */
  bundleBytes: number;
  /** The median is the figure; the minimum is the least disturbed by other work on the machine. */
  initMs: { median: number; min: number; runs: number[] };
}

interface EsbuildSettings {
  bundle?: boolean;
  minify?: boolean;
  sourcemap?: boolean;
  target?: string;
  platform?: 'node';
  format?: 'cjs' | 'esm';
  outputFileExtension?: string;
  external?: string[];
  /** serverless-esbuild leaves these out of the bundle too: the Lambda runtime provides them. */
  exclude?: string[];
}

interface ServiceConfig {
  functions: Record<string, { handler: string }>;
  custom: { esbuild: EsbuildSettings };
}

const config = (serviceRoot = root): ServiceConfig => parse(readFileSync(join(serviceRoot, 'serverless.yml'), 'utf8'));

/** `handlers/http/highlights.handler` → `handlers/http/highlights` + the bundle's extension. */
function bundlePath(handler: string, settings: EsbuildSettings): string {
  return handler.slice(0, handler.lastIndexOf('.')) + (settings.outputFileExtension ?? '.js');
}

/**
 * Builds every function of the service at `serviceRoot` into `outDir` with esbuild alone, with that
 * service's own serverless.yml settings: one build for every entry point (esbuild parses the
 * modules they share once). `nodePaths`: where packages resolve when `serviceRoot` has no
 * node_modules of its own (a worktree of an older commit).
 */
export async function esbuildFunctions(serviceRoot: string, outDir: string, nodePaths: string[] = []): Promise<{ name: string; file: string }[]> {
  const { functions, custom } = config(serviceRoot);
  const settings = custom.esbuild;
  const sources = Object.entries(functions).map(([name, { handler }]) => {
    const source = handler.slice(0, handler.lastIndexOf('.'));
    return { name, source, file: join(outDir, name, bundlePath(handler, settings)) };
  });
  const { bundle, minify, sourcemap, target, platform, format, outputFileExtension = '.js', external = [], exclude = [] } = settings;
  await build({
    bundle, minify, sourcemap, target, platform, format, nodePaths,
    external: [...external, ...(exclude.includes('*') ? [] : exclude)],
    entryPoints: Object.fromEntries(sources.map(({ name, source }) => [join(name, source), join(serviceRoot, `${source}.ts`)])),
    outdir: outDir,
    outExtension: { '.js': outputFileExtension },
    logLevel: 'error',
  });
  return sources.map(({ name, file }) => ({ name, file }));
}

/** Builds every function into `outDir`: the real package (zips) or, for smoke runs, esbuild alone. */
async function buildBundles(outDir: string, smoke: boolean): Promise<{ name: string; file: string; zipBytes: number | null }[]> {
  const { functions, custom } = config();
  const settings = custom.esbuild;
  if (smoke) return (await esbuildFunctions(root, outDir)).map((bundle) => ({ ...bundle, zipBytes: null }));
  // As a deploy would package it, in a copy of the service (no developer's .env can reach it), with
  // the settings a deploy needs and no AWS credentials.
  const service = copyOfService();
  const env = serviceEnvironment({ SPOTIFY_CLIENT_ID: 'bench-client-id', OWNER_SPOTIFY_ID: 'bench-owner', ESBUILD_WORK_FOLDER: '.esbuild-bench' });
  for (const name of Object.keys(env)) if (name.startsWith('AWS_')) delete env[name];
  const serverless = createRequire(import.meta.url).resolve('serverless/bin/serverless.js');
  try {
    await run(process.execPath, [serverless, 'package', '--stage', 'prod', '--package', join(outDir, 'package')], {
      cwd: service,
      env: { ...env, AWS_SHARED_CREDENTIALS_FILE: '/nonexistent', AWS_CONFIG_FILE: '/nonexistent' },
      timeout: 180_000,
    });
  } finally {
    rmSync(service, { recursive: true, force: true });
  }
  const bundles = [];
  for (const [name, { handler }] of Object.entries(functions)) {
    const zip = join(outDir, 'package', `${name}.zip`);
    for (const [path, content] of await unzip(zip)) {
      mkdirSync(dirname(join(outDir, name, path)), { recursive: true });
      writeFileSync(join(outDir, name, path), content);
    }
    bundles.push({ name, file: join(outDir, name, bundlePath(handler, settings)), zipBytes: statSync(zip).size });
  }
  return bundles;
}

/** Milliseconds `import()` of `file` takes in a fresh node process, as a cold Lambda container would. */
async function importTime(file: string): Promise<number> {
  const script = `const t = performance.now(); await import(${JSON.stringify(pathToFileURL(file).href)}); console.log(performance.now() - t);`;
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], {
    // A Lambda-like environment: no loaders from the bench's own NODE_OPTIONS; what the bundle
    // leaves out for the runtime to provide (serverless.yml's `exclude`) resolves from node_modules.
    env: {
      PATH: process.env.PATH,
      NODE_PATH: join(root, 'node_modules'),
      AWS_REGION: 'us-east-1',
      TABLE_NAME: 'spotify-highlights-prod',
      POWERTOOLS_SERVICE_NAME: 'spotify-highlights',
    },
  });
  return Number(stdout.trim());
}

/** Builds the bundles (slow, CPU-heavy: start it while nothing is being timed). */
export async function prepareBundles(smoke: boolean): Promise<{ bundles: Awaited<ReturnType<typeof buildBundles>>; dispose(): void }> {
  const outDir = mkdtempSync(join(tmpdir(), 'sh-bench-bundles-'));
  try {
    return { bundles: await buildBundles(outDir, smoke), dispose: () => rmSync(outDir, { recursive: true, force: true }) };
  } catch (error) {
    rmSync(outDir, { recursive: true, force: true });
    throw error;
  }
}

/** Times each bundle's cold import `runs` times, one process after another. */
export async function measureInit(bundles: { name: string; file: string; zipBytes: number | null }[], runs: number): Promise<BundleFigure[]> {
  const figures: BundleFigure[] = [];
  for (const bundle of bundles) {
    const times: number[] = [];
    for (let i = 0; i < runs; i++) times.push(await importTime(bundle.file));
    figures.push({ function: bundle.name, zipBytes: bundle.zipBytes, bundleBytes: statSync(bundle.file).size, initMs: { median: median(times), min: Math.min(...times), runs: times } });
  }
  return figures;
}
