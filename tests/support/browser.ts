/**
 * A real browser for the browser tests, never a downloaded one, driven by playwright-core, whose
 * only way out is loopback. Requests for Spotify's hosts are answered by the emulator (its
 * redirects included, so the browser itself follows them back to /callback); every other
 * non-loopback request is refused and recorded.
 *
 * Which Chromium: `findChromium` picks one, once per run (tests/support/chromium-setup.ts hands it
 * to the workers), in this order:
 *   1. CHROMIUM_PATH, if set;
 *   2. a system Chromium or Chrome (SYSTEM_CHROMIUMS);
 *   3. the Chromium that `npm ci` installed inside @sparticuz/chromium (Linux x64 only), unpacked
 *      for the run by tests/support/npm-chromium.ts.
 * CHROMIUM=npm or CHROMIUM=system takes only that source (CI sets CHROMIUM=npm, to prove the
 * fresh-machine path); CHROMIUM_LIBS=packaged makes the npm-shipped one use the libraries that come
 * with it even where the machine has its own.
 *
 * The routing uses Chromium's Fetch domain directly, not `context.route`: Playwright hands route
 * handlers only the first URL of a redirect chain and lets the later hops go to the network, and
 * the hop that matters here is the service's 302 from /login to accounts.spotify.com.
 */
import { accessSync, constants, existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { chromium, type Browser, type BrowserContext, type CDPSession, type Page } from 'playwright-core';
import { inject } from 'vitest';
import { FORWARDED_HOST_HEADER, isLoopback, SPOTIFY_HOSTS } from './spotify-emulator/forward.mjs';

export const SYSTEM_CHROMIUMS = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome', '/usr/bin/google-chrome-stable'];

/** The compressed Chromium inside the npm package (a dev dependency, so `npm ci` installs it). */
export const NPM_CHROMIUM_BIN = resolve(import.meta.dirname, '../../node_modules/@sparticuz/chromium/bin');

/** What the finder looks at; the real machine by default, a fake one in its tests. */
export interface Machine {
  env: Record<string, string | undefined>;
  platform: string;
  arch: string;
  isExecutable(path: string): boolean;
  npmChromiumInstalled: boolean;
}

export const THIS_MACHINE: Machine = {
  env: process.env,
  platform: process.platform,
  arch: process.arch,
  isExecutable(path) {
    try {
      accessSync(path, constants.X_OK);
      return statSync(path).isFile();
    } catch {
      return false;
    }
  },
  npmChromiumInstalled: existsSync(resolve(NPM_CHROMIUM_BIN, 'chromium.br')),
};

export type ChromiumSource = { from: 'CHROMIUM_PATH' | 'system'; path: string } | { from: 'npm'; packagedLibs: boolean };

const FIX =
  'Install Chromium or Chrome (Debian: apt-get install chromium), or set CHROMIUM_PATH to one; on Linux x64, `npm ci` installs one with the dev dependency @sparticuz/chromium.';

/** The Chromium the browser tests use (see the top of this file), or an error saying what was tried, in order, and how to fix it. */
export function findChromium(machine: Machine = THIS_MACHINE): ChromiumSource {
  const { CHROMIUM: only, CHROMIUM_PATH: path, CHROMIUM_LIBS: libs } = machine.env;
  if (only !== undefined && only !== 'npm' && only !== 'system') throw new Error(`CHROMIUM must be npm or system, not "${only}".`);
  if (only && path) throw new Error(`CHROMIUM=${only} and CHROMIUM_PATH are both set: set one of them.`);
  if (libs !== undefined && libs !== 'packaged') throw new Error(`CHROMIUM_LIBS must be packaged (or unset), not "${libs}".`);
  if (path) {
    // Asked for by name: no quiet fallback to another browser.
    if (machine.isExecutable(path)) return { from: 'CHROMIUM_PATH', path };
    throw new Error(`CHROMIUM_PATH is ${path}, which is not an executable file.`);
  }
  const tried: string[] = [];
  if (only !== 'npm') {
    tried.push('CHROMIUM_PATH: not set');
    const found = SYSTEM_CHROMIUMS.find((candidate) => machine.isExecutable(candidate));
    if (found) return { from: 'system', path: found };
    tried.push(...SYSTEM_CHROMIUMS.map((candidate) => `${candidate}: not found`));
  }
  if (only !== 'system') {
    const npm = 'the npm-shipped Chromium (@sparticuz/chromium)';
    if (machine.platform !== 'linux' || machine.arch !== 'x64') {
      tried.push(`${npm}: skipped, it is built for Linux x64 and this is ${machine.platform} ${machine.arch}`);
    } else if (!machine.npmChromiumInstalled) {
      tried.push(`${npm}: not installed (run npm ci; it is a dev dependency)`);
    } else {
      return { from: 'npm', packagedLibs: libs === 'packaged' };
    }
  }
  const switched = only ? ` (CHROMIUM=${only})` : '';
  throw new Error(`No Chromium for the browser tests${switched}. Tried, in order:\n${tried.map((line) => `  ${line}`).join('\n')}\n${FIX}`);
}

/** A Chromium ready to launch, as the run's global setup hands it to the workers. */
export interface ChromiumBuild {
  executablePath: string;
  /** Added to the browser's environment (the npm-shipped one's fonts and, if needed, libraries). */
  env: Record<string, string>;
  /** Which browser, for the test output and the failure folder: source, version, path. */
  label: string;
}

export type ChromiumChoice = ChromiumBuild | { error: string };

declare module 'vitest' {
  export interface ProvidedContext {
    chromium: ChromiumChoice;
  }
}

const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-quic',
  '--disable-sync',
  // Belt and braces under the request routing: no name but loopback resolves, whoever asks.
  '--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1',
];

/** The run's Chromium: what the failure folder says was used. */
export function runChromium(): ChromiumChoice {
  return inject('chromium');
}

/** Headless Chromium; Playwright gives every launch a fresh temporary user-data dir and removes it on close. */
export async function launchChromium(choice: ChromiumChoice = runChromium()): Promise<Browser> {
  if ('error' in choice) throw new Error(choice.error);
  return chromium.launch({ executablePath: choice.executablePath, headless: true, args: CHROMIUM_ARGS, env: { ...process.env, ...choice.env } });
}

// Each hop sets its own; a decoded body must not keep its old encoding or length.
const DROPPED_HEADERS = new Set(['host', 'connection', 'keep-alive', 'transfer-encoding', 'content-length', 'content-encoding', 'upgrade']);

/** What this file reads of CDP's Fetch.requestPaused event. */
interface PausedRequest {
  requestId: string;
  request: {
    url: string;
    method: string;
    headers: Record<string, unknown>;
    hasPostData?: boolean;
    postData?: string;
    postDataEntries?: { bytes?: string }[];
  };
}

function requestBody(request: PausedRequest['request']): Buffer | undefined {
  if (!request.hasPostData) return undefined;
  if (request.postDataEntries) return Buffer.concat(request.postDataEntries.map((entry) => Buffer.from(entry.bytes ?? '', 'base64')));
  return request.postData === undefined ? undefined : Buffer.from(request.postData);
}

/** Sends one browser request for a Spotify host to the emulator and hands its answer back as-is. */
async function answerFromEmulator(cdp: CDPSession, event: PausedRequest, emulatorUrl: string): Promise<void> {
  const original = new URL(event.request.url);
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(event.request.headers)) {
    if (!DROPPED_HEADERS.has(name.toLowerCase())) headers[name] = String(value);
  }
  const answer = await fetch(new URL(original.pathname + original.search, emulatorUrl), {
    method: event.request.method,
    headers: { ...headers, [FORWARDED_HOST_HEADER]: original.host },
    body: requestBody(event.request),
    // A 302 to redirect_uri must reach the browser as a redirect, for the browser to follow.
    redirect: 'manual',
  });
  const responseHeaders: { name: string; value: string }[] = [];
  answer.headers.forEach((value, name) => {
    if (!DROPPED_HEADERS.has(name)) responseHeaders.push({ name, value });
  });
  await cdp.send('Fetch.fulfillRequest', {
    requestId: event.requestId,
    responseCode: answer.status,
    responseHeaders,
    body: Buffer.from(await answer.arrayBuffer()).toString('base64'),
  });
}

/** Every request of `page`, redirect hops included: Spotify → emulator, loopback → as is, anything else → refused. */
async function routeRequests(page: Page, emulatorUrl: string, blocked: string[], problems: string[]): Promise<void> {
  const cdp = await page.context().newCDPSession(page);
  cdp.on('Fetch.requestPaused', (event: PausedRequest) => {
    const url = new URL(event.request.url);
    let answered: Promise<unknown>;
    if (url.protocol === 'https:' && SPOTIFY_HOSTS.includes(url.host)) {
      answered = answerFromEmulator(cdp, event, emulatorUrl);
    } else if (isLoopback(url.href)) {
      answered = cdp.send('Fetch.continueRequest', { requestId: event.requestId });
    } else {
      // Origin and path only: a query may carry an authorization code.
      blocked.push(`${event.request.method} ${url.origin}${url.pathname}`);
      answered = cdp.send('Fetch.failRequest', { requestId: event.requestId, errorReason: 'BlockedByClient' });
    }
    answered.catch((error: Error) => {
      // A page closing mid-request is not a problem; anything else is.
      if (!page.isClosed()) problems.push(`routing ${url.origin}${url.pathname} failed: ${error.message}`);
    });
  });
  await cdp.send('Fetch.enable', { patterns: [{ urlPattern: '*', requestStage: 'Request' }] });
}

// Runs in every page before its own content; injected by the driver, so whatever the page's CSP says.
const REPORT_CSP_VIOLATIONS = `document.addEventListener('securitypolicyviolation', (event) => {
  console.error('CSP violation: ' + event.violatedDirective + ' blocked ' + (event.blockedURI || 'inline'));
});`;

export interface BrowserSession {
  context: BrowserContext;
  page: Page;
  /** Refused requests (method, origin and path: queries may carry codes). */
  blocked: string[];
  /** Console errors, page errors and CSP violations on the service's pages, and routing failures. */
  problems: string[];
}

/** A fresh browser profile (cookies and all) with one page, whose Spotify traffic goes to the emulator. */
export async function openSession(browser: Browser, emulatorUrl: string): Promise<BrowserSession> {
  const context = await browser.newContext({ viewport: { width: 1024, height: 720 }, locale: 'en-GB', serviceWorkers: 'block' });
  const blocked: string[] = [];
  const problems: string[] = [];
  await context.addInitScript({ content: REPORT_CSP_VIOLATIONS });
  context.on('console', (message) => {
    const pageUrl = message.page()?.url() ?? 'about:blank';
    // Only the service's pages are under test, not the emulated Spotify's (which has no favicon).
    if (message.type() !== 'error' || !pageUrl.startsWith('http://127.0.0.1:')) return;
    // Chromium logs every 4xx document as a failed load; the tests check those statuses themselves.
    if (message.location().url === pageUrl && message.text().startsWith('Failed to load resource: the server responded with a status of')) return;
    problems.push(`${new URL(pageUrl).pathname}: ${message.text()}`);
  });
  context.on('weberror', (error) => problems.push(`page error: ${error.error().message}`));
  const page = await context.newPage();
  await routeRequests(page, emulatorUrl, blocked, problems);
  return { context, page, blocked, problems };
}
