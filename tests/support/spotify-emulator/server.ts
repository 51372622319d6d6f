// One loopback HTTP server for Spotify's hosts (their paths don't collide) plus a control plane.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { applyControl, stateOf } from './control';
import { FORWARDED_HOST_HEADER } from './forward.mjs';
import { AuthorizeError, createDefaultModel, type SpotifyModel } from './model';
import { consentPage, errorPage } from './pages';
import type { AuthorizeRequest, ModelResponse } from './types';
import { apiError, withQuery } from './util';

export { emulatorControl, type EmulatorControl, type EmulatorState } from './control';

// Set by forward.mjs so the emulator knows which Spotify host a request was meant for.
export { FORWARDED_HOST_HEADER };

export interface RunningEmulator {
  url: string;
  model: SpotifyModel;
  close(): Promise<void>;
}

const MAX_BODY = 1 << 20;

async function readBody(req: IncomingMessage): Promise<string> {
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) throw new Error('Body too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function html(status: number, body: string): ModelResponse {
  return { status, body, headers: { 'content-type': 'text/html; charset=utf-8' } };
}

function redirect(location: string): ModelResponse {
  return { status: 302, body: '', headers: { location } };
}

function isForm(req: IncomingMessage): boolean {
  return (req.headers['content-type'] ?? '').toLowerCase().startsWith('application/x-www-form-urlencoded');
}

function authorizeFailure(error: unknown): ModelResponse {
  if (!(error instanceof AuthorizeError)) throw error;
  return error.redirectTo ? redirect(error.redirectTo) : html(400, errorPage(error.message));
}

function authorizeGet(model: SpotifyModel, query: URLSearchParams): ModelResponse {
  let request: AuthorizeRequest;
  try {
    request = model.authorize(query);
  } catch (error) {
    return authorizeFailure(error);
  }
  // Spotify skips the dialog when the user already granted these scopes, unless show_dialog=true.
  if (!request.showDialog && model.hasGrant(request)) {
    return redirect(withQuery(request.redirectUri, { code: model.approve(request), state: request.state }));
  }
  const user = model.signedInUser === undefined ? undefined : model.users.get(model.signedInUser);
  return html(200, consentPage(request, user));
}

function authorizeDecision(model: SpotifyModel, form: URLSearchParams): ModelResponse {
  let request: AuthorizeRequest;
  try {
    request = model.authorize(form);
  } catch (error) {
    return authorizeFailure(error);
  }
  const decision = form.get('decision');
  if (decision === 'accept') {
    return redirect(withQuery(request.redirectUri, { code: model.approve(request), state: request.state }));
  }
  if (decision === 'cancel') {
    return redirect(withQuery(request.redirectUri, { ...model.deny(request), state: request.state }));
  }
  return html(400, errorPage('Missing decision'));
}

async function route(model: SpotifyModel, req: IncomingMessage): Promise<ModelResponse> {
  const url = new URL(req.url ?? '/', 'http://emulator');
  const method = req.method ?? 'GET';
  const path = url.pathname;
  const forwarded = req.headers[FORWARDED_HOST_HEADER];
  const host = typeof forwarded === 'string' ? forwarded : undefined;
  const accounts = host === undefined || host === 'accounts.spotify.com';
  const api = host === undefined || host === 'api.spotify.com';
  const images = host === undefined || host === 'i.scdn.co';
  const logAuthorize = (res: ModelResponse) => {
    model.calls.authorize++;
    model.log({ method, path, query: Object.fromEntries(url.searchParams), status: res.status });
    return res;
  };

  if (accounts && path === '/authorize' && method === 'GET') return logAuthorize(authorizeGet(model, url.searchParams));
  if (accounts && path === '/authorize/decision' && method === 'POST') {
    const form = new URLSearchParams(isForm(req) ? await readBody(req) : '');
    return logAuthorize(authorizeDecision(model, form));
  }
  if (accounts && path === '/api/token') {
    if (method !== 'POST') return html(405, errorPage('Method not allowed'));
    // Spotify only reads form bodies; JSON bodies look like a missing grant_type.
    const form = new URLSearchParams(isForm(req) ? await readBody(req) : '');
    return model.token({ authorizationHeader: req.headers.authorization, form });
  }
  if (api && path.startsWith('/v1/')) {
    return model.api({ method, path, query: url.searchParams, authorizationHeader: req.headers.authorization });
  }
  if (images && path.startsWith('/image/')) return model.image(method, path);
  if (host === 'i.scdn.co') return { status: 404, body: 'Not Found' };
  if (host === undefined && path === '/__emulator/state' && method === 'GET') return { status: 200, body: stateOf(model) };
  if (host === undefined && path === '/__emulator/control' && method === 'POST') {
    try {
      const { action, ...args } = JSON.parse(await readBody(req)) as Record<string, unknown>;
      return { status: 200, body: { ok: true, result: applyControl(model, action, args) ?? null } };
    } catch (error) {
      return { status: 400, body: { error: (error as Error).message } };
    }
  }
  return host === 'accounts.spotify.com' ? html(404, errorPage('Not found')) : apiError(404, 'Service not found');
}

function send(res: ServerResponse, answer: ModelResponse): void {
  if (res.destroyed) return;
  const headers: Record<string, string> = {};
  for (const [key, value] of Object.entries(answer.headers ?? {})) headers[key.toLowerCase()] = value;
  let body: string | Buffer;
  if (Buffer.isBuffer(answer.body)) {
    body = answer.body;
  } else if (typeof answer.body === 'string') {
    body = answer.body;
    if (body !== '') headers['content-type'] ??= 'text/plain; charset=utf-8';
  } else {
    body = JSON.stringify(answer.body);
    headers['content-type'] ??= 'application/json; charset=utf-8';
  }
  // A 204 carries no body and so no length (RFC 9110), as Spotify's own 204s.
  if (answer.status !== 204) headers['content-length'] = String(Buffer.byteLength(body));
  res.writeHead(answer.status, headers);
  res.end(body);
}

export async function startEmulator(
  model: SpotifyModel = createDefaultModel(),
  { port = 0 }: { port?: number } = {},
): Promise<RunningEmulator> {
  const timers = new Set<NodeJS.Timeout>();
  const server = createServer((req, res) => {
    route(model, req).then((answer) => {
      // A stall never answers: the client's timeout or close() (which drops every connection) ends it.
      if (answer.stall) return;
      const control = req.url?.startsWith('/__emulator/') ?? false;
      const delay = control ? 0 : model.latencyMs + (answer.delayMs ?? 0);
      if (delay <= 0) return send(res, answer);
      const timer = setTimeout(() => {
        timers.delete(timer);
        send(res, answer);
      }, delay);
      timers.add(timer);
    }).catch((error: unknown) => {
      send(res, { status: 500, body: `Emulator error: ${(error as Error).message}` });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const { port: actualPort } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${actualPort}`,
    model,
    close: () => new Promise<void>((resolve, reject) => {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      server.close((error) => (error ? reject(error) : resolve()));
      // Drop keep-alive and hung connections so close() never waits on a fault's delay.
      server.closeAllConnections();
    }),
  };
}
