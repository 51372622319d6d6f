/**
 * The demo's front door, between a browser and two stand-ins: one for the local stack and one
 * for the Spotify emulator (each records what reached it and answers what the real one would).
 */
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
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

const service = upstream(({ url }): Reply => {
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

const listen = (server: Server) =>
  new Promise<string>((done) => server.listen(0, '127.0.0.1', () => done(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)));

beforeAll(async () => {
  const [serviceUrl, emulatorUrl] = await Promise.all([listen(service.server), listen(emulator.server)]);
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
    for (const path of ['/', '/login', '/highlights', '/card.svg', '/examples/', '/favicon.ico', '/nothing']) {
      expect((await get(path)).headers.get('x-demo'), path).toMatch(/^spotify-highlights demo/);
    }
  });

  it('serves the demo home page and the sample website, labelled, and nothing else from disk', async () => {
    const home = await (await get('/')).text();
    expect(home).toContain('href="/login"');
    expect(home).toContain('href="/examples/"');
    expect(home).toContain('class="demo-banner"');
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
