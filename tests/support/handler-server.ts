/**
 * A loopback HTTP server for browser tests of one route: requests for `path` are answered by a
 * real handler's result (status, headers and body as API Gateway would send them), any other
 * path by a fixed page.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Result } from './service';

export interface HandlerServer {
  base: string;
  close(): Promise<void>;
}

export async function serveHandler(
  path: string,
  answer: (query: Record<string, string>) => Promise<Result>,
  other: (url: URL) => { contentType: string; body: string },
): Promise<HandlerServer> {
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (url.pathname !== path) {
      const { contentType, body } = other(url);
      res.writeHead(200, { 'content-type': contentType }).end(body);
      return;
    }
    answer(Object.fromEntries(url.searchParams)).then(
      (result) => res.writeHead(result.statusCode ?? 500, result.headers).end(result.body),
      () => res.writeHead(500).end(),
    );
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return {
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((done) => server.close(() => done())),
  };
}
