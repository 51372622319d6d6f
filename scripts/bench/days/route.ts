/**
 * How a simulated run reaches the Spotify emulator: requests for Spotify's hosts are sent to it
 * directly, by wrapping this process's https.request (spotify-web-api-node's superagent, bundled
 * in every function, calls it through node's https module) and fetch (the cards' pictures). The
 * tests route through msw instead, which opens a new connection for every request it lets pass:
 * over tens of thousands of DynamoDB calls per simulated day, that doubled the cost of each.
 * The emulator learns which host a request was for from the header forward.mjs sets too.
 */
import http from 'node:http';
import https from 'node:https';
import { FORWARDED_HOST_HEADER } from '../../../tests/support/spotify-emulator';

const SPOTIFY_HOSTS = new Set(['accounts.spotify.com', 'api.spotify.com', 'i.scdn.co']);

type RequestArgs = Parameters<typeof https.request>;

/** Sends Spotify's hosts to the emulator at `emulatorUrl`; the returned function undoes it. */
export function routeSpotifyTo(emulatorUrl: string): () => void {
  const emulator = new URL(emulatorUrl);
  const agent = new http.Agent({ keepAlive: true });
  const { request } = https;
  const { fetch } = globalThis;

  https.request = function routed(...args: RequestArgs) {
    const [first, callback] = args as [unknown, unknown];
    const options = typeof first === 'object' && first !== null && !(first instanceof URL) ? (first as https.RequestOptions) : undefined;
    const host = options?.hostname ?? options?.host ?? undefined;
    if (!options || !host || !SPOTIFY_HOSTS.has(host)) return request.apply(https, args);
    const { method, path, headers } = options;
    const forwarded = http.request(
      { host: emulator.hostname, port: emulator.port, method, path, headers: { ...headers, [FORWARDED_HOST_HEADER]: host }, agent },
      typeof callback === 'function' ? (callback as (response: http.IncomingMessage) => void) : undefined,
    );
    return forwarded;
  } as typeof https.request;

  globalThis.fetch = (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    if (!SPOTIFY_HOSTS.has(url.hostname)) return fetch(input, init);
    const headers = new Headers(init?.headers ?? (input instanceof Request ? input.headers : undefined));
    headers.set(FORWARDED_HOST_HEADER, url.host);
    return fetch(new URL(url.pathname + url.search, emulator), { ...init, headers });
  };

  return () => {
    https.request = request;
    globalThis.fetch = fetch;
    agent.destroy();
  };
}
