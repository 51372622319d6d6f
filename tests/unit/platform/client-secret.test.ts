/**
 * The deployed path of the client secret, in this process: SSM's JSON API played by the local
 * stand-in, a stalled SSM by a socket that never answers. Each test loads the module afresh, as a
 * new container would (its SSM client and five-minute cache are per container).
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { freshContainerOnSsm, startSsmStandIn, type SsmStandIn } from '../../support/ssm-stand-in';
import { startStalledServer, type StalledServer } from '../../support/stalled-server';
import { STAND_IN_AWS_ENV } from '../../support/aws-stand-in-env';

const NAME = '/spotify-highlights/prod/client-secret';
const SECRET = 'the-secret-in-ssm';

const AWS_ENV = { ...STAND_IN_AWS_ENV, AWS_REGION: 'eu-west-1' };
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
  ssm.failures.clear();
  ssm.requests.length = 0;
});

/** clientSecret and logger of a fresh container whose SSM is at `endpoint`. */
async function container(endpoint = ssm.url) {
  freshContainerOnSsm(endpoint, AWS_ENV.AWS_REGION);
  const { clientSecret } = await import('../../../lib/platform/client-secret');
  const { logger } = await import('../../../lib/platform/logger');
  const { ConfigError, StorageError } = await import('../../../lib/platform/errors');
  const { withRequest } = await import('../../../lib/platform/request-context');
  const withDeadline = <T>(deadline: number, work: () => T): T => withRequest({ deadline, caller: 'public' }, work);
  const secret = () => clientSecret({ SPOTIFY_CLIENT_SECRET_PARAM: NAME, AWS_REGION: AWS_ENV.AWS_REGION });
  return { secret, logger, withDeadline, ConfigError, StorageError };
}

async function failure(read: () => Promise<string>): Promise<Error & { detail?: string }> {
  const error = await read().then(
    () => undefined,
    (caught: unknown) => caught as Error & { detail?: string },
  );
  if (!error) throw new Error('expected the read to fail');
  return error;
}

describe('the client secret from SSM', () => {
  it('reads the SecureString named by SPOTIFY_CLIENT_SECRET_PARAM, decrypted, and asks again only after five minutes', async () => {
    ssm.parameters.set(NAME, SECRET);
    const { secret } = await container();
    const now = Date.now();
    const clock = vi.spyOn(Date, 'now').mockReturnValue(now);
    expect(await secret()).toBe(SECRET);
    expect(ssm.requests).toEqual([{ name: NAME, withDecryption: true, region: 'eu-west-1' }]);
    clock.mockReturnValue(now + 299_000);
    expect(await secret()).toBe(SECRET);
    expect(ssm.requests).toHaveLength(1);
    clock.mockReturnValue(now + 301_000);
    expect(await secret()).toBe(SECRET);
    expect(ssm.requests).toHaveLength(2);
  });

  it('a missing parameter: a configuration error that hides the path, with a log detail that says to create it', async () => {
    const { secret, ConfigError } = await container();
    const error = await failure(secret);
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toContain('SPOTIFY_CLIENT_SECRET_PARAM');
    expect(error.message).not.toContain(NAME);
    expect(error.detail).toContain(`${NAME} (SPOTIFY_CLIENT_SECRET_PARAM) does not exist in eu-west-1`);
    expect(error.detail).toContain(`aws ssm put-parameter --region eu-west-1 --type SecureString --name ${NAME}`);
  });

  it('access denied: another configuration error, hiding the path, whose detail names the permission and what SSM said', async () => {
    ssm.parameters.set(NAME, SECRET);
    ssm.denied.add(NAME);
    const { secret, ConfigError } = await container();
    const error = await failure(secret);
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).not.toContain(NAME);
    expect(error.detail).toContain('needs ssm:GetParameter');
    expect(error.detail).toContain('is not authorized to perform: ssm:GetParameter');
    expect(error.detail).not.toContain('does not exist');
  });

  it('does not keep a failure: the next request asks SSM again', async () => {
    const { secret } = await container();
    await failure(secret);
    ssm.parameters.set(NAME, SECRET);
    expect(await secret()).toBe(SECRET);
    expect(ssm.requests).toHaveLength(2);
  });

  it('any other refusal is a configuration error naming what SSM said; throttling and SSM\'s own faults are worth a retry (503)', async () => {
    const { secret, ConfigError, StorageError } = await container();
    ssm.failures.set(NAME, { type: 'InvalidKeyId', status: 400 });
    const refused = await failure(secret);
    expect(refused).toBeInstanceOf(ConfigError);
    expect(refused.detail).toContain('InvalidKeyId');
    for (const [type, status] of [['ThrottlingException', 400], ['InternalServerError', 500]] as const) {
      ssm.failures.set(NAME, { type, status });
      expect(await failure(secret)).toBeInstanceOf(StorageError);
    }
  });

  it('an empty parameter is a configuration error too', async () => {
    ssm.parameters.set(NAME, '');
    const { secret, ConfigError } = await container();
    const error = await failure(secret);
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.detail).toContain('is empty');
  });
});

describe('a stalled SSM', () => {
  let stalled: StalledServer;
  beforeAll(async () => {
    stalled = await startStalledServer();
  });
  afterAll(() => stalled.close());

  it('fails the read in about 2 s after two attempts, as a passing fault (503), and says so in the log', async () => {
    const { secret, logger, StorageError } = await container(stalled.url);
    const warn = vi.spyOn(logger, 'warn');
    const before = stalled.connections();
    const started = Date.now();
    const error = await failure(secret);
    const ms = Date.now() - started;
    expect(error).toBeInstanceOf(StorageError);
    expect(stalled.connections() - before).toBe(2);
    expect(ms).toBeGreaterThanOrEqual(2_000);
    expect(ms).toBeLessThan(3_000);
    expect(warn).toHaveBeenCalledWith('SSM did not answer with the client secret', { error: 'TimeoutError' });
  });

  it('inside a request, gives up one second after its deadline', async () => {
    const { secret, withDeadline, StorageError } = await container(stalled.url);
    const started = Date.now();
    const error = await failure(() => withDeadline(started + 200, secret));
    const ms = Date.now() - started;
    expect(error).toBeInstanceOf(StorageError);
    expect(ms).toBeGreaterThanOrEqual(1_200);
    expect(ms).toBeLessThan(1_700);
  });
});
