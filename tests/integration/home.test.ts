/** GET / through the real handler and dynalite: each state of the owner, the builder, and a failing table still answered. */
import { describe, expect, it, vi } from 'vitest';
import { handler } from '../../handlers/http/home';
import { documentClient } from '../../lib/platform/dynamo';
import { httpEvent, lambdaContext, type EventInput } from '../support/events';
import { parseCsp } from '../support/page-checks';
import { useService, type Result } from '../support/service';
import { OWNER_ID } from '../support/spotify-emulator';

const service = useService();

const home = async (query?: Record<string, string>, input: EventInput = {}) =>
  (await handler(httpEvent('/', { ...input, ...(query ? { query } : {}) }), lambdaContext('home'))) as Result;

/** A textarea's text as the browser shows it. */
function snippet(body: string, id: string): string {
  const text = new RegExp(`<textarea id="${id}"[^>]*>([^<]*)</textarea>`).exec(body)?.[1] ?? '';
  return text.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

function expectPage(response: Result): void {
  expect(response.statusCode).toBe(200);
  expect(response.headers['Content-Type']).toBe('text/html; charset=utf-8');
  expect(response.headers['Cache-Control']).toBe('no-store');
  const csp = parseCsp(response.headers['Content-Security-Policy'] ?? '');
  // The builder's form sends to the page itself; still no script.
  expect(csp.get('form-action')).toEqual(["'self'"]);
  expect(csp.get('default-src')).toEqual(["'none'"]);
  expect(csp.get('script-src')).toBeUndefined();
  expect(response.body).not.toMatch(/<script/i);
}

describe('GET /', () => {
  it('before anyone connected: Connect Spotify, and no builder', async () => {
    const response = await home();
    expectPage(response);
    expect(response.body).toContain('No Spotify account is connected yet.');
    expect(response.body).toContain('<a class="button" href="login">Connect Spotify</a>');
    expect(response.body).not.toContain('<form');
  });

  it('once the owner connected: their display name, the builder, never a token', async () => {
    await service.connect();
    const owner = await service.owner();
    const response = await home();
    expectPage(response);
    expect(response.body).toContain('This is the Spotify listening of <strong>Site Owner</strong>');
    expect(response.body).toContain('<form action="./" method="get">');
    for (const secret of [owner?.accessToken, owner?.refreshToken]) {
      expect(secret).toBeTruthy();
      expect(response.body).not.toContain(secret);
    }
  });

  it('names the owner by their Spotify user id when they have no display name', async () => {
    await service.connect();
    await service.updateOwner({ displayName: null });
    expect((await home()).body).toContain(`This is the Spotify listening of <strong>${OWNER_ID}</strong>`);
  });

  it('escapes a display name that holds markup', async () => {
    await service.connect();
    await service.updateOwner({ displayName: '<script>alert("owned")</script>' });
    const response = await home();
    expectPage(response);
    expect(response.body).toContain('<strong>&lt;script&gt;alert(&quot;owned&quot;)&lt;/script&gt;</strong>');
    expect(response.body).not.toContain('alert("owned")');
  });

  it('answers the chosen card with absolute URLs of the service: http and the port locally, https and the domain deployed', async () => {
    await service.connect();
    const query = { card: 'list', type: 'recent', time_range: 'long_term', limit: '7', theme: 'spotify', width: '500' };
    const local = await home(query, { headers: { host: '127.0.0.1:4321' }, domainName: 'offlineContext_domainName' });
    expect(snippet(local.body, 'snippet-url')).toBe('http://127.0.0.1:4321/card.svg?type=recent&limit=7&theme=spotify&width=500');
    expect(local.body).toContain('<img class="preview" src="card.svg?type=recent&amp;limit=7&amp;theme=spotify&amp;width=500"');
    const deployed = await home(query, { domainName: 'abc.execute-api.eu-west-1.amazonaws.com' });
    expect(snippet(deployed.body, 'snippet-url')).toBe('https://abc.execute-api.eu-west-1.amazonaws.com/card.svg?type=recent&limit=7&theme=spotify&width=500');
    expect(snippet(deployed.body, 'snippet-markdown')).toBe("![What Site Owner played last on Spotify](https://abc.execute-api.eu-west-1.amazonaws.com/card.svg?type=recent&limit=7&theme=spotify&width=500)");
  });

  it('answers bad builder input with 200, the form, the value clamped and a note', async () => {
    await service.connect();
    const response = await home({ width: '5000', theme: '<img src=x onerror=alert(1)>' });
    expectPage(response);
    expect(response.body).toContain('<p class="problem" id="width-problem">width goes from 300 to 800: showing 800.</p>');
    expect(response.body).toContain('<p class="problem" id="theme-problem">');
    expect(response.body).not.toContain('onerror');
    expect(snippet(response.body, 'snippet-url')).toBe('http://127.0.0.1:3000/card.svg?width=800');
  });

  it('still answers 200 when DynamoDB fails, saying the status could not be read, with no builder', async () => {
    await service.connect();
    const send = vi.spyOn(documentClient(), 'send').mockRejectedValue(Object.assign(new Error('down'), { name: 'ServiceUnavailable' }));
    const response = await home({ width: '500' });
    expect(send).toHaveBeenCalled();
    expectPage(response);
    expect(response.body).toContain('Whether Spotify is connected could not be read just now');
    expect(response.body).not.toContain('<form');
    expect(response.body).not.toContain('Site Owner');
  });

  it('refuses a method other than GET with a page, as every route does', async () => {
    const response = await home(undefined, { method: 'POST' });
    expect(response.statusCode).toBe(405);
    expect(response.body).toContain('<h1>That did not work</h1>');
  });
});
