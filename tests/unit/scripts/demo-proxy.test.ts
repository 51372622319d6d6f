/**
 * The demo's front door, between a browser and two stand-ins: one for the local stack and one
 * for the Spotify emulator (each records what reached it and answers what the real one would).
 */
import { createHash } from 'node:crypto';
import { createServer, request, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allowBannerStyle, BANNER_STYLE_HASH, labelHtml, startDemoProxy, type DemoProxy } from '../../../scripts/demo-proxy';
import { freePort } from '../../support/local-stack';

interface Seen {
  method?: string;
  url?: string;
  headers: IncomingMessage['headers'];
  body: string;
}

const SERVICE_PAGE = '<!doctype html><html lang="en"><head><title>x</title><style>p{}</style></head><body class="page"><main><h1>Spotify is connected</h1></main></body></html>';
const HOME_PAGE = '<!doctype html><html lang="en"><head><title>Spotify highlights</title></head><body><main><h1>Spotify highlights</h1></main></body></html>';
const SERVICE_CSP = "default-src 'none'; style-src 'sha256-abc='; img-src 'self' data:";

interface Reply {
  status: number;
  headers: Record<string, string | string[]>;
  body: string | Buffer;
}

function upstream(answer: (seen: Seen) => Reply) {
  const seen: Seen[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      const request = { method: req.method, url: req.url, headers: req.headers, body };
      seen.push(request);
      const { status, headers, body: out } = answer(request);
      res.writeHead(status, headers).end(out);
    });
  });
  return { seen, server };
}

const service = upstream(({ method, url }): Reply => {
  if (url === '/') return { status: 200, headers: { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': SERVICE_CSP }, body: HOME_PAGE };
  if (url === '/owner/settings' && method === 'PUT') {
    return { status: 200, headers: { 'content-type': 'application/json; charset=utf-8', 'set-cookie': 'session=renewed; Path=/; HttpOnly' }, body: '{"ok":true}' };
  }
  if (url === '/owner/disconnect' && method === 'POST') {
    return { status: 200, headers: { 'content-type': 'text/html; charset=utf-8', 'set-cookie': 'session=; Path=/; Max-Age=0' }, body: '<!doctype html><html><head></head><body><h1>Spotify is disconnected</h1></body></html>' };
  }
  if (url === '/login') {
    return {
      status: 302,
      headers: { location: 'https://accounts.spotify.com/authorize?client_id=demo&state=s', 'set-cookie': ['a=1; Path=/callback', 'b=2; Path=/'] },
      body: '',
    };
  }
  if (url === '/elsewhere') return { status: 302, headers: { location: 'https://example.com/x' }, body: '' };
  if (url?.startsWith('/callback')) return { status: 200, headers: { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': SERVICE_CSP }, body: SERVICE_PAGE };
  if (url === '/highlights') {
    return { status: 200, headers: { 'content-type': 'application/json; charset=utf-8', etag: '"e1"' }, body: JSON.stringify({ artists: [{ name: 'A', image: 'https://i.scdn.co/image/ab67aa' }] }) };
  }
  if (url === '/card.svg') return { status: 200, headers: { 'content-type': 'image/svg+xml; charset=utf-8' }, body: '<svg xmlns="http://www.w3.org/2000/svg" width="400" height="100"><text>card</text></svg>' };
  return { status: 404, headers: { 'content-type': 'application/json' }, body: '{"message":"Not Found"}' };
});

const emulator = upstream(({ url }): Reply => {
  if (url?.startsWith('/image/')) return { status: 200, headers: { 'content-type': 'image/png' }, body: Buffer.from([0x89, 0x50, 0x4e, 0x47]) };
  if (url?.startsWith('/authorize/decision')) return { status: 302, headers: { location: 'http://127.0.0.1:1/callback?code=c&state=s' }, body: '' };
  return { status: 200, headers: { 'content-type': 'text/html; charset=utf-8' }, body: '<!doctype html><html><head><title>Authorize</title></head>\n<body><form></form></body></html>' };
});

let proxy: DemoProxy;
let emulatorUrl: string;

const listen = (server: Server) =>
  new Promise<string>((done) => server.listen(0, '127.0.0.1', () => done(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)));

beforeAll(async () => {
  let serviceUrl: string;
  [serviceUrl, emulatorUrl] = await Promise.all([listen(service.server), listen(emulator.server)]);
  proxy = await startDemoProxy({ port: await freePort(), serviceUrl, emulatorUrl, examplesDir: resolve(import.meta.dirname, '../../../examples') });
});

afterAll(async () => {
  await proxy.close();
  service.server.close();
  emulator.server.close();
});

const get = (path: string, init?: RequestInit) => fetch(`${proxy.url}${path}`, { redirect: 'manual', ...init });

describe('the demo proxy', () => {
  it('sends the browser to its own /authorize instead of accounts.spotify.com, cookies intact', async () => {
    const response = await get('/login');
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toBe(`${proxy.url}/authorize?client_id=demo&state=s`);
    expect(response.headers.getSetCookie()).toEqual(['a=1; Path=/callback', 'b=2; Path=/']);
    expect((await get('/elsewhere')).headers.get('location')).toBe('https://example.com/x');
  });

  it('has the emulator answer the consent page and the decision as accounts.spotify.com, and labels the page', async () => {
    const page = await get('/authorize?client_id=demo&state=s');
    const html = await page.text();
    expect(html).toContain('<body>\n<p class="demo-banner" role="note">DEMO');
    const decision = await get('/authorize/decision', { method: 'POST', body: new URLSearchParams({ decision: 'accept', state: 's' }) });
    expect(decision.headers.get('location')).toBe('http://127.0.0.1:1/callback?code=c&state=s');
    expect(emulator.seen.map(({ method, url, headers }) => [method, url, headers['x-emulator-forwarded-host']])).toEqual([
      ['GET', '/authorize?client_id=demo&state=s', 'accounts.spotify.com'],
      ['POST', '/authorize/decision', 'accounts.spotify.com'],
    ]);
    expect(emulator.seen[1]?.body).toBe('decision=accept&state=s');
  });

  it('labels the service\'s pages with a banner whose style the page\'s CSP allows by hash', async () => {
    const response = await get('/callback?code=c&state=s');
    const html = await response.text();
    expect(html).toContain('<body class="page">\n<p class="demo-banner" role="note">DEMO');
    expect(html).toContain('<h1>Spotify is connected</h1>');
    const styles = [...html.matchAll(/<style>([^<]*)<\/style>/g)].map((match) => match[1]!);
    const bannerStyle = styles.find((style) => style.includes('.demo-banner'))!;
    const csp = response.headers.get('content-security-policy');
    expect(csp).toBe(`default-src 'none'; style-src 'sha256-abc=' ${BANNER_STYLE_HASH}; img-src 'self' data:`);
    expect(csp).toContain(`'sha256-${createHash('sha256').update(bannerStyle).digest('base64')}'`);
    expect(Number(response.headers.get('content-length'))).toBe(Buffer.byteLength(html));
  });

  it('moves Spotify\'s image URLs in JSON onto its own origin, where the emulator answers them', async () => {
    const response = await get('/highlights');
    const body = (await response.json()) as { artists: { image: string }[] };
    expect(body.artists[0]?.image).toBe(`${proxy.url}/demo-cdn/image/ab67aa`);
    expect(response.headers.get('etag')).toBe('"e1"');
    const image = await get('/demo-cdn/image/ab67aa');
    expect(image.headers.get('content-type')).toBe('image/png');
    expect([...new Uint8Array(await image.arrayBuffer())]).toEqual([0x89, 0x50, 0x4e, 0x47]);
    expect(emulator.seen.at(-1)).toMatchObject({ url: '/image/ab67aa', headers: { 'x-emulator-forwarded-host': 'i.scdn.co' } });
  });

  it('marks the card DEMO, and every answer with an X-Demo header', async () => {
    const card = await get('/card.svg');
    expect(await card.text()).toBe(
      '<svg xmlns="http://www.w3.org/2000/svg" width="400" height="100"><text>card</text><text x="386" y="22" text-anchor="end" font-family="system-ui,sans-serif" font-size="11" font-weight="700" fill="#e22134">DEMO</text></svg>',
    );
    for (const path of ['/', '/demo', '/login', '/highlights', '/card.svg', '/examples/', '/favicon.ico', '/nothing']) {
      expect((await get(path)).headers.get('x-demo'), path).toMatch(/^spotify-highlights demo/);
    }
  });

  it('serves its page about the demo at /demo and the sample website, labelled, and nothing else from disk', async () => {
    const about = await (await get('/demo')).text();
    expect(about).toContain('<h1>About this demo</h1>');
    for (const link of ['href="/"', 'href="/examples/"', 'href="/owner"']) expect(about).toContain(link);
    expect(about).toContain('class="demo-banner"');
    expect(about).toContain('<a href="/demo">About this demo</a>');
    const example = await get('/examples/');
    const html = await example.text();
    expect(html).toContain('<title>What I listen to</title>');
    expect(html.indexOf('class="demo-banner"')).toBeGreaterThan(html.indexOf('<body'));
    expect((await get('/examples')).headers.get('location')).toBe('/examples/');
    for (const path of ['/examples/other.html', '/examples/..%2fpackage.json', '/examples/%2e%2e/package.json']) {
      const response = await get(path);
      expect(response.status, path).toBe(404);
      expect(await response.text(), path).not.toContain('"devDependencies"');
    }
  });
});

describe('the service behind the demo proxy', () => {
  const host = () => new URL(proxy.url).host;

  it('answers / with the service\'s home page, labelled, and tells the service the browser\'s Host', async () => {
    const response = await get('/');
    const html = await response.text();
    expect(html).toContain('<h1>Spotify highlights</h1>');
    expect(html).toContain('<body>\n<p class="demo-banner" role="note">DEMO');
    expect(response.headers.get('content-security-policy')).toBe(`default-src 'none'; style-src 'sha256-abc=' ${BANNER_STYLE_HASH}; img-src 'self' data:`);
    const seen = service.seen.findLast((request) => request.url === '/');
    expect(seen?.headers.host).toBe(host());
    // fetch always names the address it connects to; a browser on http://localhost:… names that.
    await new Promise((done, fail) => request(`${proxy.url}/highlights`, { headers: { host: 'localhost:1234' } }, (res) => res.resume().on('end', done)).on('error', fail).end());
    expect(service.seen.at(-1)?.headers.host).toBe('localhost:1234');
  });

  it('forwards the owner\'s console as the browser sent it: methods, bodies, cookies and Origin, and its Set-Cookie back', async () => {
    const settings = JSON.stringify({ hideExplicit: true, hiddenArtists: ['a1'] });
    const saved = await get('/owner/settings', {
      method: 'PUT',
      headers: { 'content-type': 'application/json', cookie: 'session=s1', origin: proxy.url },
      body: settings,
    });
    expect(saved.status).toBe(200);
    expect(await saved.json()).toEqual({ ok: true });
    expect(saved.headers.getSetCookie()).toEqual(['session=renewed; Path=/; HttpOnly']);
    expect(service.seen.at(-1)).toMatchObject({
      method: 'PUT',
      url: '/owner/settings',
      body: settings,
      headers: { 'content-type': 'application/json', cookie: 'session=s1', origin: proxy.url, host: host() },
    });

    const gone = await get('/owner/disconnect', { method: 'POST', headers: { cookie: 'session=s1', origin: proxy.url }, body: new URLSearchParams({ confirm: 'yes' }) });
    expect(await gone.text()).toContain('<h1>Spotify is disconnected</h1>');
    expect(gone.headers.getSetCookie()).toEqual(['session=; Path=/; Max-Age=0']);
    expect(service.seen.at(-1)).toMatchObject({
      method: 'POST',
      url: '/owner/disconnect',
      body: 'confirm=yes',
      headers: { 'content-type': 'application/x-www-form-urlencoded;charset=UTF-8', cookie: 'session=s1', origin: proxy.url },
    });
  });

  it('names the emulator\'s host to the emulator, not the browser\'s', async () => {
    await get('/authorize?client_id=demo&state=h');
    expect(emulator.seen.at(-1)?.headers.host).toBe(new URL(emulatorUrl).host);
  });
});

describe('labelling', () => {
  it('adds a style-src when a CSP only has default-src, and leaves a CSP without either alone', () => {
    expect(allowBannerStyle("default-src 'none'")).toBe(`default-src 'none'; style-src ${BANNER_STYLE_HASH}`);
    expect(allowBannerStyle("frame-ancestors 'none'")).toBe("frame-ancestors 'none'");
  });

  it('puts the banner in the body even when a comment in the head mentions <body>', () => {
    const html = labelHtml('<html><head><!-- set data-api on <body> --></head><body data-api=""><p>x</p></body></html>');
    expect(html).toContain('<!-- set data-api on <body> -->');
    expect(html).toContain('<body data-api="">\n<p class="demo-banner"');
  });
});
