/**
 * Which Chromium the browser tests use, and that the one `npm ci` installs works here: unpacked
 * into a folder of its own, launched, and drawing text (in the package's own font) and an SVG,
 * with the machine's libraries or with the ones the package ships.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { findChromium, launchChromium, runChromium, type ChromiumBuild, type Machine } from '../support/browser';
import { missingLibraries, unpackNpmChromium } from '../support/npm-chromium';
import { saveFailureArtifacts } from '../support/page-checks';

/** A Linux x64 machine with `executables` and the npm package installed, unless told otherwise. */
function machine(executables: string[], env: Record<string, string> = {}, more: Partial<Machine> = {}): Machine {
  return { env, platform: 'linux', arch: 'x64', isExecutable: (path) => executables.includes(path), npmChromiumInstalled: true, ...more };
}

const SYSTEM = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome', '/usr/bin/google-chrome-stable'];

describe('choosing the Chromium for the browser tests', () => {
  it('takes CHROMIUM_PATH first, then the first system Chromium or Chrome, in order, then the npm-shipped one', () => {
    expect(findChromium(machine([...SYSTEM, '/opt/mine/chrome'], { CHROMIUM_PATH: '/opt/mine/chrome' }))).toEqual({ from: 'CHROMIUM_PATH', path: '/opt/mine/chrome' });
    for (const [index, path] of SYSTEM.entries()) {
      expect(findChromium(machine(SYSTEM.slice(index)))).toEqual({ from: 'system', path });
    }
    expect(findChromium(machine([]))).toEqual({ from: 'npm', packagedLibs: false });
  });

  it('never falls back from a CHROMIUM_PATH that is not there', () => {
    expect(() => findChromium(machine(SYSTEM, { CHROMIUM_PATH: '/opt/gone' }))).toThrow('CHROMIUM_PATH is /opt/gone, which is not an executable file.');
  });

  it('CHROMIUM=npm takes the npm-shipped one over a system one; CHROMIUM=system never the npm one', () => {
    expect(findChromium(machine(SYSTEM, { CHROMIUM: 'npm' }))).toEqual({ from: 'npm', packagedLibs: false });
    expect(findChromium(machine(SYSTEM, { CHROMIUM: 'system' }))).toEqual({ from: 'system', path: '/usr/bin/chromium' });
    expect(() => findChromium(machine([], { CHROMIUM: 'system' }))).toThrow(/^No Chromium for the browser tests \(CHROMIUM=system\)\. Tried, in order:\n {2}CHROMIUM_PATH: not set\n(?:.*: not found\n){4}Install/);
  });

  it('CHROMIUM_LIBS=packaged makes the npm-shipped one use the libraries it ships', () => {
    expect(findChromium(machine([], { CHROMIUM_LIBS: 'packaged' }))).toEqual({ from: 'npm', packagedLibs: true });
  });

  it('refuses switches it does not know, or that contradict each other', () => {
    expect(() => findChromium(machine(SYSTEM, { CHROMIUM: 'firefox' }))).toThrow('CHROMIUM must be npm or system, not "firefox".');
    expect(() => findChromium(machine(SYSTEM, { CHROMIUM: 'npm', CHROMIUM_PATH: '/usr/bin/chromium' }))).toThrow('CHROMIUM=npm and CHROMIUM_PATH are both set: set one of them.');
    expect(() => findChromium(machine([], { CHROMIUM_LIBS: 'yes' }))).toThrow('CHROMIUM_LIBS must be packaged (or unset), not "yes".');
  });

  it('with no Chromium at all, says what it tried, in order, and how to fix it', () => {
    const fix =
      'Install Chromium or Chrome (Debian: apt-get install chromium), or set CHROMIUM_PATH to one; on Linux x64, `npm ci` installs one with the dev dependency @sparticuz/chromium.';
    expect(() => findChromium(machine([], {}, { arch: 'arm64' }))).toThrow(
      [
        'No Chromium for the browser tests. Tried, in order:',
        '  CHROMIUM_PATH: not set',
        '  /usr/bin/chromium: not found',
        '  /usr/bin/chromium-browser: not found',
        '  /usr/bin/google-chrome: not found',
        '  /usr/bin/google-chrome-stable: not found',
        '  the npm-shipped Chromium (@sparticuz/chromium): skipped, it is built for Linux x64 and this is linux arm64',
        fix,
      ].join('\n'),
    );
    expect(() => findChromium(machine([], { CHROMIUM: 'npm' }, { npmChromiumInstalled: false }))).toThrow(
      `No Chromium for the browser tests (CHROMIUM=npm). Tried, in order:\n  the npm-shipped Chromium (@sparticuz/chromium): not installed (run npm ci; it is a dev dependency)\n${fix}`,
    );
  });

  it('a run without a Chromium fails each browser test with the finder\'s message', async () => {
    await expect(launchChromium({ error: 'No Chromium for the browser tests.' })).rejects.toThrow('No Chromium for the browser tests.');
  });

  it('the run uses the Chromium the finder picks', () => {
    const source = findChromium();
    const used = runChromium() as ChromiumBuild;
    if (source.from === 'npm') {
      expect(used.executablePath).toMatch(new RegExp(`^${tmpdir()}/sh-chromium-\\w+/chromium$`));
      expect(used.label).toMatch(/^npm-shipped Chromium \d+\.\d+\.\d+\.\d+ \(@sparticuz\/chromium \d+\.\d+\.\d+\)/);
    } else {
      expect(used).toEqual({ executablePath: source.path, env: {}, label: expect.stringMatching(/^(?:system|CHROMIUM_PATH) Chromium \d+\.\d+\.\d+\.\d+ at /) });
    }
  });

  it('a failed browser test\'s folder says which Chromium it ran on', async () => {
    const dir = await saveFailureArtifacts('chromium test of the failure folder', [], '');
    try {
      const used = runChromium();
      expect(readFileSync(join(dir, 'browser.txt'), 'utf8').split('\n')[0]).toBe(`browser: ${'error' in used ? used.error : used.label}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reads the libraries ldd cannot find', () => {
    const ldd = [
      '\tlinux-vdso.so.1 (0x00007ffd5b3f2000)',
      '\tlibnspr4.so => not found',
      '\tlibnss3.so => /lib/x86_64-linux-gnu/libnss3.so (0x00007f7296065000)',
      '\tlibexpat.so.1 => not found',
      '\t/lib64/ld-linux-x86-64.so.2 (0x00007f72a2048000)',
    ].join('\n');
    expect(missingLibraries(ldd)).toEqual(['libnspr4.so', 'libexpat.so.1']);
    expect(missingLibraries('\tlibc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x00007f7295d24000)\n')).toEqual([]);
  });
});

/** The browser process Playwright started from `executablePath` (a child of this worker), by /proc. */
function browserPid(executablePath: string): number {
  const pids = readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .filter((pid) => {
      try {
        // The field after the parenthesised name is the state, then the parent's pid.
        const parent = Number(/\) \S+ (\d+)/.exec(readFileSync(`/proc/${pid}/stat`, 'utf8'))?.[1]);
        return parent === process.pid && readlinkSync(`/proc/${pid}/exe`) === executablePath;
      } catch {
        return false;
      }
    });
  expect(pids, `browser processes of ${executablePath}`).toHaveLength(1);
  return Number(pids[0]);
}

/** Where the running browser loaded libnss3 from. */
function nssFile(pid: number): string | undefined {
  return readFileSync(`/proc/${pid}/maps`, 'utf8')
    .split('\n')
    .map((line) => line.split(/\s+/)[5])
    .find((file) => file?.endsWith('/libnss3.so'));
}

const PAGE = `<!doctype html><html lang="en"><head><title>Render</title></head>
<body style="margin:0;background:#fff">
<p id="text" style="margin:0;font:bold 48px sans-serif;color:#000">Top artists</p>
<svg width="100" height="100"><circle cx="50" cy="50" r="50" fill="#1db954"/></svg>
</body></html>`;

/** Renders PAGE and checks the text is drawn in the package's font and the screenshot shows text and the SVG. */
async function expectRenders(browser: Browser): Promise<void> {
  const page = await browser.newPage({ viewport: { width: 400, height: 200 } });
  await page.setContent(PAGE);
  const cdp = await page.context().newCDPSession(page);
  const { root } = await cdp.send('DOM.getDocument');
  const { nodeId } = await cdp.send('DOM.querySelector', { nodeId: root.nodeId, selector: '#text' });
  await cdp.send('CSS.enable');
  const { fonts } = await cdp.send('CSS.getPlatformFontsForNode', { nodeId });
  // Only the fonts inside the package: a fresh machine may have none of its own.
  expect(fonts.map((font) => font.familyName)).toEqual(['Open Sans']);

  const shot = await page.screenshot();
  // The screenshot decoded by the browser: black text pixels in the first 64 rows, the SVG's green below.
  const counts = await page.evaluate<{ black: number; green: number; white: number }>(`(async () => {
    const image = new Image();
    image.src = 'data:image/png;base64,${shot.toString('base64')}';
    await image.decode();
    const canvas = Object.assign(document.createElement('canvas'), { width: image.naturalWidth, height: image.naturalHeight });
    const context = canvas.getContext('2d');
    context.drawImage(image, 0, 0);
    const data = context.getImageData(0, 0, canvas.width, canvas.height).data;
    const counts = { black: 0, green: 0, white: 0 };
    for (let i = 0; i < data.length; i += 4) {
      const [r, g, b] = data.slice(i, i + 3);
      const row = Math.floor(i / 4 / canvas.width);
      if (row < 64 && r + g + b < 60) counts.black++;
      if (row >= 64 && r === 29 && g === 185 && b === 84) counts.green++;
      if (r === 255 && g === 255 && b === 255) counts.white++;
    }
    return counts;
  })()`);
  expect(counts.black, 'text pixels').toBeGreaterThan(1_000);
  // A circle of radius 50: about 7,850 pixels, a few at its edge blended.
  expect(counts.green, 'SVG pixels').toBeGreaterThan(7_000);
  expect(counts.white, 'background pixels').toBeGreaterThan(40_000);
  await page.close();
}

describe.runIf(process.platform === 'linux' && process.arch === 'x64')('the npm-shipped Chromium', { timeout: 60_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'sh-chromium-test-'));
  let browser: Browser | undefined;

  afterEach(async () => {
    await browser?.close();
    browser = undefined;
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  let build: ChromiumBuild;
  beforeAll(async () => {
    const started = performance.now();
    build = await unpackNpmChromium(dir, { packagedLibs: false });
    console.log(`unpacked the npm-shipped Chromium in ${Math.round(performance.now() - started)} ms: ${build.label}`);
  }, 60_000);

  it('launches from its own folder and renders text and an SVG, with the machine\'s libraries when it has them all', async () => {
    expect(build.executablePath).toBe(join(dir, 'chromium'));
    const started = performance.now();
    browser = await launchChromium(build);
    console.log(`launched it in ${Math.round(performance.now() - started)} ms`);
    expect(browser.version()).toMatch(/^147\./);
    const lacking = missingLibraries(execFileSync('ldd', [build.executablePath], { encoding: 'utf8' }));
    const packaged = join(dir, 'al2023', 'lib');
    expect(build.env.LD_LIBRARY_PATH?.startsWith(packaged) ?? false, `libraries the machine lacks: ${lacking.join(', ')}`).toBe(lacking.length > 0);
    expect(nssFile(browserPid(build.executablePath))?.startsWith(`${packaged}/`)).toBe(lacking.length > 0);
    await expectRenders(browser);
  });

  it('launches and renders with the libraries it ships, as on a machine without them', async () => {
    const packaged = await unpackNpmChromium(dir, { packagedLibs: true });
    expect(packaged.label).toMatch(/with the package's libraries \(CHROMIUM_LIBS=packaged\)$/);
    browser = await launchChromium(packaged);
    expect(nssFile(browserPid(packaged.executablePath))).toBe(join(dir, 'al2023', 'lib', 'libnss3.so'));
    await expectRenders(browser);
  });
});
