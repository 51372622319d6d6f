/**
 * Direct access to the local stack's table (in the stack's own dynalite), for tests that
 * check what the service stored or that set up a situation no browser can create.
 */
import { createHash } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, DynamoDBDocumentClient, GetCommand, ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { OwnerRecord } from '../../lib/owner/owner-store';

/** `${service}-${stage}` from serverless.yml, for the stage the local stack runs (dev). */
export const STACK_TABLE = 'spotify-highlights-local';

export interface StackTable {
  owner(): Promise<OwnerRecord | undefined>;
  /** Every item's key. */
  keys(): Promise<string[]>;
  /** Deletes every item: a service nobody has connected yet. */
  clear(): Promise<void>;
  /** Makes the pending login for `state` expired, as if its tab had been left open too long. */
  expireLoginState(state: string): Promise<void>;
  close(): void;
}

export function stackTable(dynamoPort: number): StackTable {
  const base = new DynamoDBClient({
    endpoint: `http://127.0.0.1:${dynamoPort}`,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  const client = DynamoDBDocumentClient.from(base);
  const TableName = STACK_TABLE;

  const keys = async () => {
    const { Items = [] } = await client.send(new ScanCommand({ TableName, ProjectionExpression: 'pk', ConsistentRead: true }));
    return Items.map((item) => String(item.pk)).sort();
  };

  return {
    owner: async () => (await client.send(new GetCommand({ TableName, Key: { pk: 'owner' }, ConsistentRead: true }))).Item as OwnerRecord | undefined,
    keys,
    clear: async () => {
      for (const pk of await keys()) await client.send(new DeleteCommand({ TableName, Key: { pk } }));
    },
    expireLoginState: async (state) => {
      const past = Date.now() - 60_000;
      await client.send(
        new UpdateCommand({
          TableName,
          Key: { pk: `login-state#${createHash('sha256').update(state).digest('hex')}` },
          UpdateExpression: 'SET expiresAt = :past, #ttl = :ttl',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeNames: { '#ttl': 'ttl' },
          ExpressionAttributeValues: { ':past': past, ':ttl': Math.floor(past / 1000) },
        }),
      );
    },
    close: () => client.destroy(),
  };
}
