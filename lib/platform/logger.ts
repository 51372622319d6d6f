/** The one structured JSON logger. Never pass it a token, an authorization code or the client secret. */
import { Logger } from '@aws-lambda-powertools/logger';

export const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'spotify-highlights' });
