/**
 * Test tables made from the very definition in serverless.yml, so tests and the deployed
 * table cannot drift apart.
 */
import { readFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { CreateTableCommand, DynamoDBClient, type CreateTableCommandInput } from '@aws-sdk/client-dynamodb';
import { parse } from 'yaml';

interface TableResource {
  Type: string;
  Properties: CreateTableCommandInput & Record<string, unknown>;
}

export function tableDefinition(): CreateTableCommandInput {
  const config = parse(readFileSync(new URL('../../serverless.yml', import.meta.url), 'utf8'));
  const resources = Object.values(config.resources.Resources as Record<string, TableResource>);
  const table = resources.find((resource) => resource.Type === 'AWS::DynamoDB::Table');
  if (!table) throw new Error('serverless.yml defines no DynamoDB table');
  const { AttributeDefinitions, KeySchema } = table.Properties;
  return { TableName: '', AttributeDefinitions, KeySchema, BillingMode: 'PAY_PER_REQUEST' };
}

export async function createTable(endpoint: string, tableName = `test-${randomUUID()}`): Promise<string> {
  const client = new DynamoDBClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  await client.send(new CreateTableCommand({ ...tableDefinition(), TableName: tableName }));
  client.destroy();
  return tableName;
}
