/**
 * The demo's front door: the one origin a person's browser talks to during `npm run demo`.
 *
 * The service runs unchanged behind it, so its /login still sends the browser to
 * https://accounts.spotify.com/authorize, and its JSON still names pictures on
 * https://i.scdn.co/. A real browser cannot be routed to the emulator the way the service's
 * own Node process is (by a preload), so this proxy maps those two Spotify hosts onto itself:
 *   - a redirect to https://accounts.spotify.com/… becomes a redirect to /… here, and
 *     /authorize and /authorize/decision are answered by the emulator (as accounts.spotify.com);
 *   - https://i.scdn.co/image/<id> in JSON becomes /demo-cdn/image/<id>, answered by the emulator.
 * Every other path, / and the owner's console included, goes to the service as the browser sent it
 * (method, body, cookies, Origin, and the Host header, so the service's home page names this
 * origin in its snippets), and its answer comes back with its Set-Cookie headers. The service
 * takes this origin for its own because the demo puts the redirect URI on it (scripts/demo.ts).
 * The proxy also serves a page about the demo at /demo and examples/, and labels everything it
 * serves as a demo: a banner on every HTML page (its style allowed by hash in the page's CSP),
 * a "DEMO" mark on every SVG, and an X-Demo header on every response. Bound to 127.0.0.1 only.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer, request, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { FORWARDED_HOST_HEADER } from '../tests/support/spotify-emulator/forward.mjs';

export interface DemoProxyOptions {
  port: number;
  /** The local stack (serverless offline). */
  serviceUrl: string;
  /** The Spotify emulator. */
  emulatorUrl: string;
  /** Where examples/index.html is. */
  examplesDir: string;
}

export interface DemoProxy {
  url: string;
  close(): Promise<void>;
}

export const DEMO_HEADER = 'X-Demo';
const DEMO_NOTE = 'spotify-highlights demo: Spotify is played by a local emulator';
const CDN_PATH = '/demo-cdn/image/';
/** The demo's own page: what is emulated, and where everything is. */
const DEMO_PAGE_PATH = '/demo';
const FAVICON = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><circle cx="8" cy="8" r="8" fill="#e22134"/></svg>';
const HOP_BY_HOP = ['connection', 'keep-alive', 'transfer-encoding', 'proxy-connection', 'te', 'trailer', 'upgrade', 'content-length', 'host'];

const BANNER_STYLE =
  '.demo-banner{position:sticky;top:0;z-index:99;margin:0;padding:.55rem 1rem;background:#e22134;color:#fff;' +
  'font:600 14px/1.4 system-ui,sans-serif;text-align:center}.demo-banner a{color:#fff}';
export const BANNER_STYLE_HASH = `'sha256-${createHash('sha256').update(BANNER_STYLE).digest('base64')}'`;
const BANNER =
  '<p class="demo-banner" role="note">DEMO · Spotify is played by a local emulator: no real Spotify account or data. ' +
  `<a href="${DEMO_PAGE_PATH}">About this demo</a></p>`;

/** Adds the banner's style hash to a CSP that limits styles; other policies are left as they are. */
export function allowBannerStyle(csp: string): string {
  const directives = csp.split(';').map((part) => part.trim()).filter(Boolean);
  const styleAt = directives.findIndex((directive) => /^style-src(\s|$)/i.test(directive));
  if (styleAt >= 0) directives[styleAt] = `${directives[styleAt]} ${BANNER_STYLE_HASH}`;
  else if (directives.some((directive) => /^default-src(\s|$)/i.test(directive))) directives.push(`style-src ${BANNER_STYLE_HASH}`);
  return directives.join('; ');
}

/** The banner at the top of the body, its style in the head. */
export function labelHtml(html: string): string {
  const headEnd = html.indexOf('</head>');
  const styled = headEnd >= 0 ? `${html.slice(0, headEnd)}<style>${BANNER_STYLE}</style>${html.slice(headEnd)}` : `<style>${BANNER_STYLE}</style>${html}`;
  // The <body> tag after the head (a comment in the head may mention "<body>").
  const body = /<body(\s[^>]*)?>/gi;
  body.lastIndex = Math.max(0, styled.indexOf('</head>'));
  const tag = body.exec(styled);
  if (!tag) return `${BANNER}${styled}`;
  const at = tag.index + tag[0].length;
  return `${styled.slice(0, at)}\n${BANNER}${styled.slice(at)}`;
}

/** A red "DEMO" in the SVG's top right corner. */
export function labelSvg(svg: string): string {
  const width = Number(/^<svg[^>]*\swidth="(\d+)"/.exec(svg)?.[1] ?? 0);
  const end = svg.lastIndexOf('</svg>');
  if (!width || end < 0) return svg;
  const mark = `<text x="${width - 14}" y="22" text-anchor="end" font-family="system-ui,sans-serif" font-size="11" font-weight="700" fill="#e22134">DEMO</text>`;
  return `${svg.slice(0, end)}${mark}${svg.slice(end)}`;
}

/** Spotify's hosts, as seen from the browser, moved onto the demo's origin. */
export function rewriteLocation(location: string, origin: string): string {
  return location.startsWith('https://accounts.spotify.com/') ? `${origin}/${location.slice('https://accounts.spotify.com/'.length)}` : location;
}

export function rewriteImages(json: string, origin: string): string {
  return json.replaceAll('https://i.scdn.co/image/', `${origin}${CDN_PATH}`);
}

interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

function forward(req: IncomingMessage, target: string, extraHeaders: Record<string, string> = {}): Promise<Answer> {
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined && !HOP_BY_HOP.includes(name)) headers[name] = value;
  }
  // Plain bodies, so pages and JSON can be rewritten.
  headers['accept-encoding'] = 'identity';
  return new Promise((resolve, reject) => {
    const upstream = request(target, { method: req.method, headers: { ...headers, ...extraHeaders } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 502, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    upstream.on('error', reject);
    req.pipe(upstream);
  });
}

/** What only the demo has: what is emulated, and the sample website, which the service's home page does not link. */
function demoPage(origin: string): string {
  const link = (path: string, text: string) => `<li><a href="${path}">${text}</a> <code>${origin}${path}</code></li>`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>About this demo · spotify-highlights</title>
<style>body{font:16px/1.6 system-ui,sans-serif;max-width:44rem;margin:0 auto;padding:0 1rem 2rem}code{font-size:.85rem;color:#5e5e5e}</style>
</head><body>
<h1>About this demo</h1>
<p>This is the real service (the same functions, under serverless offline, with a local database). Only Spotify is
played by the project's emulator: a sample owner with top artists and tracks, who is playing a track when the demo
starts, and Spotify's consent page. Nothing leaves this machine.</p>
<ul>
${link('/', '1. The service\'s home page')}: press <strong>Connect Spotify</strong>, then <strong>Accept</strong> on the emulated consent page; back there, make a card.
${link('/examples/', '2. The sample website')}: a static page that calls <code>/highlights</code> and embeds the cards.
${link('/owner', '3. The owner\'s console')}: settings and disconnecting, once connected.
${link('/highlights', '4. /highlights')} · ${link('/card.svg', '/card.svg')} · ${link('/now-playing', '/now-playing')} · ${link('/status', '/status')}
</ul>
</body></html>
`;
}

async function route(req: IncomingMessage, options: DemoProxyOptions, origin: string): Promise<Answer> {
  const url = new URL(req.url ?? '/', origin);
  const path = url.pathname;
  const html = (status: number, body: string): Answer => ({ status, headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' }, body: Buffer.from(body) });
  if (path === DEMO_PAGE_PATH) return html(200, demoPage(origin));
  // The emulated consent page and the demo page name no icon: answer the browser's guess.
  if (path === '/favicon.ico') return { status: 200, headers: { 'content-type': 'image/svg+xml', 'cache-control': 'max-age=86400' }, body: Buffer.from(FAVICON) };
  if (path === '/examples') return { status: 301, headers: { location: '/examples/' }, body: Buffer.alloc(0) };
  // One page, named here: no path from the request ever reaches the file system.
  if (path === '/examples/' || path === '/examples/index.html') return html(200, await readFile(join(options.examplesDir, 'index.html'), 'utf8'));
  if (path.startsWith('/examples/')) return html(404, '<!doctype html><title>Not found</title><p>Not found.</p>');
  if (path === '/authorize' || path === '/authorize/decision') {
    return forward(req, `${options.emulatorUrl}${path}${url.search}`, { [FORWARDED_HOST_HEADER]: 'accounts.spotify.com' });
  }
  if (path.startsWith(CDN_PATH)) {
    return forward(req, `${options.emulatorUrl}/image/${path.slice(CDN_PATH.length)}`, { [FORWARDED_HOST_HEADER]: 'i.scdn.co' });
  }
  // The browser's Host: the service builds its absolute addresses (the home page's snippets) from it.
  return forward(req, `${options.serviceUrl}${path}${url.search}`, req.headers.host ? { host: req.headers.host } : {});
}

function label(answer: Answer, origin: string): Answer {
  const headers = { ...answer.headers };
  for (const name of HOP_BY_HOP) delete headers[name];
  if (typeof headers.location === 'string') headers.location = rewriteLocation(headers.location, origin);
  const type = String(headers['content-type'] ?? '');
  let body = answer.body;
  if (type.startsWith('text/html')) {
    body = Buffer.from(labelHtml(body.toString('utf8')));
    const csp = headers['content-security-policy'];
    if (typeof csp === 'string') headers['content-security-policy'] = allowBannerStyle(csp);
  } else if (type.startsWith('image/svg+xml')) {
    body = Buffer.from(labelSvg(body.toString('utf8')));
  } else if (type.startsWith('application/json')) {
    body = Buffer.from(rewriteImages(body.toString('utf8'), origin));
  }
  return { ...answer, headers: { ...headers, [DEMO_HEADER.toLowerCase()]: DEMO_NOTE }, body };
}

function send(res: ServerResponse, answer: Answer, head: boolean): void {
  res.writeHead(answer.status, { ...answer.headers, 'content-length': String(answer.body.length) });
  res.end(head ? undefined : answer.body);
}

export async function startDemoProxy(options: DemoProxyOptions): Promise<DemoProxy> {
  let origin = '';
  const server = createServer((req, res) => {
    route(req, options, origin).then(
      (answer) => send(res, label(answer, origin), req.method === 'HEAD'),
      () => send(res, label({ status: 502, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: Buffer.from('The demo could not reach the local service.\n') }, origin), false),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', () => resolve());
  });
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: origin,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
