/**
 * The Chromium that `npm ci` installed inside @sparticuz/chromium, unpacked into a folder the run
 * owns (never the package's shared os.tmpdir()/chromium, where two runs could meet a half-written
 * file), with its own fonts and, when the machine lacks them, its own libraries.
 */
import { execFile } from 'node:child_process';
import { createReadStream, createWriteStream, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { promisify } from 'node:util';
import { createBrotliDecompress } from 'node:zlib';
import { NPM_CHROMIUM_BIN, type ChromiumBuild } from './browser';

const run = promisify(execFile);
const root = resolve(import.meta.dirname, '../..');

/** The libraries `ldd` could not find, from its output. */
export function missingLibraries(lddOutput: string): string[] {
  return [...lddOutput.matchAll(/^\s*(\S+) => not found\s*$/gm)].map((match) => match[1]!);
}

/** What `ldd` says `binary` lacks with `env`; undefined if ldd itself cannot run. */
async function lddMissing(binary: string, env: Record<string, string>): Promise<string[] | undefined> {
  try {
    const { stdout } = await run('ldd', [binary], { env: { ...process.env, ...env } });
    return missingLibraries(stdout);
  } catch (error) {
    const { stdout } = error as { stdout?: string };
    return stdout ? missingLibraries(stdout) : undefined;
  }
}

/**
 * Unpacks a brotli-compressed tarball of the package into `into`, with node's brotli and the
 * system's tar. Through a file: tar stops reading at the archive's end, before a pipe is drained.
 */
async function untar(tarball: string, into: string): Promise<void> {
  mkdirSync(into, { recursive: true });
  const plain = join(into, 'unpacking.tar');
  await pipeline(createReadStream(tarball), createBrotliDecompress(), createWriteStream(plain));
  try {
    await run('tar', ['-x', '--no-same-owner', '-f', plain, '-C', into]);
  } catch (error) {
    throw new Error(`tar could not unpack ${tarball}: ${(error as Error).message}`);
  } finally {
    rmSync(plain, { force: true });
  }
}

/** The version a Chromium says it is (Debian's wrapper adds words of its own around it). */
export async function chromiumVersion(binary: string, env: Record<string, string> = {}): Promise<string> {
  const { stdout } = await run(binary, ['--version'], { env: { ...process.env, ...env } });
  return /\d+(?:\.\d+){3}/.exec(stdout)?.[0] ?? 'of unknown version';
}

/**
 * Unpacks the npm-shipped Chromium into `dir` (about 200 MB), ready to launch. Libraries come from
 * the package (its al2023.tar.br, built for Amazon Linux 2023) when `packagedLibs` is set or when
 * ldd finds the machine lacks some; the package itself unpacks them only on Lambda.
 */
export async function unpackNpmChromium(dir: string, { packagedLibs }: { packagedLibs: boolean }): Promise<ChromiumBuild> {
  const started = performance.now();
  // The package's own unpacker writes to os.tmpdir(): in a child whose TMPDIR is `dir`, it writes there.
  const { stdout } = await run(
    process.execPath,
    ['--input-type=module', '-e', "const { default: chromium } = await import('@sparticuz/chromium'); console.log(await chromium.executablePath());"],
    { cwd: root, env: { ...process.env, TMPDIR: dir } },
  );
  const executablePath = stdout.trim();
  if (executablePath !== join(dir, 'chromium')) throw new Error(`@sparticuz/chromium unpacked to ${executablePath}, not into ${dir}`);

  // Only the package's fonts, whatever the machine has: a fresh machine may have none. (Its own
  // fonts.conf names /tmp/fonts.)
  const fontsConf = join(dir, 'fonts.conf');
  writeFileSync(fontsConf, `<?xml version="1.0"?>\n<fontconfig>\n  <dir>${join(dir, 'fonts')}</dir>\n  <cachedir>${join(dir, 'fonts-cache')}</cachedir>\n</fontconfig>\n`);
  const env: Record<string, string> = { FONTCONFIG_FILE: fontsConf };

  const lacking = packagedLibs ? [] : await lddMissing(executablePath, env);
  const libs = packagedLibs || lacking === undefined || lacking.length > 0;
  if (libs) {
    await untar(join(NPM_CHROMIUM_BIN, 'al2023.tar.br'), join(dir, 'al2023'));
    env.LD_LIBRARY_PATH = [join(dir, 'al2023', 'lib'), process.env.LD_LIBRARY_PATH].filter(Boolean).join(':');
    const still = await lddMissing(executablePath, env);
    if (still?.length) {
      throw new Error(`The npm-shipped Chromium needs ${still.join(', ')}, which neither this machine nor @sparticuz/chromium has: install them, or a system Chromium.`);
    }
  }
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  const { version } = JSON.parse(readFileSync(join(NPM_CHROMIUM_BIN, '../package.json'), 'utf8')) as { version: string };
  const why = packagedLibs ? 'CHROMIUM_LIBS=packaged' : lacking ? `the machine lacks ${lacking.join(', ')}` : 'no ldd to check the machine';
  const label =
    `npm-shipped Chromium ${await chromiumVersion(executablePath, env)} (@sparticuz/chromium ${version}), unpacked in ${seconds} s to ${dir}, ` +
    (libs ? `with the package's libraries (${why})` : "with the machine's libraries");
  return { executablePath, env, label };
}
