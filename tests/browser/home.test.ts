/**
 * The home page (GET /) as a person opens it: the real handler's answer, over HTTP with its real
 * headers, in Chromium, with /card.svg and /now-playing.svg served by their real handlers beside
 * it (dynalite and the Spotify emulator behind them). Before anyone connected and once the owner
 * did, it keeps every rule of the service's pages (valid HTML, strict CSP, no script, nothing
 * loaded but the service's own card, fits a phone); its builder's form, sent, changes the preview
 * and the snippets. Saves test-results/screenshots/home*.png; UPDATE_DOCS_SCREENSHOTS=1 also
 * refreshes docs/home.png and docs/home-builder.png.
 */
import { copyFileSync, mkdirSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { handler as homeHandler } from '../../handlers/http/home';
import { forgetContainerMemory } from '../../lib/platform/memory';
import { launchChromium, openSession, type BrowserSession } from '../support/browser';
import { httpEvent, lambdaContext } from '../support/events';
import { expectServicePage, SCREENSHOTS_DIR } from '../support/page-checks';
import { card, nowPlayingCard, useService, type Result } from '../support/service';

const service = useService();

/** No Spotify is needed by the browser: a request for one would fail here, and be reported. */
const NOWHERE = 'http://127.0.0.1:9';

let server: Server;
let base: string;
let browser: Browser;
let session: BrowserSession | undefined;

/** The service's routes under test, each by its real handler; any other path a plain page saying where the link led. */
async function answer(req: IncomingMessage): Promise<Result | { statusCode: number; headers: Record<string, string>; body: string }> {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  const query = Object.fromEntries(url.searchParams);
  // The Host header as the browser sent it: the page's absolute URLs name it.
  const headers = { host: req.headers.host ?? '' };
  if (url.pathname === '/') return (await homeHandler(httpEvent('/', { query, headers, domainName: 'offlineContext_domainName' }), lambdaContext('home'))) as Result;
  if (url.pathname === '/card.svg') return card(query, { headers });
  if (url.pathname === '/now-playing.svg') return nowPlayingCard(query, { headers });
  return { statusCode: 200, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: `reached ${url.pathname}${url.search}` };
}

beforeAll(async () => {
  server = createServer((req, res) => {
    answer(req).then(
      (result) => res.writeHead(result.statusCode ?? 500, result.headers).end(result.body),
      () => res.writeHead(500).end(),
    );
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await new Promise((done) => server?.close(done));
});

afterEach(async () => {
  await session?.context.close();
  session = undefined;
  forgetContainerMemory();
});

async function open(path = '/'): Promise<Page> {
  session = await openSession(browser, NOWHERE);
  const response = await session.page.goto(`${base}${path}`);
  expect(response?.status()).toBe(200);
  return session.page;
}

/** The preview's size once drawn (0 × 0 had it failed). */
async function previewSize(page: Page): Promise<[number, number]> {
  return page.$eval('img.preview', async (image) => {
    const img = image as unknown as { decode(): Promise<void>; naturalWidth: number; naturalHeight: number };
    await img.decode();
    return [img.naturalWidth, img.naturalHeight] as [number, number];
  });
}

const snippet = (page: Page, id: string) => page.locator(`#${id}`).inputValue();

function saveForDocs(name: string): void {
  if (process.env.UPDATE_DOCS_SCREENSHOTS) copyFileSync(join(SCREENSHOTS_DIR, `${name}.png`), resolve(import.meta.dirname, `../../docs/${name}.png`));
}

const ENDPOINTS = ['highlights', 'highlights?type=tracks', 'card.svg', 'now-playing', 'now-playing.svg', 'now-playing/open', 'recently-played', 'status', 'login', 'owner'];

describe('the home page in a browser, before anyone connected', () => {
  it('is a valid, strict, script-free page that fits a phone', async () => {
    session = await openSession(browser, NOWHERE);
    const response = await session.page.goto(`${base}/`);
    await expectServicePage(session, response, { status: 200, heading: 'Spotify highlights', screenshot: 'home-not-connected', formAction: 'self' });
    expect(await session.page.locator('form').count()).toBe(0);
  });

  it('links every endpoint and the owner\'s console, and its button leads to /login', async () => {
    const page = await open();
    const links = await page.locator('a').evaluateAll((anchors) => anchors.map((anchor) => (anchor as unknown as { href: string }).href));
    expect(new Set(links)).toEqual(new Set(ENDPOINTS.map((path) => `${base}/${path}`)));
    expect(await page.getByRole('link', { name: "Owner's console" }).getAttribute('href')).toBe('owner');
    await page.getByRole('link', { name: 'Connect Spotify' }).click();
    await page.waitForURL(`${base}/login`);
    expect(await page.textContent('body')).toBe('reached /login');
  });
});

describe('the home page in a browser, once the owner connected', () => {
  it('says whose listening it is, and keeps every rule with the builder and its live preview', async () => {
    await service.connect();
    session = await openSession(browser, NOWHERE);
    const response = await session.page.goto(`${base}/`);
    const { page } = session;
    expect(await page.locator('main strong').first().textContent()).toBe('Site Owner');
    // The preview is the real card, drawn: 400 px wide by default.
    expect((await previewSize(page))[0]).toBe(400);
    await expectServicePage(session, response, { status: 200, heading: 'Spotify highlights', screenshot: 'home', formAction: 'self', ownImages: true });
    saveForDocs('home');
    expect(await snippet(page, 'snippet-url')).toBe(`${base}/card.svg`);
  });

  it('sends its form to itself: the preview and every snippet follow the chosen options', async () => {
    await service.connect();
    const page = await open();
    await page.selectOption('#type', 'tracks');
    await page.selectOption('#time_range', 'long_term');
    await page.fill('#limit', '3');
    await page.selectOption('#theme', 'midnight');
    await page.fill('#accent', '#ff5500');
    await page.fill('#width', '520');
    await page.fill('#radius', '4');
    await page.fill('#title', 'On repeat & more');
    await Promise.all([page.waitForURL((url) => url.searchParams.get('type') === 'tracks'), page.getByRole('button', { name: 'Show this card' }).click()]);
    // A GET back to the page itself, with every field.
    const sent = new URL(page.url());
    expect(sent.pathname).toBe('/');
    expect(sent.searchParams.get('width')).toBe('520');

    const path = 'card.svg?type=tracks&time_range=long_term&limit=3&theme=midnight&accent=ff5500&width=520&radius=4&title=On%20repeat%20%26%20more';
    expect(await page.locator('img.preview').getAttribute('src')).toBe(path);
    expect(await previewSize(page)).toEqual([520, expect.any(Number)]);
    expect(await snippet(page, 'snippet-url')).toBe(`${base}/${path}`);
    expect(await snippet(page, 'snippet-html')).toBe(`<img src="${base}/${path.replace(/&/g, '&amp;')}" alt="Site Owner's top tracks on Spotify">`);
    expect(await snippet(page, 'snippet-markdown')).toBe(`![Site Owner's top tracks on Spotify](${base}/${path})`);
    const picture = await snippet(page, 'snippet-picture');
    expect(picture).toContain('<source media="(prefers-color-scheme: dark)" srcset="');
    expect(picture).toContain('theme=dark');
    expect(picture).not.toContain('accent=');
    // The form shows what was chosen.
    expect(await page.locator('#type').inputValue()).toBe('tracks');
    expect(await page.locator('#title').inputValue()).toBe('On repeat & more');
    mkdirSync(SCREENSHOTS_DIR, { recursive: true });
    await page.screenshot({ path: join(SCREENSHOTS_DIR, 'home-builder.png'), fullPage: true });
    saveForDocs('home-builder');

    // The now-playing card, too: the list's options leave its URL.
    await page.selectOption('#card', 'now-playing');
    await Promise.all([page.waitForURL((url) => url.searchParams.get('card') === 'now-playing'), page.getByRole('button', { name: 'Show this card' }).click()]);
    const nowPath = 'now-playing.svg?theme=midnight&accent=ff5500&width=520&radius=4&title=On%20repeat%20%26%20more';
    expect(await page.locator('img.preview').getAttribute('src')).toBe(nowPath);
    expect((await previewSize(page))[0]).toBe(520);
    expect(await snippet(page, 'snippet-markdown')).toBe(`[![What Site Owner is playing on Spotify](${base}/${nowPath})](${base}/now-playing/open)`);
    expect(session?.problems).toEqual([]);
    expect(session?.blocked).toEqual([]);
  });

  it('answers bad input with the page: the value clamped, a note by the field, every rule kept', async () => {
    await service.connect();
    session = await openSession(browser, NOWHERE);
    const response = await session.page.goto(`${base}/?width=5000&bg=%22%3E%3Cscript%3Ealert(1)%3C/script%3E`);
    await expectServicePage(session, response, { status: 200, heading: 'Spotify highlights', screenshot: 'home-bad-input', formAction: 'self', ownImages: true });
    const { page } = session;
    expect(await page.locator('#width').inputValue()).toBe('800');
    expect(await page.locator('#width-problem').textContent()).toBe('width goes from 300 to 800: showing 800.');
    expect(await page.locator('#bg').getAttribute('aria-describedby')).toBe('bg-problem');
    expect(await page.locator('img.preview').getAttribute('src')).toBe('card.svg?width=800');
    expect((await previewSize(page))[0]).toBe(800);
  });
});
