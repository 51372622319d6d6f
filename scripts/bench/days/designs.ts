/**
 * The two designs the simulated days compare, as built bundles: this service (the checkout, as it
 * is on disk) and today's design, main before the day's budget (commit a5fbd8c). The bench builds
 * that one itself: a git worktree of the commit in a temporary folder outside the checkout, its
 * handlers bundled with esbuild and its own serverless.yml's esbuild settings, packages resolved
 * from the checkout's node_modules; the worktree is removed as soon as the bundles are built.
 * Each design keeps its own serverless.yml's table definitions, so each gets its own table layout.
 */
import { execFile } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';
import { parse } from 'yaml';
import { esbuildFunctions } from '../bundles';

const run = promisify(execFile);
const root = resolve(import.meta.dirname, '../../..');

export const BASELINE_COMMIT = 'a5fbd8c';
export const DESIGNS = ['service', 'today'] as const;
export type DaysDesign = (typeof DESIGNS)[number];

export const DESIGN_LABELS: Record<DaysDesign, string> = {
  service: 'this service (the day\'s budget)',
  today: `today's design (${BASELINE_COMMIT}, no budget)`,
};

/** The main table and the history table, as the design's serverless.yml defines their keys. */
export interface Tables {
  main: CreateTableCommandInput;
  history: CreateTableCommandInput;
}

export interface BuiltDesign {
  design: DaysDesign;
  /** The commit built (and, for the service, whether the checkout had changes on top of it). */
  commit: string;
  /** Function name → its bundle file. */
  bundles: Record<string, string>;
  tables: Tables;
}

function tableOf(config: { resources: { Resources: Record<string, { Properties: CreateTableCommandInput }> } }, name: string): CreateTableCommandInput {
  const table = config.resources.Resources[name];
  if (!table) throw new Error(`serverless.yml defines no table ${name}`);
  const { AttributeDefinitions, KeySchema } = table.Properties;
  return { TableName: '', AttributeDefinitions, KeySchema, BillingMode: 'PAY_PER_REQUEST' };
}

function tablesOf(serviceRoot: string): Tables {
  const config = parse(readFileSync(join(serviceRoot, 'serverless.yml'), 'utf8'));
  return { main: tableOf(config, 'HighlightsTable'), history: tableOf(config, 'HistoryTable') };
}

async function git(...args: string[]): Promise<string> {
  const { stdout } = await run('git', ['-C', root, ...args]);
  return stdout.trim();
}

/**
 * Bundles the service at `serviceRoot` into `outDir`. What the bundles leave out for the Lambda
 * runtime resolves at run time from a node_modules link the caller puts in a parent folder.
 */
async function bundle(serviceRoot: string, outDir: string): Promise<Record<string, string>> {
  const built = await esbuildFunctions(serviceRoot, outDir, [join(root, 'node_modules')]);
  return Object.fromEntries(built.map(({ name, file }) => [name, file]));
}

async function buildService(outDir: string): Promise<BuiltDesign> {
  const head = await git('rev-parse', '--short', 'HEAD');
  const dirty = (await git('status', '--porcelain', '--', 'lib', 'handlers', 'config', 'serverless.yml')) !== '';
  return { design: 'service', commit: dirty ? `${head} and the checkout's changes` : head, bundles: await bundle(root, join(outDir, 'service')), tables: tablesOf(root) };
}

/** Today's design from a worktree of BASELINE_COMMIT, removed once built (also when the build fails). */
async function buildToday(outDir: string): Promise<BuiltDesign> {
  const commit = await git('rev-parse', '--short', BASELINE_COMMIT);
  const worktree = join(outDir, 'worktree');
  await git('worktree', 'add', '--detach', worktree, commit);
  try {
    return { design: 'today', commit, bundles: await bundle(worktree, join(outDir, 'today')), tables: tablesOf(worktree) };
  } finally {
    await git('worktree', 'remove', '--force', worktree).catch(() => rmSync(worktree, { recursive: true, force: true }));
    await git('worktree', 'prune').catch(() => undefined);
  }
}

/** Builds the designs asked for into `outDir` (one after the other: the worktree's build shares the cores). */
export async function buildDesigns(designs: readonly DaysDesign[], outDir: string): Promise<BuiltDesign[]> {
  const built = [];
  for (const design of designs) built.push(design === 'service' ? await buildService(outDir) : await buildToday(outDir));
  return built;
}
