/**
 * Direct access to the local stack's table (in the stack's own dynalite), for tests that
 * check what the service stored or that set up a situation no browser can create.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, DynamoDBDocumentClient, GetCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { OwnerRecord } from '../../lib/owner/owner-store';

/** `${service}-${stage}` from serverless.yml, for the stage the local stack runs (dev). */
export const STACK_TABLE = 'spotify-highlights-local';

export interface StackTable {
  owner(): Promise<OwnerRecord | undefined>;
  /** Every item's key. */
  keys(): Promise<string[]>;
  /** Deletes every item: a service nobody has connected yet. */
  clear(): Promise<void>;
  /** Makes the pending login for `state` unusable, as if its tab had been left open too long (its signing key goes). */
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
    // A state carries its own signed expiry; the one way to end it from outside is the key that signed it.
    expireLoginState: async () => {
      await client.send(new DeleteCommand({ TableName, Key: { pk: 'login-key' } }));
    },
    close: () => client.destroy(),
  };
}
