/**
 * The DynamoDB document client, created once per container on first use, with the limits every
 * AWS call has (aws-calls.ts). The local endpoint (dynalite) is chosen here and only here, from
 * DYNAMODB_ENDPOINT.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { awsClientLimits, shownToTests } from './aws-calls';

let client: DynamoDBDocumentClient | undefined;

export function documentClient(): DynamoDBDocumentClient {
  if (!client) {
    const endpoint = process.env.DYNAMODB_ENDPOINT;
    const base = shownToTests(new DynamoDBClient({
      ...awsClientLimits(),
      ...(endpoint
        ? {
            endpoint,
            region: process.env.AWS_REGION ?? 'us-east-1',
            // dynalite accepts any credentials; real ones must never be needed locally.
            credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
          }
        : {}),
    }));
    client = DynamoDBDocumentClient.from(base, { marshallOptions: { removeUndefinedValues: true } });
  }
  return client;
}
