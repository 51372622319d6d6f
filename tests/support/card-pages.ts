/**
 * Pages for looking at cards in Chromium, at 2×: each in a fresh browser context (one at a time,
 * closed by `close()`), with the page's console errors and CSP violations collected as problems
 * and every URL it requests recorded; and a PNG's colours read back through a canvas.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';

export interface CardPages {
  /** Every URL requested by the pages opened so far. */
  requested: string[];
  open(viewport: { width: number; height: number }): Promise<{ page: Page; problems: string[] }>;
  close(): Promise<void>;
}

export function cardPages(browser: () => Browser): CardPages {
  let context: BrowserContext | undefined;
  const requested: string[] = [];
  return {
    requested,
    async open(viewport) {
      context = await browser().newContext({ viewport, deviceScaleFactor: 2 });
      const problems: string[] = [];
      context.on('request', (request) => requested.push(request.url()));
      context.on('console', (message) => {
        if (message.type() === 'error') problems.push(message.text());
      });
      await context.addInitScript({
        content: `document.addEventListener('securitypolicyviolation', (e) => console.error('CSP violation: ' + e.violatedDirective));`,
      });
      return { page: await context.newPage(), problems };
    },
    async close() {
      await context?.close();
      context = undefined;
    },
  };
}

/** Distinct colours in a PNG, and the colour at (x, y) in CSS pixels (the page is 2×), read back through a canvas. */
export function pixels(page: Page, png: Buffer, x = 0, y = 0): Promise<{ colours: number; at: number[] }> {
  // A string, so the test needs no DOM typings: it runs in the page.
  return page.evaluate(`(async () => {
    const image = new Image();
    image.src = 'data:image/png;base64,${png.toString('base64')}';
    await image.decode();
    const canvas = document.createElement('canvas');
    canvas.width = image.naturalWidth;
    canvas.height = image.naturalHeight;
    const context = canvas.getContext('2d');
    context.drawImage(image, 0, 0);
    const all = context.getImageData(0, 0, canvas.width, canvas.height).data;
    const colours = new Set();
    for (let i = 0; i < all.length; i += 4) colours.add((all[i] << 16) | (all[i + 1] << 8) | all[i + 2]);
    return { colours: colours.size, at: [...context.getImageData(${x * 2}, ${y * 2}, 1, 1).data.slice(0, 3)] };
  })()`);
}
