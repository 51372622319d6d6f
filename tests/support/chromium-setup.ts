/**
 * Picks the run's Chromium once, before any test worker starts, and hands it to the workers
 * (launchChromium injects it). The npm-shipped one is unpacked here, once, into a folder of this
 * run that goes when the run ends. A machine without any Chromium fails the browser tests with the
 * finder's message, not the whole run.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { findChromium, type ChromiumChoice } from './browser';
import { chromiumVersion, unpackNpmChromium } from './npm-chromium';

export default async function setup(project: TestProject) {
  let dir: string | undefined;
  let choice: ChromiumChoice;
  try {
    const source = findChromium();
    if (source.from === 'npm') {
      dir = mkdtempSync(join(tmpdir(), 'sh-chromium-'));
      choice = await unpackNpmChromium(dir, source);
    } else {
      const which = source.from === 'system' ? 'system' : 'CHROMIUM_PATH';
      choice = { executablePath: source.path, env: {}, label: `${which} Chromium ${await chromiumVersion(source.path)} at ${source.path}` };
    }
    console.log(`Browser tests run on the ${choice.label}`);
  } catch (error) {
    choice = { error: (error as Error).message };
  }
  project.provide('chromium', choice);
  return () => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  };
}
