/**
 * Every DynamoDB call has a deadline: against a table that accepts connections and never answers
 * (a real socket), one call fails after two attempts of a second each, and inside a request the
 * request's deadline cuts any call, and any run of calls, short. Each test is a fresh container.
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { startStalledServer, type StalledServer } from '../../support/stalled-server';

let stalled: StalledServer;
beforeAll(async () => {
  stalled = await startStalledServer();
});
afterAll(() => stalled.close());
afterEach(() => {
  process.env.DYNAMODB_ENDPOINT = inject('dynamoEndpoint');
});

/** The table's `send` and the deadline of a fresh container whose DynamoDB is the stalled server. */
async function container() {
  process.env.DYNAMODB_ENDPOINT = stalled.url;
  process.env.TABLE_NAME = 'stalled-table';
  vi.resetModules();
  const { send } = await import('../../../lib/platform/table');
  const { withRequest } = await import('../../../lib/platform/request-context');
  const withDeadline = <T>(deadline: number, work: () => T): T => withRequest({ deadline, caller: 'public' }, work);
  const { AFTER_DEADLINE_MS } = await import('../../../lib/platform/aws-calls');
  const { StorageError } = await import('../../../lib/platform/errors');
  const getOwner = () =>
    send((TableName) => new GetCommand({ TableName, Key: { pk: 'owner' } })).then(
      () => undefined,
      (error: unknown) => error,
    );
  return { getOwner, withDeadline, AFTER_DEADLINE_MS, StorageError };
}

describe('a DynamoDB call to a stalled table', () => {
  it('fails as a StorageError after two attempts of one second each', async () => {
    const { getOwner, StorageError } = await container();
    const before = stalled.connections();
    const started = Date.now();
    const error = await getOwner();
    const ms = Date.now() - started;
    expect(error).toBeInstanceOf(StorageError);
    expect((error as Error).message).toBe('DynamoDB request failed: TimeoutError');
    expect(stalled.connections() - before).toBe(2);
    expect(ms).toBeGreaterThanOrEqual(2_000);
    expect(ms).toBeLessThan(3_000);
  });

  it('inside a request, is cancelled one second after the request\'s deadline', async () => {
    const { getOwner, withDeadline, AFTER_DEADLINE_MS, StorageError } = await container();
    const started = Date.now();
    const error = await withDeadline(started + 200, getOwner);
    const ms = Date.now() - started;
    expect(error).toBeInstanceOf(StorageError);
    expect(ms).toBeGreaterThanOrEqual(200 + AFTER_DEADLINE_MS);
    expect(ms).toBeLessThan(200 + AFTER_DEADLINE_MS + 500);
  });

  it('three in a row inside a request all end by its deadline (plus the second after it), not after three times two seconds', async () => {
    const { getOwner, withDeadline, AFTER_DEADLINE_MS, StorageError } = await container();
    const started = Date.now();
    const deadline = started + 1_500;
    const errors = await withDeadline(deadline, async () => [await getOwner(), await getOwner(), await getOwner()]);
    const ms = Date.now() - started;
    for (const error of errors) expect(error).toBeInstanceOf(StorageError);
    expect(ms).toBeGreaterThanOrEqual(1_500 + AFTER_DEADLINE_MS);
    expect(ms).toBeLessThan(1_500 + AFTER_DEADLINE_MS + 500);
  });
});
