// Shared by intercept.ts (tests) and preload.mjs (child processes): sends every request for
// Spotify's hosts to the emulator and refuses any other non-loopback request.
/* global fetch, Headers, Response */
import { bypass, http, HttpResponse, passthrough } from 'msw';
import { setupServer } from 'msw/node';

// i.scdn.co: the image CDN that Spotify's artist and album image URLs point at.
export const SPOTIFY_HOSTS = ['accounts.spotify.com', 'api.spotify.com', 'i.scdn.co'];
export const FORWARDED_HOST_HEADER = 'x-emulator-forwarded-host';

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);
// Connection-level headers belong to each hop; fetch and msw set their own.
const HOP_BY_HOP = ['connection', 'keep-alive', 'transfer-encoding', 'proxy-connection', 'te', 'trailer', 'upgrade'];
const NO_BODY_STATUS = new Set([101, 204, 205, 304]);

/**
 * A copy made entry by entry: on Node 20, `new Headers(request.headers)` of an intercepted
 * request whose body set its own content type drops the Authorization header.
 * @param {Headers} from
 */
function copyHeaders(from) {
  const to = new Headers();
  from.forEach((value, name) => to.append(name, value));
  return to;
}

/** @param {string} url */
export function isLoopback(url) {
  return LOOPBACK.has(new URL(url).hostname);
}

/** @param {string} emulatorUrl */
export function spotifyHandlers(emulatorUrl) {
  const base = new URL(emulatorUrl);
  /** @param {{ request: Request }} info */
  const forward = async ({ request }) => {
    const original = new URL(request.url);
    const headers = copyHeaders(request.headers);
    for (const name of [...HOP_BY_HOP, 'host', 'content-length']) headers.delete(name);
    // Ask for identity encoding so the body and its length pass through untouched.
    headers.set('accept-encoding', 'identity');
    headers.set(FORWARDED_HOST_HEADER, original.host);
    const hasBody = request.method !== 'GET' && request.method !== 'HEAD';
    const answer = fetch(bypass(new URL(original.pathname + original.search, base), {
      method: request.method,
      headers,
      body: hasBody ? await request.arrayBuffer() : undefined,
      // Hand 3xx (e.g. the /authorize redirect to redirect_uri) back to the caller as-is.
      redirect: 'manual',
    })).then(async (response) => {
      const empty = request.method === 'HEAD' || NO_BODY_STATUS.has(response.status);
      return { response, body: empty ? null : await response.arrayBuffer() };
    });
    // close() dropped a stalled request: a network error, as a dropped connection is (not an msw 500).
    const received = await answer.catch(() => null);
    if (!received) return HttpResponse.error();
    const { response, body } = received;
    const out = copyHeaders(response.headers);
    for (const name of HOP_BY_HOP) out.delete(name);
    // fetch decodes compressed bodies, so their encoding and length headers would lie.
    if (out.has('content-encoding')) {
      out.delete('content-encoding');
      out.delete('content-length');
    }
    return new Response(body, {
      status: response.status,
      statusText: response.statusText,
      headers: out,
    });
  };
  return [
    ...SPOTIFY_HOSTS.map((host) => http.all(`https://${host}/*`, forward)),
    // msw 2.15's onUnhandledRequest print.error() only logs and then lets the request out,
    // and throwing there becomes a 500 that looks like a Spotify outage; so refuse here
    // with a network error instead.
    http.all('*', ({ request }) => {
      if (isLoopback(request.url)) return passthrough();
      console.error(`[spotify-emulator] blocked ${request.method} ${request.url}: tests must not reach the internet`);
      return HttpResponse.error();
    }),
  ];
}

/**
 * Starts msw in this process: Spotify → emulator, loopback → as-is, anything else → error.
 * @param {string} emulatorUrl
 */
export function forwardSpotify(emulatorUrl) {
  if (!emulatorUrl || !isLoopback(emulatorUrl)) {
    throw new Error(`Spotify emulator URL must be a loopback http URL, got "${emulatorUrl}"`);
  }
  const server = setupServer(...spotifyHandlers(emulatorUrl));
  server.listen({
    // Safety net if a test replaces the handlers above: msw answers 500 instead of going out.
    onUnhandledRequest(request, print) {
      if (isLoopback(request.url)) return;
      print.error();
      throw new Error(`[spotify-emulator] blocked ${request.method} ${request.url}: tests must not reach the internet`);
    },
  });
  return server;
}
