/**
 * The owner's journey as a person makes it: a real Chromium, the real local stack (`npm start`)
 * and Spotify's consent page served by the emulator. Every test starts from a service nobody has
 * connected and a Spotify that remembers no grant.
 */
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import type { Page, Response } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import type { OwnerRecord } from '../../lib/owner/owner-store';
import { useBrowserStack } from '../support/browser-stack';
import type { LocalStack } from '../support/local-stack';
import { expectServicePage, SCREENSHOTS_DIR } from '../support/page-checks';
import { DEFAULT_CLIENT_ID, INTRUDER_ID, OWNER_ID, type RunningEmulator } from '../support/spotify-emulator';
import type { StackTable } from '../support/stack-table';

// No result cache: /highlights then shows whose tokens are stored right now.
// The table is emptied between tests while the stack runs on: no container may go on trusting the
// owner of the test before (OWNER_RECHECK_SECONDS, 5 s in the stack, is for a real site's traffic).
const world = useBrowserStack({ HIGHLIGHTS_CACHE_SECONDS: '0', OWNER_RECHECK_SECONDS: '0' });
let emulator: RunningEmulator;
let stack: LocalStack;
let table: StackTable;
beforeAll(() => void ({ emulator, stack, table } = world));
const newBrowser = () => world.newBrowser();

const isCallback = (response: Response) => new URL(response.url()).pathname === '/callback';

/** Opens /login and expects Spotify's consent page, as `userId`. */
async function openConsent(page: Page, userId = OWNER_ID): Promise<void> {
  emulator.model.signIn(userId);
  const response = await page.goto(`${stack.url}/login`);
  expect(response?.status()).toBe(200);
  const url = new URL(page.url());
  expect(`${url.origin}${url.pathname}`).toBe('https://accounts.spotify.com/authorize');
  expect(await page.locator('[data-user-id]').textContent()).toBe(userId);
  // Only what the endpoints read: top lists, what plays now, the last plays.
  expect(await page.locator('[data-scope]').allTextContents()).toEqual(['user-top-read', 'user-read-currently-playing', 'user-read-recently-played']);
}

/** Presses a button on the consent page and returns the service's answer at /callback. */
async function decide(page: Page, button: 'Accept' | 'Cancel'): Promise<Response> {
  const [response] = await Promise.all([page.waitForResponse(isCallback), page.getByRole('button', { name: button }).click()]);
  await page.waitForLoadState();
  return response;
}

async function connectOwner(page: Page): Promise<OwnerRecord> {
  await openConsent(page);
  const response = await decide(page, 'Accept');
  expect(response.status()).toBe(200);
  const owner = await table.owner();
  expect(owner?.spotifyUserId).toBe(OWNER_ID);
  return owner as OwnerRecord;
}

/** What identifies the stored authorization, with tokens as short digests: tokens never appear in output. */
function fingerprint(owner: OwnerRecord | undefined) {
  const digest = (token: string | undefined) => (token ? createHash('sha256').update(token).digest('hex').slice(0, 12) : null);
  return owner && {
    spotifyUserId: owner.spotifyUserId,
    version: owner.version,
    refreshToken: digest(owner.refreshToken),
    accessToken: digest(owner.accessToken),
    authorizedAt: owner.authorizedAt,
  };
}

interface HighlightsBody {
  artists: { id: string; name: string }[];
  timeRange: string;
  limit: number;
}

const ownersTop5 = () => emulator.model.topFor(OWNER_ID, 'artists', 'short_term').slice(0, 5).map(({ id, name }) => ({ id, name }));
const artistsOf = (body: HighlightsBody) => body.artists.map(({ id, name }) => ({ id, name }));

async function highlightsFromNode(): Promise<HighlightsBody> {
  const response = await fetch(`${stack.url}/highlights`);
  expect(response.status).toBe(200);
  return (await response.json()) as HighlightsBody;
}

describe('the owner in a browser', { timeout: 60_000 }, () => {
  it('first authorization: /login → Accept → the success page; then /highlights answers the owner\'s top 5', async () => {
    const before = await fetch(`${stack.url}/highlights`);
    expect(before.status).toBe(503);

    const session = await newBrowser();
    const { page } = session;
    await openConsent(page);
    const response = await decide(page, 'Accept');
    await expectServicePage(session, response, { status: 200, heading: 'Spotify is connected', screenshot: 'success' });
    const highlightsUrl = `${stack.url}/highlights`;
    expect(await page.locator('code').textContent()).toBe(`curl ${highlightsUrl}`);

    const owner = await table.owner();
    expect(fingerprint(owner)).toMatchObject({ spotifyUserId: OWNER_ID, version: 1 });
    // No pending login is stored at all; the one used is recorded, so it cannot be used again.
    expect((await table.keys()).filter((key) => key.startsWith('used-state#'))).toHaveLength(1);

    const fromNode = await highlightsFromNode();
    expect(artistsOf(fromNode)).toEqual(ownersTop5());
    expect(fromNode).toMatchObject({ timeRange: 'short_term', limit: 5 });

    // The browser follows the page's own link, and fetches from there (the success page's CSP lets it fetch nothing).
    await Promise.all([page.waitForURL(highlightsUrl), page.getByRole('link', { name: 'See your top artists' }).click()]);
    expect(artistsOf(JSON.parse((await page.locator('body').textContent()) ?? '{}') as HighlightsBody)).toEqual(ownersTop5());
    const fromPage = await page.evaluate(async (url) => {
      const answer = await fetch(url);
      return { status: answer.status, type: answer.headers.get('content-type'), body: (await answer.json()) as HighlightsBody };
    }, highlightsUrl);
    expect(fromPage.status).toBe(200);
    expect(fromPage.type).toMatch(/^application\/json/);
    expect(artistsOf(fromPage.body)).toEqual(ownersTop5());
  });

  it('reloading the success page changes nothing: the sign-in link was single-use', async () => {
    const session = await newBrowser();
    const { page } = session;
    await connectOwner(page);
    const before = fingerprint(await table.owner());

    const response = await page.reload();
    await expectServicePage(session, response, { status: 400, heading: 'This sign-in link is no longer valid', screenshot: 'reused-link' });
    expect(fingerprint(await table.owner())).toEqual(before);
    expect(emulator.model.calls.token.authorization_code).toBe(1);
  });

  it('Cancel on the consent page: the friendly "not connected" page, and nothing is stored', async () => {
    const session = await newBrowser();
    const { page } = session;
    await openConsent(page);
    const response = await decide(page, 'Cancel');
    await expectServicePage(session, response, { status: 400, heading: 'Spotify is not connected', screenshot: 'cancelled' });
    await expect(page.getByRole('link', { name: /start again|connect/i }).count()).resolves.toBe(1);

    // No owner: only the service's login key, and the record that this login's state is used up.
    expect(await table.keys()).toEqual(['login-key', expect.stringMatching(/^used-state#[0-9a-f]{64}$/)]);
    expect(emulator.model.calls.token.authorization_code).toBe(0);
    const highlights = await fetch(`${stack.url}/highlights`);
    expect(highlights.status).toBe(503);
    expect(((await highlights.json()) as { error: string }).error).toBe('not_authorized');
  });

  it('another Spotify account cannot take the site over: a 403 page, and /highlights still serves the owner', async () => {
    await connectOwner((await newBrowser()).page);
    const before = fingerprint(await table.owner());

    // Someone else, in their own browser, signed in to Spotify as themselves.
    const session = await newBrowser();
    const { page } = session;
    await openConsent(page, INTRUDER_ID);
    const response = await decide(page, 'Accept');
    await expectServicePage(session, response, { status: 403, heading: 'This site belongs to another Spotify account', screenshot: 'forbidden' });
    await expect(page.getByRole('link', { name: /start again/i }).count()).resolves.toBe(0);

    expect(fingerprint(await table.owner())).toEqual(before);
    expect(artistsOf(await highlightsFromNode())).toEqual(ownersTop5());
  });

  it('the owner authorizing again: the success page, and new tokens are stored', async () => {
    const session = await newBrowser();
    const { page } = session;
    const first = fingerprint(await connectOwner(page));

    // Spotify remembers the grant and skips its consent page, straight back to /callback.
    const response = await page.goto(`${stack.url}/login`);
    await expectServicePage(session, response, { status: 200, heading: 'Spotify is connected', screenshot: 'success-again' });

    const again = fingerprint(await table.owner());
    expect(again?.spotifyUserId).toBe(OWNER_ID);
    expect(again?.version).toBe((first?.version ?? 0) + 1);
    expect(again?.refreshToken).not.toBe(first?.refreshToken);
    expect(again?.accessToken).not.toBe(first?.accessToken);
    expect(emulator.model.calls.token.authorization_code).toBe(2);
    expect(artistsOf(await highlightsFromNode())).toEqual(ownersTop5());
  });

  it('a stale tab: the consent page submitted after the sign-in expired explains, and links to /login', async () => {
    const session = await newBrowser();
    const { page } = session;
    await openConsent(page);
    const state = new URL(page.url()).searchParams.get('state') ?? '';
    await table.expireLoginState(state);

    const response = await decide(page, 'Accept');
    await expectServicePage(session, response, { status: 400, heading: 'This sign-in link is no longer valid', screenshot: 'expired' });
    await expect(page.locator('main').textContent()).resolves.toMatch(/expired/);
    expect(await table.owner()).toBeUndefined();
    expect(emulator.model.calls.token.authorization_code).toBe(0);

    // The link starts again. Spotify remembers the grant just given, but nobody is connected yet, so
    // the service asks it to show its page anyway (show_dialog): nothing connects without Accept.
    const link = page.getByRole('link', { name: /start again/i });
    expect(new URL((await link.getAttribute('href')) ?? '', page.url()).href).toBe(`${stack.url}/login`);
    await Promise.all([page.waitForURL(/accounts\.spotify\.com\/authorize/), link.click()]);
    expect(new URL(page.url()).searchParams.get('show_dialog')).toBe('true');
    const retried = await decide(page, 'Accept');
    expect(retried.status()).toBe(200);
    await expect(page.locator('h1').textContent()).resolves.toBe('Spotify is connected');
    expect(fingerprint(await table.owner())?.spotifyUserId).toBe(OWNER_ID);
  });

  it('a redirect URI Spotify does not know: Spotify\'s INVALID_CLIENT page, and no way back to /callback', async () => {
    const app = emulator.model.apps.get(DEFAULT_CLIENT_ID);
    if (!app) throw new Error('the emulator has no app');
    const registered = [...app.redirectUris];
    // Registered with a trailing slash: Spotify matches redirect URIs exactly.
    app.redirectUris.splice(0, app.redirectUris.length, `${stack.url}/callback/`);
    try {
      const session = await newBrowser();
    const { page } = session;
      const response = await page.goto(`${stack.url}/login`);
      expect(response?.status()).toBe(400);
      expect(new URL(page.url()).host).toBe('accounts.spotify.com');
      await expect(page.locator('.error').textContent()).resolves.toBe('INVALID_CLIENT: Invalid redirect URI');
      await page.screenshot({ path: join(SCREENSHOTS_DIR, 'invalid-client.png'), fullPage: true });
      expect(await page.getByRole('button').count()).toBe(0);
      expect(await table.owner()).toBeUndefined();
      expect(session.blocked).toEqual([]);
    } finally {
      app.redirectUris.splice(0, app.redirectUris.length, ...registered);
    }
  });
});
