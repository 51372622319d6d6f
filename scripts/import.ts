/**
 * `npm run import -- <my_spotify_data.zip | folder | file.json | file.jsonl …> [--stage <name>]`:
 * imports Spotify's data export ("Download your data") into the owner's listening history
 * (lib/features/import/import.ts), with no Spotify call. Where it writes is
 * scripts/history-target.ts's: the running `npm start` stack, or a deployed stage.
 *
 * On a terminal a progress bar (files, plays read, rate, time left); elsewhere a plain line every
 * few seconds. Then the report: what was read, imported, found stored already, skipped and why.
 * A reason it cannot run (a file that is no export, the stack not running, nobody connected) is
 * one line on standard error and exit code 2. An import cut short is finished by running it again:
 * its writes are idempotent. Nothing of the export's personal fields is ever printed: the reading
 * layer drops them before a play exists, and the report holds counts, times and file names only.
 */
import { parseArgs } from 'node:util';
import { SingleBar } from 'cli-progress';
import type { ImportProgress, ImportReport } from '../lib/features/import/import';
import { openHistoryTarget, TargetError } from './history-target';

const USAGE = `usage: npm run import -- <my_spotify_data.zip | folder | file.json | file.jsonl …> [--stage <name>] [--region <name>]

Imports Spotify's data export into the owner's listening history: the zip Spotify sends, the
folder it unpacks to, single files of it, or a .jsonl written by \`npm run export\`. Plays already
stored (collected, or imported before) are not stored again, so running it twice adds nothing,
and an import that was cut short finishes when run again.

  --stage <name>    a deployed stage, with your AWS credentials (default: the running \`npm start\` stack)
  --region <name>   the stage's AWS region (default: AWS_REGION, else your AWS configuration's)
  --help            this text`;

/** How often a plain progress line is written when the output is no terminal. */
const PLAIN_EVERY_MS = 5_000;

/** A mistake in how the script was called, said in one line. */
class UsageError extends Error {}

const count = (value: number) => value.toLocaleString('en-US');
const counted = (value: number, one: string, many = `${one}s`) => `${count(value)} ${value === 1 ? one : many}`;

/** "1h 02m", "3m 07s", "12s". */
function duration(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  const [hours, minutes, rest] = [Math.floor(seconds / 3600), Math.floor((seconds % 3600) / 60), seconds % 60];
  if (hours) return `${hours}h ${String(minutes).padStart(2, '0')}m`;
  if (minutes) return `${minutes}m ${String(rest).padStart(2, '0')}s`;
  return `${rest}s`;
}

/** How many streaming-history files the import will read: the progress's whole. Only names are looked at. */
async function historyFiles(paths: string[]): Promise<number> {
  const { exportEntries } = await import('../lib/features/import/export-files');
  let files = 0;
  // Each entry's stream is let go of unread as the loop moves on (export-files.ts's handedOut).
  for await (const entry of exportEntries(paths)) {
    entry.stream.destroy();
    files += 1;
  }
  return files;
}

/** What the progress shows: the rate of plays read, and the time left from the plays per file so far. */
class Pace {
  private readonly started = Date.now();
  private readAtLastFile = 0;
  private filesDone = 0;

  constructor(readonly files: number) {}

  update(progress: ImportProgress): { rate: number; left: string } {
    if (progress.filesDone !== this.filesDone) {
      this.filesDone = progress.filesDone;
      this.readAtLastFile = progress.read;
    }
    const elapsed = Math.max(1, Date.now() - this.started);
    const rate = (progress.read / elapsed) * 1000;
    if (this.filesDone >= this.files) return { rate, left: 'writing the days' };
    if (this.filesDone === 0 || rate === 0) return { rate, left: '…' };
    const expected = (this.readAtLastFile / this.filesDone) * this.files;
    return { rate, left: duration((Math.max(0, expected - progress.read) / rate) * 1000) };
  }
}

interface Display {
  update(progress: ImportProgress): void;
  stop(): void;
}

function progressBar(files: number): Display {
  const pace = new Pace(files);
  const bar = new SingleBar({
    format: 'Importing |{bar}| {value}/{total} files | {read} plays read | {rate}/s | {left}',
    stream: process.stdout,
    hideCursor: true,
    barsize: 30,
    fps: 5,
  });
  bar.start(files, 0, { read: '0', rate: '0', left: '…' });
  return {
    update(progress) {
      const { rate, left } = pace.update(progress);
      bar.update(progress.filesDone, { read: count(progress.read), rate: count(Math.round(rate)), left });
    },
    stop: () => bar.stop(),
  };
}

function plainLines(files: number): Display {
  const pace = new Pace(files);
  let lastAt = 0;
  return {
    update(progress) {
      const { rate, left } = pace.update(progress);
      if (Date.now() - lastAt < PLAIN_EVERY_MS) return;
      lastAt = Date.now();
      const time = left === '…' || left === 'writing the days' ? left : `about ${left} left`;
      console.log(`${progress.filesDone}/${files} files, ${count(progress.read)} plays read, ${count(progress.imported)} imported, ${count(Math.round(rate))}/s, ${time}`);
    },
    stop: () => undefined,
  };
}

/** The final report, as lines. */
function reportLines(report: ImportReport, where: string, seconds: number): string[] {
  const skipped = Object.entries(report.skipped).filter(([, value]) => value > 0);
  const skippedTotal = skipped.reduce((sum, [, value]) => sum + value, 0);
  const row = (label: string, value: string) => `  ${label.padEnd(16)}${value}`;
  const lines = [
    `Imported into ${where} in ${duration(seconds * 1000)}:`,
    row('read', `${counted(report.read, 'entry', 'entries')} from ${counted(report.filesDone, 'file')}`),
    row('imported', counted(report.imported, 'play')),
    row('duplicates', `${count(report.duplicates)} (stored already: collected, or imported before)`),
    row('covered', `${count(report.covered)} account-data plays inside the extended history's period (it has them, with ids)`),
  ];
  if (report.pastRetention) lines.push(row('past retention', `${count(report.pastRetention)} plays older than HISTORY_RETENTION_DAYS, not kept`));
  lines.push(row('skipped', skippedTotal ? `${count(skippedTotal)}: ${skipped.map(([reason, value]) => `${count(value)} ${reason.replace('_', ' ')}`).join(', ')}` : '0'));
  lines.push(row('days touched', count(report.days)));
  lines.push(row('first play', report.first ?? '—'));
  lines.push(row('last play', report.last ?? '—'));
  if (report.skippedFiles.length) {
    lines.push(`  files skipped (no streaming history): ${report.skippedFiles.length}`);
    for (const name of report.skippedFiles) lines.push(`    ${name}`);
  }
  return lines;
}

async function main(): Promise<void> {
  let parsed;
  try {
    parsed = parseArgs({
      allowPositionals: true,
      options: { stage: { type: 'string' }, region: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    });
  } catch (error) {
    throw new UsageError(`${(error as Error).message} (--help lists the options)`);
  }
  const { values, positionals: paths } = parsed;
  if (values.help) {
    console.log(USAGE);
    return;
  }
  if (!paths.length) throw new UsageError('Name the export to import: npm run import -- <my_spotify_data.zip | folder | file.json …> (--help says more)');

  const target = await openHistoryTarget({ stage: values.stage, region: values.region });
  // Imported only now: the service's modules read the environment the target has just set.
  const { importExport } = await import('../lib/features/import/import');
  const files = await historyFiles(paths);
  const display = process.stdout.isTTY ? progressBar(files) : plainLines(files);
  if (!process.stdout.isTTY) console.log(`Importing ${counted(files, 'streaming-history file')} into ${target.where}…`);
  const started = Date.now();
  process.once('SIGINT', () => {
    display.stop();
    console.error('\nInterrupted: run the same command again to finish the import (nothing is stored or counted twice).');
    process.exit(130);
  });
  let report: ImportReport;
  try {
    report = await importExport(paths, { user: target.user, onProgress: (progress) => display.update(progress) });
  } finally {
    display.stop();
  }
  for (const line of reportLines(report, target.where, (Date.now() - started) / 1000)) console.log(line);
}

/** Errors a person can act on, said in one line; anything else is a bug and keeps its stack. */
function oneLine(error: unknown): { line: string; code: number } | null {
  const name = (error as Error)?.name;
  if (error instanceof TargetError || error instanceof UsageError || name === 'ExportFileError') return { line: (error as Error).message, code: 2 };
  if (name === 'StorageError') return { line: `${(error as Error).message}: the import stopped; run it again to finish (nothing is stored or counted twice).`, code: 1 };
  return null;
}

try {
  await main();
} catch (error) {
  const said = oneLine(error);
  if (!said) throw error;
  console.error(said.line.replace(/\s*[\r\n]+\s*/g, ' '));
  process.exitCode = said.code;
}
