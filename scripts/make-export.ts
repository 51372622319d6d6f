/**
 * Writes a synthetic Spotify data export (tests/support/spotify-export.ts), to try the import on
 * something the size of a real one without anyone's real listening:
 *
 *   npx tsx scripts/make-export.ts --out export.zip --years 2 --plays-per-day 50 [--seed 7] [--legacy]
 *
 * An --out ending in .zip writes the zip Spotify sends; anything else, the folder it unpacks to.
 */
import { parseArgs } from 'node:util';
import { writeExportFolder, writeExportZip, type ExportOptions } from '../tests/support/spotify-export';

const USAGE = 'usage: npx tsx scripts/make-export.ts --out <export.zip|folder> [--years 1] [--plays-per-day 30] [--seed 1] [--legacy]';

function positive(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  if (!Number.isFinite(number) || number <= 0) throw new Error(`--${name} must be a positive number, not "${value}"`);
  return number;
}

try {
  const { values } = parseArgs({
    options: {
      out: { type: 'string' },
      years: { type: 'string' },
      'plays-per-day': { type: 'string' },
      seed: { type: 'string' },
      legacy: { type: 'boolean' },
    },
  });
  if (!values.out) throw new Error('--out is needed');
  const options: ExportOptions = {
    years: positive('years', values.years),
    playsPerDay: positive('plays-per-day', values['plays-per-day']),
    seed: positive('seed', values.seed),
    legacy: values.legacy ?? false,
  };
  const made = values.out.toLowerCase().endsWith('.zip') ? await writeExportZip(values.out, options) : await writeExportFolder(values.out, options);
  const elements = Object.values(made.extended).reduce((sum, count) => sum + count, 0);
  console.log(`Wrote ${values.out}: ${made.files.length} files, ${elements} extended history entries (${made.extended.play} plays), ${made.account.play} account data plays.`);
} catch (error) {
  console.error(`${(error as Error).message}\n${USAGE}`);
  process.exitCode = 1;
}
