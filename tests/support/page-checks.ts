/**
 * What every page of the service must be, checked in the real browser on the real response:
 * valid HTML5, readable on a phone, no scripts (or only the page's own, allowed by hash), the
 * security headers, and no CSP violation. Also saves the screenshots, and the artifacts that
 * explain a failed test.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { HtmlValidate } from 'html-validate';
import type { Response } from 'playwright-core';
import { expect } from 'vitest';
import { runChromium, type BrowserSession } from './browser';

export const RESULTS_DIR = resolve(import.meta.dirname, '../../test-results');
export const SCREENSHOTS_DIR = join(RESULTS_DIR, 'screenshots');

const validator = new HtmlValidate({ extends: ['html-validate:standard', 'html-validate:document', 'html-validate:a11y'] });

const PHONE = { width: 360, height: 740 };

export function parseCsp(header: string): Map<string, string[]> {
  const directives = new Map<string, string[]>();
  for (const part of header.split(';')) {
    const [name, ...sources] = part.trim().split(/\s+/);
    if (name) directives.set(name.toLowerCase(), sources);
  }
  return directives;
}

/** How a CSP names an inline script or style by its exact text. */
const sha256Source = (text: string) => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;

function expectStrictCsp(header: string | undefined, formAction: 'none' | 'self', scripts: readonly string[]): void {
  expect(header, 'Content-Security-Policy header').toBeTruthy();
  const csp = parseCsp(header ?? '');
  expect(csp.get('default-src')).toEqual(["'none'"]);
  if (scripts.length) {
    // Only the page's own scripts run, each by the hash of its text; they may talk to the service only.
    expect(csp.get('script-src'), 'script-src').toEqual(scripts.map(sha256Source));
    expect(csp.get('connect-src') ?? ["'none'"], 'connect-src').toEqual(["'self'"]);
  } else {
    // Nothing may run: no script-src (so default-src 'none' applies), or one that is 'none'.
    expect(csp.get('script-src') ?? ["'none'"]).toEqual(["'none'"]);
    expect(csp.get('connect-src') ?? ["'none'"], 'connect-src').toEqual(["'none'"]);
  }
  for (const name of ['frame-ancestors', 'base-uri']) expect(csp.get(name), name).toEqual(["'none'"]);
  // Forms go nowhere, or (a page that declares it) only to the service itself.
  expect(csp.get('form-action'), 'form-action').toEqual([`'${formAction}'`]);
  // Styles only by hash: no 'unsafe-inline', no hosts.
  for (const source of csp.get('style-src') ?? []) expect(source).toMatch(/^'sha256-[A-Za-z0-9+/]+=*'$/);
  expect(header).not.toMatch(/unsafe-|\*|https?:/);
}

export interface PageExpectation {
  status: number;
  heading: string | RegExp;
  /** Saved as test-results/screenshots/<name>.png and <name>-phone.png. */
  screenshot: string;
  /** 'self': the page's forms send to the service itself (a GET form back to the page); 'none' by default. */
  formAction?: 'none' | 'self';
  /** The page shows images of the service's own (a card's preview): those loads, and only those, are allowed. */
  ownImages?: boolean;
  /**
   * The exact text of each inline script the page declares (the console's), in page order: the
   * CSP must allow those by hash and nothing else, and the page must hold those and no other.
   * None by default: a page runs no script.
   */
  scripts?: readonly string[];
}

/** Checks the page now shown in `session.page`, which `response` delivered. */
export async function expectServicePage(session: BrowserSession, response: Response | null, expected: PageExpectation): Promise<void> {
  const { page } = session;
  expect(response, 'a response for the page').not.toBeNull();
  if (!response) return;
  const shown = (await page.locator('h1').allTextContents()).join(' | ');
  expect(response.status(), `status of ${new URL(response.url()).pathname}, whose page says "${shown}"`).toBe(expected.status);

  const headers = await response.allHeaders();
  expect(headers['content-type']).toBe('text/html; charset=utf-8');
  expect(headers['cache-control']).toBe('no-store');
  expect(headers['x-content-type-options']).toBe('nosniff');
  expect(headers['referrer-policy']).toBe('no-referrer');
  const scripts = expected.scripts ?? [];
  expectStrictCsp(headers['content-security-policy'], expected.formAction ?? 'none', scripts);

  const markup = await response.text();
  const report = await validator.validateString(markup);
  const findings = report.results.flatMap((result) => result.messages.map((m) => `${m.line}:${m.column} ${m.ruleId}: ${m.message}`));
  expect(findings, 'html-validate findings').toEqual([]);
  expect(markup.startsWith('<!doctype html>')).toBe(true);

  // The document as the browser parsed it.
  expect(await page.evaluate<string>('document.compatMode'), 'standards mode').toBe('CSS1Compat');
  expect(await page.evaluate<string | undefined>('document.doctype?.name')).toBe('html');
  expect(await page.locator('html').getAttribute('lang')).toBe('en');
  expect(await page.title()).toMatch(/\S/);
  const headings = await page.locator('h1').allTextContents();
  expect(headings).toHaveLength(1);
  expect(headings[0]?.trim()).toMatch(expected.heading);
  expect(await page.locator('meta[name="viewport"]').getAttribute('content')).toBe('width=device-width, initial-scale=1');
  // Inline only (nothing fetched), and exactly the scripts the CSP allows.
  expect(await page.locator('script[src]').count(), 'scripts with a src').toBe(0);
  expect(await page.locator('script').evaluateAll((found) => found.map((script) => script.textContent ?? '')), 'the page\'s scripts').toEqual(scripts);
  // Nothing pulled in besides the page itself (the CSP would have blocked it anyway), and the
  // service's own images where the page shows them.
  const loaded = await page.evaluate<{ name: string; initiatorType: string }[]>(
    "performance.getEntriesByType('resource').map(({ name, initiatorType }) => ({ name, initiatorType }))",
  );
  const own = (entry: { name: string; initiatorType: string }) => expected.ownImages === true && entry.initiatorType === 'img' && new URL(entry.name).origin === new URL(response.url()).origin;
  expect(loaded.filter((entry) => !own(entry))).toEqual([]);
  // The hashed inline style was allowed: a <style> the CSP blocks has no rules.
  expect(await page.evaluate<number>("[...document.querySelectorAll('style')].filter((style) => !style.sheet?.cssRules.length).length")).toBe(0);

  mkdirSync(SCREENSHOTS_DIR, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS_DIR, `${expected.screenshot}.png`), fullPage: true });
  const viewport = page.viewportSize();
  await page.setViewportSize(PHONE);
  // Readable on a phone: nothing wider than the screen (long lines scroll inside their box).
  expect(await page.evaluate<boolean>('document.documentElement.scrollWidth <= window.innerWidth')).toBe(true);
  await page.screenshot({ path: join(SCREENSHOTS_DIR, `${expected.screenshot}-phone.png`), fullPage: true });
  if (viewport) await page.setViewportSize(viewport);

  expect(session.problems, 'console errors and CSP violations').toEqual([]);
  expect(session.blocked, 'requests that tried to leave the machine').toEqual([]);
}

function slug(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 80);
}

/**
 * Leaves what explains a red test in test-results/failures/<test>/: which Chromium, a screenshot
 * of every open page, the browser's problems and refused requests, and the service's log.
 */
export async function saveFailureArtifacts(testName: string, sessions: BrowserSession[], serviceLog: string): Promise<string> {
  const dir = join(RESULTS_DIR, 'failures', slug(testName));
  mkdirSync(dir, { recursive: true });
  const chromium = runChromium();
  const notes: string[] = [`browser: ${'error' in chromium ? chromium.error : chromium.label}`];
  for (const [index, session] of sessions.entries()) {
    for (const [pageIndex, page] of session.context.pages().entries()) {
      const name = `browser${index + 1}-page${pageIndex + 1}`;
      const url = new URL(page.url());
      // Origin and path only: a query may carry an authorization code.
      notes.push(`${name}: ${url.origin}${url.pathname}`);
      await page.screenshot({ path: join(dir, `${name}.png`), fullPage: true }).catch((error: Error) => notes.push(`${name}: no screenshot (${error.message})`));
    }
    notes.push(`browser${index + 1} problems:`, ...session.problems.map((p) => `  ${p}`));
    notes.push(`browser${index + 1} refused requests:`, ...session.blocked.map((b) => `  ${b}`));
  }
  writeFileSync(join(dir, 'browser.txt'), `${notes.join('\n')}\n`);
  writeFileSync(join(dir, 'service.log'), serviceLog);
  return dir;
}
