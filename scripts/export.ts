/**
 * `npm run export -- [--stage <name>] [--region <region>] [--format jsonl|csv] [--out <file>]`:
 * writes every stored play of the owner's history, oldest first, one a line, in the extended
 * streaming history's field names plus the service's x_ fields (lib/features/import/export-plays.ts),
 * to standard output unless --out names a file. A .jsonl export imports again with `npm run import`.
 * Where it reads is scripts/history-target.ts's: the running local stack, or a deployed stage.
 */
import { createWriteStream } from 'node:fs';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import { openHistoryTarget, TargetError } from './history-target';

const USAGE = `usage: npm run export -- [--stage <name>] [--region <region>] [--format jsonl|csv] [--out <file>]

Writes every play of the owner's listening history, oldest first, one a line: JSON Lines (the
default) in the field names of Spotify's extended streaming history plus x_ fields for what that
format lacks (every artist, the track's length, explicit, imported or collected), which
\`npm run import\` reads back; or CSV with the same columns (lists joined with ";").

  --stage <name>    a deployed stage, with your AWS credentials (default: the running \`npm start\` stack)
  --region <name>   the stage's AWS region (default: AWS_REGION, else your AWS configuration's)
  --format <f>      jsonl (default) or csv
  --out <file>      write to this file (default: standard output)
  --help            this text`;

/** A mistake in how the script was called, said in one line. */
class UsageError extends Error {}

async function main(): Promise<void> {
  let parsed;
  try {
    parsed = parseArgs({
      options: {
        stage: { type: 'string' },
        region: { type: 'string' },
        format: { type: 'string', default: 'jsonl' },
        out: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    throw new UsageError(`${(error as Error).message} (--help lists the options)`);
  }
  const { values } = parsed;
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const format = values.format;
  if (format !== 'jsonl' && format !== 'csv') throw new UsageError(`--format is jsonl or csv, not "${format}"`);

  const target = await openHistoryTarget({ stage: values.stage, region: values.region });
  // The service's modules read the environment the target has just set.
  const { exportPlays } = await import('../lib/features/import/export-plays');
  let plays = 0;
  const lines = Readable.from(exportPlays(target.user, format, () => (plays += 1)));
  const out: Writable = values.out ? createWriteStream(values.out) : process.stdout;
  // stdout is not ended by pipeline's end: a later console.error still has it.
  await pipeline(lines, out, { end: Boolean(values.out) });
  // Standard output holds the plays: what is said about them goes to standard error.
  console.error(`Exported ${plays} plays from ${target.where}${values.out ? ` to ${values.out}` : ''}.`);
}

try {
  await main();
} catch (error) {
  // A reader that stopped early (`| head`) wanted no more: not an error.
  if ((error as NodeJS.ErrnoException)?.code === 'EPIPE') process.exit(0);
  if (error instanceof TargetError || error instanceof UsageError || (error as Error)?.name === 'StorageError' || (error as NodeJS.ErrnoException)?.code !== undefined) {
    console.error((error as Error).message.split('\n')[0]);
    process.exitCode = 2;
  } else throw error;
}
