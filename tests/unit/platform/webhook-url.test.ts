/**
 * The webhook's URL, a secret: locally from NOTIFY_WEBHOOK_URL; deployed, from the SSM SecureString
 * NOTIFY_WEBHOOK_URL_PARAM names (SSM's JSON API played by the local stand-in). Each test loads the
 * module afresh, as a new container would.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { freshContainerOnSsm, startSsmStandIn, type SsmStandIn } from '../../support/ssm-stand-in';

const NAME = '/spotify-highlights/prod/notify-webhook-url';
const HOOK = 'https://hooks.example/services/T0/B0/hook-secret';
const saved = { ...process.env };

let ssm: SsmStandIn;
beforeAll(async () => {
  ssm = await startSsmStandIn();
});
afterAll(() => ssm.close());
afterEach(() => {
  for (const name of Object.keys(process.env)) if (!(name in saved)) delete process.env[name];
  Object.assign(process.env, saved);
  ssm.parameters.clear();
  ssm.denied.clear();
  ssm.requests.length = 0;
  vi.restoreAllMocks();
});

async function container() {
  freshContainerOnSsm(ssm.url, 'eu-west-1');
  const { webhookUrl } = await import('../../../lib/platform/webhook-url');
  const { logger } = await import('../../../lib/platform/logger');
  return { url: () => webhookUrl({ NOTIFY_WEBHOOK_URL_PARAM: NAME, AWS_REGION: 'eu-west-1' }), webhookUrl, logger };
}

describe('the webhook\'s URL', () => {
  it('deployed: reads the SecureString named by NOTIFY_WEBHOOK_URL_PARAM, decrypted, and asks again only after five minutes', async () => {
    ssm.parameters.set(NAME, HOOK);
    const { url } = await container();
    const now = Date.now();
    const clock = vi.spyOn(Date, 'now').mockReturnValue(now);
    expect(await url()).toBe(HOOK);
    expect(ssm.requests).toEqual([{ name: NAME, withDecryption: true, region: 'eu-west-1' }]);
    clock.mockReturnValue(now + 299_000);
    expect(await url()).toBe(HOOK);
    expect(ssm.requests).toHaveLength(1);
    clock.mockReturnValue(now + 301_000);
    expect(await url()).toBe(HOOK);
    expect(ssm.requests).toHaveLength(2);
  });

  it('no parameter: no webhook, and nothing logged as a problem', async () => {
    const { url, logger } = await container();
    const warn = vi.spyOn(logger, 'warn');
    expect(await url()).toBeUndefined();
    expect(warn).not.toHaveBeenCalled();
  });

  it('a parameter it may not read, or one that holds plain http: no webhook this time, logged by name, never the URL', async () => {
    ssm.denied.add(NAME);
    const first = await container();
    const warned = vi.spyOn(first.logger, 'warn');
    expect(await first.url()).toBeUndefined();
    expect(warned.mock.calls[0]?.[1]).toMatchObject({ reason: 'AccessDeniedException', parameter: NAME });

    ssm.denied.clear();
    ssm.parameters.set(NAME, 'http://hooks.example/services/T0/B0/hook-secret');
    const second = await container();
    const warn = vi.spyOn(second.logger, 'warn');
    expect(await second.url()).toBeUndefined();
    expect(JSON.stringify(warn.mock.calls)).not.toContain('hook-secret');
    expect(warn.mock.calls[0]?.[0]).toContain('holds no URL the service may post to');
  });

  it('locally: NOTIFY_WEBHOOK_URL, and SSM is never asked (serverless offline sets IS_OFFLINE)', async () => {
    const { webhookUrl } = await container();
    expect(await webhookUrl({ NOTIFY_WEBHOOK_URL: 'http://127.0.0.1:8090/hook' })).toBe('http://127.0.0.1:8090/hook');
    ssm.parameters.set(NAME, HOOK);
    expect(await webhookUrl({ NOTIFY_WEBHOOK_URL_PARAM: NAME, IS_OFFLINE: 'true' })).toBeUndefined();
    expect(await webhookUrl({})).toBeUndefined();
    expect(ssm.requests).toEqual([]);
  });
});
