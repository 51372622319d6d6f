/**
 * The history card as a website shows it: /history.svg (the real handler, answered over HTTP with
 * its real headers) in an <img> on a page, drawn by the run's Chromium, from a month of plays the
 * real collector stored. Checks it is drawn and not blank, loads nothing, opened on its own breaks
 * no rule of its CSP, and that no text (nor bar) runs past its space in the browser's font at 300
 * and 800 px, weekly bars, a long artist name and the incomplete note included. Saves
 * test-results/screenshots/history-card.png; UPDATE_DOCS_SCREENSHOTS=1 also refreshes
 * docs/history-card.png. Years of an imported export are drawn as monthly bars
 * (docs/history-card-years.png).
 */
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { handler as collectHandler } from '../../handlers/scheduled/collect';
import { importExport } from '../../lib/features/import/import';
import { documentClient } from '../../lib/platform/dynamo';
import { launchChromium } from '../support/browser';
import { cardPages, pixels } from '../support/card-pages';
import { lambdaContext } from '../support/events';
import { serveHandler, type HandlerServer } from '../support/handler-server';
import { SCREENSHOTS_DIR } from '../support/page-checks';
import { historyCard, useService } from '../support/service';
import { writeExportFolder } from '../support/spotify-export';
import { OWNER_ID, type Track } from '../support/spotify-emulator';

const service = useService();
const DAY = 86_400_000;
const MINUTE = 60_000;
const LONG_NAME = `${'Wonderful Mammoth '.repeat(6)}Orchestra`;

const EMBED = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Embed</title>
<style>body{margin:0;padding:24px;background:#f4f4f1;display:flex;gap:24px;align-items:flex-start}</style></head>
<body>
<img src="/history.svg" alt="What I played on Spotify this month">
<img src="/history.svg?theme=dark&amp;days=14" alt="What I played on Spotify these two weeks">
</body></html>`;

let server: HandlerServer;
let base: string;
let browser: Browser;
const pages = cardPages(() => browser);
const requested = pages.requested;
const newPage = (viewport = { width: 900, height: 420 }) => pages.open(viewport);

beforeAll(async () => {
  server = await serveHandler('/history.svg', (query) => historyCard(query), () => ({ contentType: 'text/html; charset=utf-8', body: EMBED }));
  base = server.base;
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

beforeEach(() => {
  delete process.env.HISTORY_TIME_ZONE;
  delete process.env.HISTORY_RETENTION_DAYS;
  process.env.HISTORY_CACHE_SECONDS = '0';
});

afterEach(async () => {
  await pages.close();
});


/**
 * A month of plays, collected as the collector would over the month (runs of under 50 plays, so
 * Spotify's limit leaves no gap): day i of the last 30 plays a few tracks (the first of them,
 * unless `longName` is off, by an artist with a very long name), and the collector has run for 60 days.
 */
async function connectWithAMonthOfPlays({ longName = true } = {}): Promise<void> {
  await service.connect();
  const tracks = service.model.topFor(OWNER_ID, 'tracks', 'short_term') as Track[];
  const first = tracks[0]!;
  const played = [longName ? { ...first, artists: [{ ...first.artists[0]!, name: LONG_NAME }] } : first, ...tracks.slice(1, 6)];
  const now = Date.now();
  const noon = Date.parse(`${new Date(now).toISOString().slice(0, 10)}T12:00:00Z`);
  const plays = Array.from({ length: 30 }, (_, day) => {
    const count = [3, 7, 2, 9, 5, 0, 4, 8, 6, 1][day % 10]! + (day > 20 ? 3 : 0);
    // Today's plays end a minute ago; the other days' start at noon, UTC.
    const start = day === 29 ? now - (count + 1) * MINUTE : noon - (29 - day) * DAY;
    return Array.from({ length: count }, (_, k) => ({ track: played[(day + k) % played.length]!, playedAt: start + k * MINUTE, context: null }));
  }).flat();
  for (let at = 0; at < plays.length; at += 40) {
    service.model.player(OWNER_ID).setHistory(plays.slice(at, at + 40));
    await (collectHandler as (event: unknown, context: unknown) => Promise<unknown>)({}, lambdaContext('collect'));
  }
  await documentClient().send(
    new UpdateCommand({
      TableName: process.env.HISTORY_TABLE_NAME,
      Key: { pk: `state#${OWNER_ID}`, sk: 'collector' },
      UpdateExpression: 'SET since = :since',
      ExpressionAttributeValues: { ':since': new Date(now - 60 * DAY).toISOString() },
    }),
  );
}


/** Every <text> and bar of the SVG document open in `page`, where the browser draws it. */
function boxes(page: Page): Promise<{ text: string; left: number; right: number }[]> {
  return page.evaluate(
    "[...document.querySelectorAll('text, rect.day, rect.week')].map((node) => { const box = node.getBBox(); return { text: node.textContent || node.getAttribute('class'), left: box.x, right: box.x + box.width }; })",
  );
}

describe('the history card in Chromium', { timeout: 60_000 }, () => {
  it('draws a month of plays in an <img>, light and dark, and loads nothing', async () => {
    await connectWithAMonthOfPlays({ longName: false });
    const { page, problems } = await newPage();
    await page.goto(base);
    const sizes = await page.$$eval('img', (images) => Promise.all(images.map(async (image) => (await image.decode(), [image.naturalWidth, image.naturalHeight]))));
    expect(sizes.map(([width]) => width)).toEqual([400, 400]);
    expect(sizes[0]![1]).toBe(sizes[1]![1]);
    mkdirSync(SCREENSHOTS_DIR, { recursive: true });
    const file = join(SCREENSHOTS_DIR, 'history-card.png');
    const shot = await page.screenshot({ path: file, clip: { x: 0, y: 0, width: 872, height: sizes[0]![1]! + 48 } });
    if (process.env.UPDATE_DOCS_SCREENSHOTS) copyFileSync(file, resolve(import.meta.dirname, '../../docs/history-card.png'));
    expect((await pixels(page, shot)).colours).toBeGreaterThan(100);
    expect(statSync(file).size).toBeLessThan(200_000);
    expect(problems).toEqual([]);
    expect(requested.every((url) => url.startsWith(`${base}/`))).toBe(true);
  });

  it('opened on its own, is an SVG document with a bar a day that breaks no rule of its CSP', async () => {
    await connectWithAMonthOfPlays();
    const { page, problems } = await newPage();
    const response = await page.goto(`${base}/history.svg`);
    expect(response?.headers()['content-security-policy']).toBe("default-src 'none'; img-src data:; style-src 'unsafe-inline'");
    expect(await page.evaluate<string>('document.documentElement.localName')).toBe('svg');
    expect(await page.locator('rect.day').count()).toBe(30);
    // The busiest day's bar is 88 px tall where the browser draws it; the day without plays has none.
    const heights = await page.evaluate<number[]>("[...document.querySelectorAll('rect.day')].map((bar) => bar.getBBox().height)");
    expect(Math.max(...heights)).toBe(88);
    expect(heights.filter((height) => height === 0).length).toBeGreaterThan(0);
    expect(await page.locator('text').allTextContents()).toContain('Top artists');
    expect(problems).toEqual([]);
  });

  it('before the collector stored anything, draws "Nothing collected yet"', async () => {
    await service.connect();
    const { page, problems } = await newPage();
    const response = await page.goto(`${base}/history.svg`);
    expect(response?.status()).toBe(200);
    expect(await page.locator('text').allTextContents()).toContain('Nothing collected yet');
    expect(problems).toEqual([]);
  });

  it.each([
    ['width=300', 300, 'day'],
    ['width=800&theme=spotify', 800, 'day'],
    ['width=300&days=365', 300, 'week'],
    ['width=800&days=365&theme=midnight', 800, 'day'],
    ['width=300&title=A%20title%20that%20takes%20all%20sixty%20characters%20it%20may%20have&days=90', 300, 'day'],
    ['width=300&bg=1db954&days=7', 300, 'day'],
  ])('keeps every text and bar inside its space in this browser\'s font: %s', async (query, width, unit) => {
    await connectWithAMonthOfPlays();
    const { page, problems } = await newPage();
    await page.goto(`${base}/history.svg?${query}`);
    expect(await page.evaluate<number>('document.documentElement.width.baseVal.value')).toBe(width);
    expect(await page.locator(`rect.${unit}`).count()).toBeGreaterThan(0);
    const drawn = await boxes(page);
    const texts = drawn.filter((box) => box.text !== 'day accent' && box.text !== 'week accent');
    expect(texts.length).toBeGreaterThan(8);
    const name = texts.find((box) => box.text.startsWith('Wonderful'))!;
    expect(name.text.endsWith('…')).toBe(true);
    for (const box of drawn) {
      expect(box.right, box.text).toBeLessThanOrEqual(width - 15);
      expect(box.left, box.text).toBeGreaterThanOrEqual(8);
    }
    if (query.includes('days=365')) expect(texts.map((box) => box.text)).toContain(`Collecting since ${new Date(Date.now() - 60 * DAY).toISOString().slice(0, 10)}`);
    expect(problems).toEqual([]);
  });
});

describe('the whole listening life in Chromium', { timeout: 180_000 }, () => {
  it('draws years of imported plays as monthly bars, and saves the picture the import\'s page shows', async () => {
    await service.connect();
    const dir = mkdtempSync(join(tmpdir(), 'history-years-'));
    try {
      // Four years of Spotify's data export (synthetic), then the collector's recent plays.
      await writeExportFolder(dir, { years: 4, playsPerDay: 3, end: Date.now() - 2 * DAY, seed: 5 });
      await importExport([dir], { user: OWNER_ID });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    await (collectHandler as (event: unknown, context: unknown) => Promise<unknown>)({}, lambdaContext('collect'));
    const { page, problems } = await newPage({ width: 900, height: 420 });
    await page.goto(`${base}/history.svg?days=all&width=800`);
    const bars = await page.evaluate("document.querySelectorAll('rect.month').length");
    expect(bars).toBeGreaterThanOrEqual(48);
    const size = await page.evaluate("[document.documentElement.width.baseVal.value, document.documentElement.height.baseVal.value]") as [number, number];
    mkdirSync(SCREENSHOTS_DIR, { recursive: true });
    const file = join(SCREENSHOTS_DIR, 'history-card-years.png');
    const shot = await page.screenshot({ path: file, clip: { x: 0, y: 0, width: size[0], height: size[1] } });
    if (process.env.UPDATE_DOCS_SCREENSHOTS) copyFileSync(file, resolve(import.meta.dirname, '../../docs/history-card-years.png'));
    expect(shot.byteLength).toBeGreaterThan(10_000);
    expect(await page.evaluate("document.documentElement.getAttribute('aria-label')")).toMatch(/^Listening history, [\d,]+ plays · [\d,]+ h since \d{4}-\d{2} \(.*plays per month\)/);
    expect(problems).toEqual([]);
  });
});
