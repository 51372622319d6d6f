/**
 * Test tables made from the very definition in serverless.yml, so tests and the deployed
 * table cannot drift apart.
 */
import { readFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { CreateTableCommand, DescribeTableCommand, DynamoDBClient, type CreateTableCommandInput } from '@aws-sdk/client-dynamodb';
import { parse } from 'yaml';

interface TableResource {
  Type: string;
  Properties: CreateTableCommandInput & Record<string, unknown>;
}

/** The keys of the table resource `logicalName` in serverless.yml (the main table unless named), as a CreateTable input. */
export function tableDefinition(logicalName = 'HighlightsTable'): CreateTableCommandInput {
  const config = parse(readFileSync(new URL('../../serverless.yml', import.meta.url), 'utf8'));
  const table = (config.resources.Resources as Record<string, TableResource | undefined>)[logicalName];
  if (table?.Type !== 'AWS::DynamoDB::Table') throw new Error(`serverless.yml defines no DynamoDB table ${logicalName}`);
  const { AttributeDefinitions, KeySchema } = table.Properties;
  return { TableName: '', AttributeDefinitions, KeySchema, BillingMode: 'PAY_PER_REQUEST' };
}

/**
 * Creates a table shaped as `logicalName` in serverless.yml (the main table unless named) and
 * returns its name once it is ACTIVE: dynalite answers CreateTable while the table is still
 * CREATING, and refuses a write to it then as a table not found (a busy machine saw it).
 */
export async function createTable(endpoint: string, tableName = `test-${randomUUID()}`, logicalName?: string): Promise<string> {
  const client = new DynamoDBClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  try {
    await client.send(new CreateTableCommand({ ...tableDefinition(logicalName), TableName: tableName }));
    for (let attempt = 0; attempt < 100; attempt++) {
      const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
      if (Table?.TableStatus === 'ACTIVE') break;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  } finally {
    client.destroy();
  }
  return tableName;
}
