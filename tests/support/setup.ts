/**
 * Every test worker talks to the run's dynalite and never to real AWS, and records what the
 * service's functions send to AWS (tests/support/aws-recorder.ts) for tests/integration/iam.test.ts.
 */
import { afterAll, expect, inject } from 'vitest';
import { listen, writeRecording } from './aws-recorder';

process.env.DYNAMODB_ENDPOINT = inject('dynamoEndpoint');
process.env.AWS_REGION = 'us-east-1';
process.env.POWERTOOLS_DEV = 'true';
// Quiet by default; tests that read the logs raise the level themselves.
process.env.POWERTOOLS_LOG_LEVEL = process.env.POWERTOOLS_LOG_LEVEL ?? 'SILENT';

listen();
const testFile = expect.getState().testPath ?? 'unknown';
afterAll(() => writeRecording(inject('awsCallsDir'), testFile));
