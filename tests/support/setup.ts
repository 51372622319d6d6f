/** Every test worker talks to the run's dynalite and never to real AWS. */
import { inject } from 'vitest';

process.env.DYNAMODB_ENDPOINT = inject('dynamoEndpoint');
process.env.AWS_REGION = 'us-east-1';
process.env.POWERTOOLS_DEV = 'true';
// Quiet by default; tests that read the logs raise the level themselves.
process.env.POWERTOOLS_LOG_LEVEL = process.env.POWERTOOLS_LOG_LEVEL ?? 'SILENT';
