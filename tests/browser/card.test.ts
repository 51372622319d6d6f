/**
 * The card as a website shows it: /card.svg (the real handler, answered over HTTP with its real
 * headers) in an <img> on a page, drawn by the run's Chromium. Checks it is drawn and not blank,
 * that the pictures inside it show, that opened on its own it breaks no rule of its CSP, and that
 * no text runs past its space in the browser's font, the card options' variants (width, images,
 * colours, theme, title) included. Saves test-results/screenshots/card.png, card-recent.png and
 * card-variants.png; UPDATE_DOCS_SCREENSHOTS=1 also refreshes them in docs/.
 */
import { copyFileSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/browser';
import { cardPages, pixels } from '../support/card-pages';
import { serveHandler, type HandlerServer } from '../support/handler-server';
import { SCREENSHOTS_DIR } from '../support/page-checks';
import { card, useService } from '../support/service';
import { OWNER_ID, type Track } from '../support/spotify-emulator';

const service = useService();

const EMBED = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Embed</title>
<style>body{margin:0;padding:24px;background:#f4f4f1;display:flex;gap:24px;align-items:flex-start}</style></head>
<body>
<img id="artists" src="/card.svg" alt="My top artists on Spotify">
<img id="tracks" src="/card.svg?type=tracks&amp;theme=dark&amp;limit=5" alt="My top tracks on Spotify">
</body></html>`;

const RECENT = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Embed</title>
<style>body{margin:0;padding:24px;background:#f4f4f1;display:flex;gap:24px;align-items:flex-start}</style></head>
<body>
<img src="/card.svg?type=recent" alt="What I played last on Spotify">
<img src="/card.svg?type=recent&amp;theme=dark" alt="What I played last on Spotify">
</body></html>`;

/** Variants of the card side by side, for docs/card-variants.png: [query, width, height] of each (four rows: 64 + 4 × 56 + 32). */
const VARIANTS: [string, number, number][] = [
  ['width=300&images=0&theme=midnight&limit=4', 300, 320],
  ['bg=%231db954&limit=4', 400, 320],
  ['type=recent&theme=paper&border=0&radius=0&title=What%20I%20played%20last&limit=4', 400, 320],
  ['type=tracks&theme=spotify&width=800&limit=4', 800, 320],
  ['theme=contrast&width=320&limit=4', 320, 320],
];
const VARIANTS_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Embed</title>
<style>body{margin:0;padding:24px;width:1148px;background:#f4f4f1;display:flex;flex-wrap:wrap;gap:24px;align-items:flex-start}</style></head>
<body>
${VARIANTS.map(([query]) => `<img src="/card.svg?${query.replace(/&/g, '&amp;')}" alt="A card variant">`).join('\n')}
</body></html>`;

let server: HandlerServer;
let base: string;
let browser: Browser;
const pages = cardPages(() => browser);
const requested = pages.requested;
const newPage = (viewport = { width: 900, height: 520 }) => pages.open(viewport);

beforeAll(async () => {
  // The page and the card from one loopback origin, the card straight from the handler.
  server = await serveHandler('/card.svg', (query) => card(query), (url) => ({
    contentType: 'text/html; charset=utf-8',
    body: url.pathname === '/recent' ? RECENT : url.pathname === '/variants' ? VARIANTS_PAGE : EMBED,
  }));
  base = server.base;
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

afterEach(async () => {
  await pages.close();
});



/**
 * The page at `path`, whose cards are drawn in <img>s of `sizes` (two of 400 × 376 by default: 5
 * rows each), saved as test-results/screenshots/<name>.png, and as docs/<name>.png with
 * UPDATE_DOCS_SCREENSHOTS=1.
 */
async function screenshotCards(
  page: Page,
  path: string,
  name: string,
  { sizes = [[400, 376], [400, 376]], clip = { width: 872, height: 424 } }: { sizes?: number[][]; clip?: { width: number; height: number } } = {},
): Promise<Buffer> {
  await page.goto(`${base}${path}`);
  const drawn = await page.$$eval('img', (images) =>
    Promise.all(images.map(async (image) => (await image.decode(), [image.naturalWidth, image.naturalHeight]))),
  );
  expect(drawn).toEqual(sizes);
  mkdirSync(SCREENSHOTS_DIR, { recursive: true });
  const file = join(SCREENSHOTS_DIR, `${name}.png`);
  const shot = await page.screenshot({ path: file, clip: { x: 0, y: 0, ...clip } });
  if (process.env.UPDATE_DOCS_SCREENSHOTS) copyFileSync(file, resolve(import.meta.dirname, `../../docs/${name}.png`));
  return shot;
}

/** Connects the owner, whose last play is a track with a very long name and ten wide artists. */
async function connectWithALongLastPlay(): Promise<void> {
  await service.connect();
  const [track] = service.model.topFor(OWNER_ID, 'tracks', 'short_term') as Track[];
  const long = { ...track!, name: `${'Wonderful Mammoth '.repeat(6)}(Remastered)`, artists: Array.from({ length: 10 }, (_, i) => ({ ...track!.artists[0]!, name: `Wide Artist Number ${i}` })) };
  service.model.player(OWNER_ID).setHistory([{ track: long, playedAt: service.model.now() - 3 * 60_000, context: null }]);
}

describe('the card in Chromium', { timeout: 30_000 }, () => {
  it('draws the owner\'s artists and tracks in an <img>, pictures included, in both themes', async () => {
    await service.connect();
    const { page, problems } = await newPage();
    const shot = await screenshotCards(page, '/', 'card');

    // Not blank: text, two themes and ten pictures make many colours; the first artist's picture
    // (left of its centre, clear of a placeholder's note: 24 + 44 + 8, 24 + 64 + 28) is neither
    // the card's white nor the placeholder's grey.
    const { colours, at } = await pixels(page, shot, 76, 116);
    expect(colours).toBeGreaterThan(200);
    expect(at).not.toEqual([255, 255, 255]);
    expect(at).not.toEqual([232, 232, 230]);

    expect(problems).toEqual([]);
    expect(requested.every((url) => url.startsWith(`${base}/`) || url.startsWith('data:'))).toBe(true);
  });

  it('opened on its own, is an SVG document that breaks no rule of its CSP', async () => {
    await service.connect();
    const { page, problems } = await newPage();
    const response = await page.goto(`${base}/card.svg?theme=dark`);
    expect(response?.headers()['content-security-policy']).toBe("default-src 'none'; img-src data:; style-src 'unsafe-inline'");
    expect(await page.evaluate<string>('document.documentElement.localName')).toBe('svg');
    expect(await page.locator('image').count()).toBe(5);
    expect(await page.evaluate<boolean>("[...document.querySelectorAll('image')].every((image) => image.getBBox().width === 44)")).toBe(true);
    // Each is drawn by a <use>, 44 px wide, where its row is.
    expect(await page.evaluate<number[]>("[...document.querySelectorAll('use')].map((use) => use.getBBox().width)")).toEqual([44, 44, 44, 44, 44]);
    expect(problems).toEqual([]);
  });

  it('before anyone connected, still draws: the "not connected" card', async () => {
    const { page, problems } = await newPage();
    const response = await page.goto(`${base}/card.svg`);
    expect(response?.status()).toBe(200);
    expect(await page.locator('text').allTextContents()).toContain('Spotify is not connected yet');
    expect(problems).toEqual([]);
  });

  it('draws the last plays with when each was played, in both themes', async () => {
    await service.connect();
    const { page, problems } = await newPage();
    const shot = await screenshotCards(page, '/recent', 'card-recent');
    // The first row's cover (unranked rows draw it from x = 16: 24 + 16 + 8, 24 + 64 + 28).
    const { colours, at } = await pixels(page, shot, 48, 116);
    expect(colours).toBeGreaterThan(200);
    expect(at).not.toEqual([255, 255, 255]);
    expect(at).not.toEqual([232, 232, 230]);
    expect(problems).toEqual([]);
  });

  it('keeps long names and the play times inside the card in this browser\'s font', async () => {
    await connectWithALongLastPlay();
    const { page, problems } = await newPage();
    await page.goto(`${base}/card.svg?type=recent&limit=1`);
    const boxes = await page.evaluate<{ text: string; left: number; right: number }[]>(
      "[...document.querySelectorAll('text')].map((text) => { const box = text.getBBox(); return { text: text.textContent, left: box.x, right: box.x + box.width }; })",
    );
    const name = boxes.find((box) => box.text.startsWith('Wonderful'))!;
    const time = boxes.find((box) => box.text === '3 min ago')!;
    expect(name.text.endsWith('…')).toBe(true);
    expect(name.right).toBeLessThanOrEqual(time.left);
    // Text drawn from its start stops 16 px before the card's edge; right-aligned text ends there.
    for (const box of boxes) expect(box.right, box.text).toBeLessThanOrEqual(385);
    expect(problems).toEqual([]);
  });
  it('draws the option variants side by side, at their widths, pictures where asked', async () => {
    await service.connect();
    const { page, problems } = await newPage({ width: 1196, height: 712 });
    // Two rows: 300 + 400 + 400 and 800 + 320 wide, 24 px apart and around.
    const shot = await screenshotCards(page, '/variants', 'card-variants', {
      sizes: VARIANTS.map(([, width, height]) => [width, height]),
      clip: { width: 1196, height: 712 },
    });
    const { colours } = await pixels(page, shot, 0, 0);
    expect(colours).toBeGreaterThan(200);
    expect(shot.length).toBeLessThan(400_000);
    // The green card's background, right of its rows' text (24 + 300 + 24 + 390, 24 + 300).
    expect((await pixels(page, shot, 738, 324)).at).toEqual([29, 185, 84]);
    expect(problems).toEqual([]);
  });

  it.each([
    ['type=recent&limit=1&width=300&images=0', 300, 0],
    ['type=recent&limit=1&theme=spotify&width=800', 800, 1],
    ['type=recent&limit=1&bg=%231db954', 400, 1],
    ['width=300&images=0&title=A%20title%20that%20takes%20all%20sixty%20characters%20it%20may%20have', 300, 0],
    ['type=tracks&theme=spotify&width=800', 800, 5],
    ['bg=1db954&width=300&limit=3', 300, 3],
  ])('keeps every text inside its space in this browser\'s font: %s', async (query, width, pictures) => {
    await connectWithALongLastPlay();
    const { page, problems } = await newPage();
    await page.goto(`${base}/card.svg?${query}`);
    expect(await page.evaluate<number>('document.documentElement.width.baseVal.value')).toBe(width);
    expect(await page.locator('image').count()).toBe(pictures);
    const boxes = await page.evaluate<{ text: string; left: number; right: number }[]>(
      "[...document.querySelectorAll('text')].map((text) => { const box = text.getBBox(); return { text: text.textContent, left: box.x, right: box.x + box.width }; })",
    );
    expect(boxes.length).toBeGreaterThan(4);
    for (const box of boxes) {
      expect(box.right, box.text).toBeLessThanOrEqual(width - 15);
      expect(box.left, box.text).toBeGreaterThanOrEqual(8);
    }
    expect(problems).toEqual([]);
  });
});
