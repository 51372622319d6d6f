/**
 * `npm run demo` as a newcomer uses it: start it, open the printed URL in Chromium (the service's
 * own home page), press "Connect Spotify" there, go through /login and the (emulated) consent
 * page, see the home page name the owner and preview a card, follow the banner to the demo's page
 * and on to the sample website, which lists the top artists and shows the cards, then save a
 * setting in the owner's console. The browser gets no help: its requests for
 * Spotify's hosts go to a closed port, so the demo passes only if it never sends the browser to
 * Spotify at all. Then Ctrl-C.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, openSession, type BrowserSession } from '../support/browser';
import { freePort, portIsOpen } from '../support/local-stack';
import { SCREENSHOTS_DIR } from '../support/page-checks';

const root = resolve(import.meta.dirname, '../..');
const dataDir = mkdtempSync(join(tmpdir(), 'sh-demo-data-'));
/** Nothing listens here: a request the browser sends to Spotify fails, and is reported. */
const NOWHERE = 'http://127.0.0.1:9';
/** The emulator's sample owner (scripts/demo.ts). */
const OWNER_NAME = 'Alex (demo)';

let browser: Browser;
let demo: ChildProcess;
let url: string;
let output = '';
let session: BrowserSession | undefined;

function groupAlive(pid: number): boolean {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
}

beforeAll(async () => {
  browser = await launchChromium();
  const port = await freePort();
  demo = spawn('npm', ['run', 'demo'], {
    cwd: root,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, DEMO_PORT: String(port), DEMO_DATA_DIR: dataDir },
  });
  await new Promise<void>((done, fail) => {
    const timer = setTimeout(() => fail(new Error(`the demo did not start:\n${output}`)), 100_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const printed = /Open (http:\/\/127\.0\.0\.1:\d+)\//.exec(output);
      if (printed) {
        clearTimeout(timer);
        url = printed[1]!;
        done();
      }
    };
    demo.stdout?.on('data', onData);
    demo.stderr?.on('data', onData);
    demo.once('exit', (code) => fail(new Error(`the demo exited with ${code}:\n${output}`)));
  });
  expect(url).toBe(`http://127.0.0.1:${port}`);
}, 120_000);

afterAll(async () => {
  await session?.context.close();
  await browser?.close();
  if (demo?.pid && groupAlive(demo.pid)) process.kill(-demo.pid, 'SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
});

describe('npm run demo', { timeout: 60_000 }, () => {
  it('walks a newcomer from the printed URL, the service\'s home page, through "Connect Spotify" to the card builder, the sample website and the owner\'s console', async () => {
    session = await openSession(browser, NOWHERE);
    const { page } = session;
    expect(output).toContain(`${url}/demo`);

    // The printed URL first, as a newcomer opens it: the service's own home page, labelled; its button starts the login.
    await page.goto(`${url}/`);
    expect(await page.locator('h1').textContent()).toBe('Spotify highlights');
    expect(await page.locator('.demo-banner').count()).toBe(1);
    expect(await page.getByRole('link', { name: "Owner's console" }).getAttribute('href')).toBe('owner');
    await Promise.all([page.waitForURL((address) => address.pathname === '/authorize'), page.getByRole('link', { name: 'Connect Spotify' }).click()]);
    const consent = new URL(page.url());
    expect(`${consent.origin}${consent.pathname}`).toBe(`${url}/authorize`);
    await expect(page.locator('.demo-banner').textContent()).resolves.toContain('DEMO');
    await page.getByRole('button', { name: 'Accept' }).click();
    await page.waitForURL((address) => address.pathname === '/callback');
    expect(await page.locator('h1').textContent()).toBe('Spotify is connected');
    expect(await page.locator('.demo-banner').count()).toBe(1);

    // Back home: whose listening it is, the builder's preview drawn, its snippets on the URL the person opened.
    await page.goto(`${url}/`);
    expect(await page.locator('main p strong').first().textContent()).toBe(OWNER_NAME);
    const preview = page.locator('img.preview');
    await page.waitForFunction("document.querySelector('img.preview')?.complete");
    expect(await page.evaluate<number>("document.querySelector('img.preview').naturalWidth")).toBeGreaterThan(0);
    expect(await preview.getAttribute('alt')).toContain(OWNER_NAME);
    expect(new URL(await page.locator('#snippet-url').inputValue()).origin).toBe(url);

    // The sample website, as a newcomer finds it: the banner's link to the demo's page, and its link.
    await Promise.all([page.waitForURL(`${url}/demo`), page.getByRole('link', { name: 'About this demo' }).click()]);
    await Promise.all([page.waitForURL(`${url}/examples/`), page.getByRole('link', { name: '2. The sample website' }).click()]);
    expect(await page.locator('.demo-banner').count()).toBe(1);
    await page.locator('#artists li').nth(4).waitFor();
    const fromApi = (await (await fetch(`${url}/highlights?limit=5`)).json()) as { artists: { name: string }[] };
    expect(await page.locator('#artists .name').allTextContents()).toEqual(fromApi.artists.map((artist) => artist.name));
    expect(await page.locator('#tracks li').count()).toBe(5);
    // The artists' pictures and the card are drawn (an image that failed has no natural width).
    await page.waitForFunction("[...document.images].every((image) => image.complete)");
    const widths = await page.evaluate<number[]>('[...document.images].map((image) => image.naturalWidth)');
    // Ten pictures of the lists, and the three cards (top artists, now playing, recently played).
    expect(widths).toHaveLength(13);
    expect(widths.every((width) => width > 0)).toBe(true);
    expect(await page.locator('#card').getAttribute('src')).toBe(`${url}/card.svg?time_range=short_term&limit=5`);
    expect(await page.locator('#card-snippet').textContent()).toContain(`<img src="${url}/card.svg?`);
    // The demo's owner is playing a track: the page says so, and the card links to it.
    const playing = (await (await fetch(`${url}/now-playing`)).json()) as { isPlaying: boolean; item: { name: string } };
    expect(playing.isPlaying).toBe(true);
    await page.locator('#now', { hasText: 'Playing' }).waitFor();
    expect(await page.locator('#now').textContent()).toContain(playing.item.name);
    expect(await page.locator('#now-link').getAttribute('href')).toBe(`${url}/now-playing/open`);
    expect(await page.locator('#now-snippet').textContent()).toBe(`[![Now playing](${url}/now-playing.svg)](${url}/now-playing/open)`);
    const nowCard = await (await fetch(`${url}/now-playing.svg`)).text();
    expect(nowCard).toContain('>Now playing</text>');
    expect(nowCard).toContain(playing.item.name.replace(/&/g, '&#38;').replace(/'/g, '&#39;'));

    mkdirSync(SCREENSHOTS_DIR, { recursive: true });
    const path = join(SCREENSHOTS_DIR, 'demo-examples.png');
    await page.screenshot({ path, fullPage: true });
    if (process.env.UPDATE_DOCS_SCREENSHOTS) copyFileSync(path, join(root, 'docs/demo.png'));

    // The owner's console, signed in by the login above: a setting saved by its script (PUT, JSON,
    // the session's cookie, and this origin as the Origin, which the service takes for its own).
    await page.goto(`${url}/owner`);
    expect(await page.locator('h1').textContent()).toBe('Your console');
    expect(await page.locator('main li strong').first().textContent()).toBe(OWNER_NAME);
    await page.getByLabel('Hide explicit tracks').check();
    const [saved] = await Promise.all([
      page.waitForResponse((answer) => answer.url() === `${url}/owner/settings` && answer.request().method() === 'PUT'),
      page.waitForEvent('load', { timeout: 15_000 }),
      page.getByRole('button', { name: 'Save settings' }).click(),
    ]);
    expect(saved.status()).toBe(200);
    expect(await page.getByLabel('Hide explicit tracks').isChecked()).toBe(true);

    expect(session.blocked, 'requests that left the machine').toEqual([]);
    expect(session.problems, 'console errors, and requests for Spotify hosts').toEqual([]);
    expect(output).not.toMatch(/AQ[\w-]{40}|BQ[\w-]{40}/);
  });

  it('stops everything on Ctrl-C', async () => {
    const pid = demo.pid as number;
    const exited = new Promise((done) => demo.once('exit', done));
    // What a terminal does: SIGINT to the whole foreground process group.
    process.kill(-pid, 'SIGINT');
    await exited;
    const deadline = Date.now() + 15_000;
    while (groupAlive(pid) && Date.now() < deadline) await new Promise((done) => setTimeout(done, 100));
    expect(groupAlive(pid)).toBe(false);
    expect(await portIsOpen(Number(new URL(url).port))).toBe(false);
  });
});
