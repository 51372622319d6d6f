/**
 * The home page (GET /) as a person opens it: the real handler's answer, over HTTP with its real
 * headers, in Chromium. It must keep every rule of the service's pages (valid HTML, strict CSP,
 * no script, nothing loaded, fits a phone), and its links must lead to the service's routes.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handler } from '../../handlers/http/home';
import { launchChromium, openSession, type BrowserSession } from '../support/browser';
import { httpEvent, lambdaContext } from '../support/events';
import { serveHandler, type HandlerServer } from '../support/handler-server';
import { expectServicePage } from '../support/page-checks';
import type { Result } from '../support/service';

/** No Spotify is needed: a request for one would fail here, and be reported. */
const NOWHERE = 'http://127.0.0.1:9';

let server: HandlerServer;
let base: string;
let browser: Browser;
let session: BrowserSession | undefined;

beforeAll(async () => {
  // The home handler at /, and a plain page for any other path the links lead to.
  server = await serveHandler(
    '/',
    () => handler(httpEvent('/'), lambdaContext('home')) as Promise<Result>,
    (url) => ({ contentType: 'text/plain; charset=utf-8', body: `reached ${url.pathname}` }),
  );
  base = server.base;
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await session?.context.close();
  await browser?.close();
  await server?.close();
});

describe('the home page in a browser', () => {
  it('is a valid, strict, script-free page that fits a phone', async () => {
    session = await openSession(browser, NOWHERE);
    const response = await session.page.goto(`${base}/`);
    await expectServicePage(session, response, { status: 200, heading: 'Spotify highlights', screenshot: 'home' });
  });

  it('links /login, /highlights, /card.svg and /status, and its button leads to /login', async () => {
    session ??= await openSession(browser, NOWHERE);
    const { page } = session;
    await page.goto(`${base}/`);
    const links = await page.locator('a').evaluateAll((anchors) => anchors.map((anchor) => (anchor as unknown as { href: string }).href));
    expect(new Set(links)).toEqual(new Set(['highlights', 'card.svg', 'status', 'login'].map((path) => `${base}/${path}`)));
    await page.getByRole('link', { name: 'Connect Spotify' }).click();
    await page.waitForURL(`${base}/login`);
    expect(await page.textContent('body')).toBe('reached /login');
  });
});
