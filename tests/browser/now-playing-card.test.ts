/**
 * The now-playing card as a website shows it: /now-playing.svg (the real handler, answered over
 * HTTP with its real headers) drawn by the run's Chromium, playing, paused and idle. Checks the
 * progress bar is there and moves while the item plays (its transform, read over time in the SVG
 * opened on its own), stops at the item's end, and does not move when paused or under
 * prefers-reduced-motion; that no text runs past its space in the browser's font; and that it
 * breaks no rule of its CSP. Saves test-results/screenshots/now-playing-*.png;
 * UPDATE_DOCS_SCREENSHOTS=1 also refreshes docs/now-playing-*.png.
 */
import { copyFileSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/browser';
import { cardPages } from '../support/card-pages';
import { serveHandler, type HandlerServer } from '../support/handler-server';
import { SCREENSHOTS_DIR } from '../support/page-checks';
import { nowPlayingCard, useService } from '../support/service';
import { OWNER_ID, type Track } from '../support/spotify-emulator';

const service = useService();

const EMBED = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Embed</title>
<style>body{margin:0;padding:24px;background:#f4f4f1;display:flex;gap:24px;align-items:flex-start}</style></head>
<body>
<img src="/now-playing.svg" alt="What I am playing on Spotify">
<img src="/now-playing.svg?theme=dark" alt="What I am playing on Spotify">
</body></html>`;

let server: HandlerServer;
let base: string;
let browser: Browser;
const pages = cardPages(() => browser);
const newPage = () => pages.open({ width: 900, height: 240 });

beforeAll(async () => {
  server = await serveHandler('/now-playing.svg', (query) => nowPlayingCard(query), () => ({ contentType: 'text/html; charset=utf-8', body: EMBED }));
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

const player = () => service.model.player(OWNER_ID);
const topTrack = (index = 0) => service.model.topFor(OWNER_ID, 'tracks', 'short_term')[index] as Track;


/** Both cards drawn in <img>s on a page, saved as now-playing-<name>.png (and in docs/ when asked). */
async function screenshot(name: string): Promise<void> {
  const { page, problems } = await newPage();
  await page.goto(base);
  const sizes = await page.$$eval('img', (images) => Promise.all(images.map(async (image) => (await image.decode(), [image.naturalWidth, image.naturalHeight]))));
  expect(sizes).toEqual([
    [400, 140],
    [400, 140],
  ]);
  mkdirSync(SCREENSHOTS_DIR, { recursive: true });
  const path = join(SCREENSHOTS_DIR, `now-playing-${name}.png`);
  await page.screenshot({ path, clip: { x: 0, y: 0, width: 872, height: 188 } });
  if (process.env.UPDATE_DOCS_SCREENSHOTS) copyFileSync(path, resolve(import.meta.dirname, `../../docs/now-playing-${name}.png`));
  expect(problems).toEqual([]);
}

/** The bar's x scale now, from its computed transform (matrix(a, b, c, d, e, f): a is the x scale). */
function barScale(page: Page): Promise<number> {
  return page.evaluate<number>("Number(/matrix\\(([^,]+)/.exec(getComputedStyle(document.querySelector('.bar')).transform)?.[1] ?? 1)");
}

/** The animations running in the SVG document, by name. */
function animations(page: Page): Promise<{ name: string; duration: number; fill: string; state: string }[]> {
  return page.evaluate(`document.getAnimations().map((animation) => ({
    name: animation.animationName, duration: Number(animation.effect.getComputedTiming().duration),
    fill: animation.effect.getComputedTiming().fill, state: animation.playState }))`);
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The SVG opened on its own, as its own document, optionally asking for reduced motion. */
async function openCard(reducedMotion: 'reduce' | 'no-preference' = 'no-preference'): Promise<{ page: Page; problems: string[]; drawn: number }> {
  const { page, problems } = await newPage();
  await page.emulateMedia({ reducedMotion });
  const response = await page.goto(`${base}/now-playing.svg`);
  expect(await page.evaluate<string>('document.documentElement.localName')).toBe('svg');
  const drawn = Number(/\.bar\{[^}]*transform:scaleX\(([\d.]+)\)/.exec((await response?.text()) ?? '')?.[1] ?? NaN);
  return { page, problems, drawn };
}

describe('the now-playing card in Chromium', { timeout: 30_000 }, () => {
  it('playing: the bar is drawn where the track is and moves on, the equaliser bounces', async () => {
    await service.connect();
    const track = topTrack();
    player().play(track, { positionMs: 60_000 });
    await screenshot('playing');

    const { page, problems, drawn } = await openCard();
    expect(drawn).toBeGreaterThan(0.1);
    expect(await page.evaluate<number>("document.querySelector('.bar').getBBox().width")).toBe(244);
    const running = await animations(page);
    expect(running.map((animation) => animation.name).sort()).toEqual(['eq', 'eq', 'eq', 'progress']);
    const progress = running.find((animation) => animation.name === 'progress')!;
    expect(progress.fill).toBe('forwards');
    expect(Math.abs(progress.duration - (1 - drawn) * track.duration_ms)).toBeLessThan(1_000);
    const first = await barScale(page);
    await pause(700);
    const later = await barScale(page);
    expect(first).toBeGreaterThanOrEqual(drawn - 0.001);
    expect(later).toBeGreaterThan(first);
    expect(problems).toEqual([]);
  });

  it('stops moving at the end of the track, the bar full', async () => {
    await service.connect();
    const track = topTrack();
    player().play(track, { positionMs: track.duration_ms - 1_200 });
    const { page } = await openCard();
    await pause(1_800);
    expect(await barScale(page)).toBe(1);
    expect((await animations(page)).find((animation) => animation.name === 'progress')?.state).toBe('finished');
  });

  it('under prefers-reduced-motion: nothing animates, the bar stays where the track was when drawn', async () => {
    await service.connect();
    player().play(topTrack(), { positionMs: 60_000 });
    const { page, problems, drawn } = await openCard('reduce');
    expect(await animations(page)).toEqual([]);
    const first = await barScale(page);
    await pause(700);
    expect(await barScale(page)).toBe(first);
    expect(first).toBeCloseTo(drawn, 4);
    expect(problems).toEqual([]);
  });

  it('paused: the bar where it stopped, nothing moving', async () => {
    await service.connect();
    player().play(topTrack(1), { positionMs: 90_000, paused: true });
    await screenshot('paused');
    const { page, drawn } = await openCard();
    expect(await animations(page)).toEqual([]);
    expect(await barScale(page)).toBeCloseTo(drawn, 4);
  });

  it('idle: the last track played and when, without a bar', async () => {
    await service.connect();
    await screenshot('idle');
    const { page } = await openCard();
    expect((await page.locator('text').allTextContents()).some((text) => /^Last played · \d+ min ago$/.test(text))).toBe(true);
    expect(await page.locator('.bar').count()).toBe(0);
    expect(await animations(page)).toEqual([]);
  });

  it('with no history at all: "Not playing"', async () => {
    await service.connect();
    player().setHistory([]);
    const { page, problems } = await openCard();
    expect(await page.locator('text').allTextContents()).toContain('Not playing');
    expect(problems).toEqual([]);
  });

  it('keeps a long title and long artists inside the card in this browser\'s font', async () => {
    await service.connect();
    const track = topTrack();
    const long = { ...track, name: `${'Wonderful Mammoth '.repeat(6)}(Remastered)`, artists: Array.from({ length: 10 }, (_, i) => ({ ...track.artists[0]!, name: `Wide Artist Number ${i}` })) };
    player().play(long, { positionMs: 1_000 });
    const { page } = await openCard();
    // Text drawn from its start (the footer is drawn to end at 384).
    const boxes = await page.evaluate<{ text: string; right: number }[]>(
      "[...document.querySelectorAll('text:not([text-anchor])')].map((text) => { const box = text.getBBox(); return { text: text.textContent, right: box.x + box.width }; })",
    );
    expect(boxes).toHaveLength(3);
    for (const box of boxes) expect(box.right, box.text).toBeLessThanOrEqual(384);
    expect((await page.locator('text.headline').textContent())?.endsWith('…')).toBe(true);
  });
});
