/**
 * `npm run bench`: this service against two naive designs, measured in one run (issue 5), and
 * two simulated days of the day's Spotify budget against today's design. Prints the figures and
 * PASS/FAIL per target, writes bench-results/<date>.json and, for a full run, docs/benchmarks.md
 * (`--only <section>` runs some sections and rewrites their part of it); exits non-zero when a
 * target fails. `--smoke` runs tiny counts without serverless offline, packaging or the worktree
 * (tests/bench/smoke.test.ts). Flags: `--help`.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchResult } from './bench/run';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

// Before any of the service's modules load (all are imported dynamically): its logger reads the level then.
process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';

export async function main(argv: string[]): Promise<BenchResult> {
  const started = performance.now();
  const { benchOptions, SECTIONS, USAGE } = await import('./bench/options');
  if (argv.includes('--help')) {
    console.log(USAGE);
    process.exit(0);
  }
  const options = benchOptions(argv);
  const { runBench } = await import('./bench/run');
  const { headline, markdown, ratios, targetLines, targets, updatePage } = await import('./bench/report');
  const say = options.quiet ? () => undefined : (line: string) => console.log(line);

  const result = await runBench(options, say);
  // A full run counts from its process's start (what `npm run bench` waits for); a smoke run, from here.
  result.durationSeconds = options.smoke ? (performance.now() - started) / 1000 : process.uptime();

  mkdirSync(join(root, 'bench-results'), { recursive: true });
  const partial = options.sections.length < SECTIONS.length;
  const name = `${options.smoke ? 'smoke' : result.startedAt.replace(/[:.]/g, '-')}${partial ? `-${options.sections.join('-')}` : ''}`;
  const json = { ...result, ratios: ratios(result), targets: targets(result) };
  writeFileSync(join(root, 'bench-results', `${name}.json`), `${JSON.stringify(json, null, 2)}\n`);
  const wrote = options.smoke ? undefined : writePage(result, partial, { markdown, updatePage });
  say('');
  for (const line of headline(result)) say(line);
  say(options.smoke ? '\nTargets (they apply to full runs; a smoke run\'s counts are too small to meet them):' : '\nTargets:');
  for (const line of targetLines(result)) say(line);
  if (!options.smoke) say(`\n${wrote} and bench-results/${name}.json in ${Math.round(result.durationSeconds)} s.`);
  return result;
}

/** Writes docs/benchmarks.md: all of it after a full run, the parts of the sections run after --only; says what it wrote. */
function writePage(result: BenchResult, partial: boolean, report: Pick<typeof import('./bench/report'), 'markdown' | 'updatePage'>): string {
  const file = join(root, 'docs', 'benchmarks.md');
  if (!partial) {
    writeFileSync(file, report.markdown(result));
    return 'Wrote docs/benchmarks.md';
  }
  const { page, parts } = report.updatePage(existsSync(file) ? readFileSync(file, 'utf8') : undefined, result);
  if (parts.length === 0) return 'Left docs/benchmarks.md as it was (its core part needs every section but days in one run)';
  writeFileSync(file, page);
  return `Rewrote the ${parts.join(' and ')} part of docs/benchmarks.md`;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).then(
    async (result) => {
      const { targets } = await import('./bench/report');
      if (result.mode === 'full' && targets(result).some((target) => !target.pass)) process.exitCode = 1;
    },
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
