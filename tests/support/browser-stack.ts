/**
 * The world of a browser journey: the Spotify emulator, the real local stack (`npm start`) with
 * its table, and one Chromium, for a whole test file; before each test the emulator forgets every
 * grant and the table is emptied; after each, the browsers opened are closed, and a failed test
 * leaves its screenshots and the service log (page-checks.ts).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import { launchChromium, openSession, type BrowserSession } from './browser';
import { freePort, startLocalStack, type LocalStack } from './local-stack';
import { saveFailureArtifacts } from './page-checks';
import { createDefaultModel, DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, startEmulator, type RunningEmulator } from './spotify-emulator';
import { stackTable, type StackTable } from './stack-table';

export interface BrowserStack {
  emulator: RunningEmulator;
  stack: LocalStack;
  table: StackTable;
  browser: Browser;
  /** A new browser (its own cookies), as a person opening the site. */
  newBrowser(): Promise<BrowserSession>;
}

/** Registers the file's hooks; the stack runs with the test app's credentials and `env`. */
export function useBrowserStack(env: Record<string, string> = {}): BrowserStack {
  const world = {} as BrowserStack;
  let sessions: BrowserSession[] = [];
  const dataDir = mkdtempSync(join(tmpdir(), 'sh-browser-data-'));

  beforeAll(async () => {
    const port = await freePort();
    world.emulator = await startEmulator(createDefaultModel({ redirectUris: [`http://127.0.0.1:${port}/callback`] }));
    world.browser = await launchChromium();
    world.stack = await startLocalStack({
      emulatorUrl: world.emulator.url,
      dataDir,
      port,
      env: { SPOTIFY_CLIENT_ID: DEFAULT_CLIENT_ID, SPOTIFY_CLIENT_SECRET: DEFAULT_CLIENT_SECRET, ...env },
    });
    world.table = stackTable(world.stack.dynamoPort);
  }, 120_000);

  afterAll(async () => {
    await world.browser?.close();
    world.table?.close();
    await world.stack?.stop();
    await world.emulator?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  beforeEach(async () => {
    world.emulator.model.reset();
    await world.table.clear();
  });

  afterEach(async ({ task }) => {
    if (task.result?.state === 'fail') {
      const dir = await saveFailureArtifacts(task.name, sessions, world.stack.output());
      console.error(`Screenshots and the service log of "${task.name}" are in ${dir}`);
    }
    await Promise.all(sessions.map((session) => session.context.close()));
    sessions = [];
  });

  world.newBrowser = async () => {
    const session = await openSession(world.browser, world.emulator.url);
    sessions.push(session);
    return session;
  };
  return world;
}
