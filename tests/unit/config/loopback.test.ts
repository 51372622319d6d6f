/** config/loopback.cjs: the one rule for "this machine", which packaging and the code share. */
import { createRequire } from 'node:module';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { serviceBase } from '../../../lib/platform/config';
import { webhookProblem } from '../../../lib/platform/webhook';

const { isLoopback, isLoopbackHost } = createRequire(import.meta.url)('../../../config/loopback.cjs') as typeof import('../../../config/loopback.cjs');
const stages = createRequire(import.meta.url)('../../../config/stages.cjs') as { checks: { notifyWebhookUrl(env: Record<string, string>, stage: string): string } };

const LOOPBACK = ['127.0.0.1', '127.255.0.9', '[::1]', 'localhost', 'LocalHost', 'localhost.', 'a.localhost', '[::ffff:7f00:1]'];
const ELSEWHERE = ['128.0.0.1', '10.0.0.1', 'example.com', 'localhost.example.com', '[::2]', 'mylocalhost', '127.0.0.1.example.com', '[::ffff:a00:1]'];

describe('the loopback rule', () => {
  // The service's address from the Host header alone: no redirect URI, no SERVICE_URL.
  const saved = { SPOTIFY_REDIRECT_URI: process.env.SPOTIFY_REDIRECT_URI, SERVICE_URL: process.env.SERVICE_URL };
  beforeEach(() => {
    delete process.env.SPOTIFY_REDIRECT_URI;
    delete process.env.SERVICE_URL;
  });
  afterEach(() => Object.assign(process.env, saved));

  it('is 127.0.0.0/8, [::1] (IPv4-mapped 127.x too) and localhost with its subdomains, nothing else', () => {
    for (const host of LOOPBACK) expect(isLoopback(host), host).toBe(true);
    for (const host of ELSEWHERE) expect(isLoopback(host), host).toBe(false);
  });

  it('reads a Host header with or without its port', () => {
    for (const host of ['127.0.0.1:3000', '[::1]:3000', 'localhost', 'a.localhost:8080', '127.0.0.2:65535']) expect(isLoopbackHost(host), host).toBe(true);
    for (const host of ['127.0.0.1:65536', '127.0.0.1:', '[::1', 'example.com:3000', '127.0.0.1:3000/x', '127.0.0.1 :3000', '']) expect(isLoopbackHost(host), host).toBe(false);
  });

  it('is the same for packaging (a local stack\'s plain-http webhook), the webhook itself and the home page', () => {
    for (const host of [...LOOPBACK, ...ELSEWHERE]) {
      const url = `http://${host}:8080/hook`;
      const packaged = (() => {
        try {
          stages.checks.notifyWebhookUrl({ NOTIFY_WEBHOOK_URL: url }, 'local');
          return true;
        } catch {
          return false;
        }
      })();
      const hostname = new URL(url).hostname;
      expect({ host, packaged, posted: webhookProblem(url) === undefined }).toEqual({ host, packaged: isLoopback(hostname), posted: isLoopback(hostname) });
      expect(serviceBase({ host: `${hostname}:8080`, domainName: undefined }) !== undefined, host).toBe(isLoopback(hostname));
    }
  });
});
