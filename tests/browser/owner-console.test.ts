/**
 * The owner's console as the owner uses it (issue 12): a real Chromium, the real local stack
 * (`npm start`) and Spotify's consent page served by the emulator. The owner connects, opens
 * /owner with the session the browser now holds, hides their first top artist with the settings
 * form (its script sends JSON with PUT), sees that artist gone from /highlights and the card, and
 * disconnects. Every page passes the service's page checks. Saves test-results/screenshots/console*.png;
 * UPDATE_DOCS_SCREENSHOTS=1 also refreshes docs/console.png and docs/console-disconnected.png.
 */
import { copyFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Page, Request, Response } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { SETTINGS_SCRIPT } from '../../lib/features/console/settings-script';
import { LOCAL_SESSION_COOKIE } from '../../lib/owner/session';
import { useBrowserStack } from '../support/browser-stack';
import type { LocalStack } from '../support/local-stack';
import { expectServicePage, SCREENSHOTS_DIR } from '../support/page-checks';
import { INTRUDER_ID, OWNER_ID, type RunningEmulator } from '../support/spotify-emulator';
import type { StackTable } from '../support/stack-table';

// Each function reads the owner (and so its settings, or that it is gone) on every request, and
// no result is cached: what the console saved shows on the very next request, without waiting
// out OWNER_RECHECK_SECONDS (tests/integration/owner-console.test.ts covers that wait).
const world = useBrowserStack({ HIGHLIGHTS_CACHE_SECONDS: '0', OWNER_RECHECK_SECONDS: '0' });
let emulator: RunningEmulator;
let stack: LocalStack;
let table: StackTable;
beforeAll(() => void ({ emulator, stack, table } = world));
const newBrowser = () => world.newBrowser();

/** Origin and path only: a query may carry an authorization code. */
const where = (url: string) => {
  const { origin, pathname } = new URL(url);
  return `${origin}${pathname}`;
};

const AUTHORIZE = 'https://accounts.spotify.com/authorize';

/** /login, Accept on Spotify's consent page, and the service's connected page. */
async function connect(page: Page): Promise<void> {
  emulator.model.signIn(OWNER_ID);
  await page.goto(`${stack.url}/login`);
  expect(where(page.url())).toBe(AUTHORIZE);
  const [callback] = await Promise.all([
    page.waitForResponse((response) => new URL(response.url()).pathname === '/callback'),
    page.waitForURL((url) => url.pathname === '/callback'),
    page.getByRole('button', { name: 'Accept' }).click(),
  ]);
  expect(callback.status()).toBe(200);
  await expect(page.locator('h1').textContent()).resolves.toBe('Spotify is connected');
}

/** Every hop that led to `response`, first to last, with its status and (for a redirect) where it sent the browser. */
async function hops(response: Response): Promise<{ url: string; status: number | undefined; location: string | undefined }[]> {
  const requests: Request[] = [];
  for (let request: Request | null = response.request(); request; request = request.redirectedFrom()) requests.unshift(request);
  return Promise.all(
    requests.map(async (request) => {
      const answer = await request.response();
      const location = answer?.headers().location;
      return { url: where(request.url()), status: answer?.status(), location: location === undefined ? undefined : where(new URL(location, request.url()).href) };
    }),
  );
}

const topArtists = () => emulator.model.topFor(OWNER_ID, 'artists', 'short_term').map(({ id, name }) => ({ id, name }));

interface Seen {
  status: number | undefined;
  artists: string[];
}

/**
 * What the browser gets from /highlights (fetched by the console page, which may talk to the
 * service) and from /card.svg (opened in the tab: the text its SVG shows), then back to the console.
 */
async function publicAnswers(page: Page): Promise<{ highlights: Seen; card: Seen }> {
  const consoleUrl = page.url();
  const highlights = await page.evaluate(async () => {
    const answer = await fetch('/highlights');
    const json = (await answer.json()) as { artists?: { name: string }[] };
    return { status: answer.status, artists: (json.artists ?? []).map((artist) => artist.name) };
  });
  const card = await page.goto(`${stack.url}/card.svg`);
  const shown = { status: card?.status(), artists: await page.locator('text').allTextContents() };
  await page.goto(consoleUrl);
  return { highlights, card: shown };
}

/**
 * The checkboxes whose words are not beside them, on the line they start (at the page's width now):
 * the words must begin right of the box, and the box must sit on their first line.
 */
function checkboxesNotBesideTheirWords(page: Page): Promise<string[]> {
  return page.evaluate<string[]>(`[...document.querySelectorAll('label > input[type=checkbox]')].filter((box) => {
    const words = document.createRange();
    words.selectNodeContents(box.parentElement);
    words.setStartAfter(box);
    const [line] = words.getClientRects();
    const square = box.getBoundingClientRect();
    return !line || line.left < square.right || square.top > line.bottom || square.bottom < line.top;
  }).map((box) => box.parentElement.textContent.trim())`);
}

function saveForDocs(name: string): void {
  if (process.env.UPDATE_DOCS_SCREENSHOTS) copyFileSync(join(SCREENSHOTS_DIR, `${name}.png`), resolve(import.meta.dirname, `../../docs/${name}.png`));
}

describe('the owner\'s console in a browser', { timeout: 90_000 }, () => {
  it('connect, open /owner: the standing in words; hide the first top artist: gone from /highlights and the card', async () => {
    const session = await newBrowser();
    const { page } = session;
    await connect(page);
    const cookie = (await session.context.cookies(stack.url)).find((candidate) => candidate.name === LOCAL_SESSION_COOKIE);
    expect(cookie && { httpOnly: cookie.httpOnly, sameSite: cookie.sameSite, path: cookie.path }).toEqual({ httpOnly: true, sameSite: 'Strict', path: '/' });

    // The connected page's own link, with the session the browser now holds.
    const consoleUrl = `${stack.url}/owner`;
    const [opened] = await Promise.all([page.waitForResponse(consoleUrl), page.waitForURL(consoleUrl), page.getByRole('link', { name: 'open your console' }).click()]);
    // Its form sends to the service only, and its one script runs by hash.
    await expectServicePage(session, opened, { status: 200, heading: 'Your console', screenshot: 'console', formAction: 'self', scripts: [SETTINGS_SCRIPT] });
    saveForDocs('console');
    expect(await page.locator('main').getAttribute('class')).toBe('ok');
    const standing = await page.locator('main > ul > li').allTextContents();
    expect(standing).toEqual([
      expect.stringMatching(new RegExp(`^Connected as Site Owner \\(Spotify id ${OWNER_ID}\\) since \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d UTC\\.$`)),
      expect.stringMatching(/^Spotify ends this authorization on \d{4}-\d\d-\d\d \d\d:\d\d UTC, in 18\d days; you will be warned here from 14 days before\.$/),
      'The access token has not needed a refresh yet.',
      'Everything the endpoints need is allowed.',
      'Spotify has not asked the service to slow down.',
      expect.stringMatching(/^Notices to you: the next is due from \d{4}-\d\d-\d\d \d\d:\d\d UTC, before Spotify’s end; none sent yet\.$/),
      // The day's Spotify calls: connecting made two (the code and the profile), from the owner's reserve.
      "Spotify calls in the last 24 hours: 2 of 1000 (SPOTIFY_DAILY_BUDGET); your visitors' part: 0 of 853, and 147 kept for token refreshes, your own actions and the history's collector.",
      expect.stringMatching(/^So that the day's calls stay inside it, now playing refreshes every \d+ s, the top lists every \d+ s, and recently played comes from your listening history, collected every 30 min\.$/),
    ]);

    // The owner's top 20 to pick from, each a checkbox named by the artist.
    const top = topArtists();
    const first = top[0]!;
    const picks = () => page.locator('input[name="hide"]').evaluateAll((boxes) => boxes.map((box) => box.getAttribute('value')));
    expect(await picks()).toEqual(top.slice(0, 20).map((artist) => artist.id));
    expect(await checkboxesNotBesideTheirWords(page)).toEqual([]);
    await page.setViewportSize({ width: 360, height: 740 });
    expect(await checkboxesNotBesideTheirWords(page)).toEqual([]);
    await page.setViewportSize({ width: 1024, height: 720 });
    const before = await publicAnswers(page);
    expect(before.highlights).toMatchObject({ status: 200, artists: top.slice(0, 5).map((artist) => artist.name) });
    expect(before.card.status).toBe(200);
    expect(before.card.artists).toContain(first.name);

    await page.getByRole('checkbox', { name: first.name, exact: true }).check();
    const isReload = (response: Response) => response.url() === consoleUrl && response.request().isNavigationRequest();
    const [saved, reloaded] = await Promise.all([
      page.waitForResponse((response) => where(response.url()) === `${stack.url}/owner/settings` && response.request().method() === 'PUT'),
      page.waitForResponse(isReload),
      // The reloaded page's load, not the old one's.
      page.waitForEvent('load'),
      page.getByRole('button', { name: 'Save settings' }).click(),
    ]);
    expect(saved.status()).toBe(200);
    expect(saved.request().headers()['content-type']).toBe('application/json');
    expect(JSON.parse(saved.request().postData() ?? '{}')).toMatchObject({ hiddenArtists: [first.id] });
    expect(reloaded.status()).toBe(200);

    // The reloaded console: the artist is among the hidden ones, no longer among those to pick.
    await expect(page.locator('#hiddenArtists').inputValue()).resolves.toBe(first.id);
    expect(await picks()).toEqual(top.slice(1, 21).map((artist) => artist.id));
    expect(((await table.owner())?.settings as { hiddenArtists?: string[] } | undefined)?.hiddenArtists).toEqual([first.id]);

    const after = await publicAnswers(page);
    expect(after.highlights).toMatchObject({ status: 200, artists: top.slice(1, 6).map((artist) => artist.name) });
    expect(after.card.status).toBe(200);
    expect(after.card.artists).toContain(top[5]!.name);
    // Not even cut short by the card's width.
    expect(after.card.artists.join('\n')).not.toContain(first.name);
    expect(session.problems).toEqual([]);
    expect(session.blocked).toEqual([]);
  });

  it('the form\'s script: a refusal is said on the page and changes nothing; pasted Spotify links and URIs are saved as ids', async () => {
    const session = await newBrowser();
    const { page } = session;
    await connect(page);
    await page.goto(`${stack.url}/owner`);
    const top = topArtists();
    const note = page.locator('#saved');
    const save = () =>
      Promise.all([
        page.waitForResponse((response) => where(response.url()) === `${stack.url}/owner/settings` && response.request().method() === 'PUT'),
        page.getByRole('button', { name: 'Save settings' }).click(),
      ]).then(([response]) => response);

    await page.locator('#hiddenArtists').fill('not-a-spotify-id!');
    const refused = await save();
    expect(refused.status()).toBe(400);
    // The script says so once it has read the answer's body.
    await expect.poll(() => note.textContent(), { timeout: 5_000 }).toMatch(/hiddenArtists must hold Spotify ids/);
    // Still the same page (no reload), what was typed still there, and nothing stored.
    await expect(page.locator('#hiddenArtists').inputValue()).resolves.toBe('not-a-spotify-id!');
    expect((await table.owner())?.settings).toBeUndefined();

    await page.locator('#hiddenArtists').fill(`https://open.spotify.com/artist/${top[1]!.id}?si=abc123\nspotify:artist:${top[2]!.id}`);
    await Promise.all([page.waitForEvent('load'), save()]);
    expect(((await table.owner())?.settings as { hiddenArtists?: string[] } | undefined)?.hiddenArtists).toEqual([top[1]!.id, top[2]!.id]);
    await expect(page.locator('#hiddenArtists').inputValue()).resolves.toBe(`${top[1]!.id}\n${top[2]!.id}`);
    // Chromium logs the refused PUT as a failed load; nothing else went wrong.
    expect(session.problems).toEqual(['/owner: Failed to load resource: the server responded with a status of 400 (Bad Request)']);
    expect(session.blocked).toEqual([]);
  });

  it('"Disconnect Spotify": the page linking Spotify\'s Manage apps, /highlights answers not_authorized, /owner sends the browser to /login', async () => {
    const session = await newBrowser();
    const { page } = session;
    await connect(page);
    await page.goto(`${stack.url}/owner`);
    await expect(page.locator('h1').textContent()).resolves.toBe('Your console');

    const [response] = await Promise.all([
      page.waitForResponse((answer) => where(answer.url()) === `${stack.url}/owner/disconnect`),
      page.waitForURL(`${stack.url}/owner/disconnect`),
      page.getByRole('button', { name: 'Disconnect Spotify' }).click(),
    ]);
    expect(response.request().method()).toBe('POST');
    await expectServicePage(session, response, { status: 200, heading: 'Spotify is disconnected', screenshot: 'console-disconnected' });
    saveForDocs('console-disconnected');
    expect(await page.getByRole('link', { name: 'Manage apps' }).getAttribute('href')).toBe('https://www.spotify.com/account/apps/');
    expect(new URL((await page.getByRole('link', { name: 'Back to the start' }).getAttribute('href')) ?? '', page.url()).href).toBe(`${stack.url}/`);

    // Nothing kept but the count of the day's Spotify calls (the app's), and the browser's session is gone with it.
    expect(await table.keys()).toEqual(['budget']);
    expect((await session.context.cookies(stack.url)).map((cookie) => cookie.name)).not.toContain(LOCAL_SESSION_COOKIE);
    const highlights = await fetch(`${stack.url}/highlights`);
    expect(highlights.status).toBe(503);
    expect(((await highlights.json()) as { error: string }).error).toBe('not_authorized');

    // /owner now sends this browser to /login, and /login on to Spotify. (Spotify still remembers
    // the grant, so from there it would come straight back connected: the hops are what is checked.)
    const owner = await session.context.request.get(`${stack.url}/owner`, { maxRedirects: 0 });
    expect(owner.status()).toBe(302);
    expect(new URL(owner.headers().location ?? '', `${stack.url}/owner`).href).toBe(`${stack.url}/login`);
    const login = await session.context.request.get(`${stack.url}/login`, { maxRedirects: 0 });
    expect(login.status()).toBe(302);
    expect(where(login.headers().location ?? '')).toBe(AUTHORIZE);
  });

  it('a browser without the owner\'s session: /owner ends at /login, on Spotify\'s consent page, and shows nothing of the console', async () => {
    await connect((await newBrowser()).page);

    // Someone else, in their own browser, signed in to Spotify as themselves.
    emulator.model.signIn(INTRUDER_ID);
    const { page } = await newBrowser();
    const response = await page.goto(`${stack.url}/owner`);
    expect(response?.status()).toBe(200);
    expect(await hops(response!)).toEqual([
      { url: `${stack.url}/owner`, status: 302, location: `${stack.url}/login` },
      { url: `${stack.url}/login`, status: 302, location: AUTHORIZE },
      { url: AUTHORIZE, status: 200, location: undefined },
    ]);
    expect(await page.locator('[data-user-id]').textContent()).toBe(INTRUDER_ID);
    expect(await page.locator('#settings').count()).toBe(0);
    expect((await table.owner())?.spotifyUserId).toBe(OWNER_ID);
  });
});
