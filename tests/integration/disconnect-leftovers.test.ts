/**
 * POST /owner/disconnect deletes what a container left behind when it died asking Spotify: its
 * fetch lease lapses after 8 s, but the item stays until DynamoDB's ttl takes it (an hour on), so
 * a disconnect meets it. The disconnect's role may delete it (config/iam.cjs), and this run's
 * record of that delete is what tests/integration/iam.test.ts holds the grant against.
 */
import { PutCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { expect, it } from 'vitest';
import { documentClient } from '../../lib/platform/dynamo';
import { ownerDisconnect, sessionCookieOf, useService } from '../support/service';

const service = useService();

it('deletes the fetch lease of a container that died mid-fetch, with the owner\'s results', async () => {
  const cookie = sessionCookieOf(await service.connect());
  const owner = await service.owner();
  const lease = `fetch-lease#${owner?.spotifyUserId}#${owner?.authorizationId}#artists#short_term`;
  const now = Date.now();
  await documentClient().send(new PutCommand({ TableName: process.env.TABLE_NAME, Item: { pk: lease, holder: 'a container that died', expiresAt: now - 1_000, ttl: Math.ceil(now / 1000) + 3600 } }));

  const response = await ownerDisconnect({
    method: 'POST',
    cookies: [cookie ?? ''],
    body: 'confirm=yes',
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'http://127.0.0.1:3000' },
  });
  expect(response.statusCode).toBe(200);
  const { Items } = await documentClient().send(new ScanCommand({ TableName: process.env.TABLE_NAME, ConsistentRead: true }));
  expect((Items ?? []).map((item) => item.pk)).not.toContain(lease);
  expect((Items ?? []).map((item) => String(item.pk).split('#')[0])).not.toContain('fetch-lease');
});
