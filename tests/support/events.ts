/** API Gateway HTTP API (payload 2.0) events and Lambda contexts, as the handlers receive them. */
import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';

export interface EventInput {
  method?: string;
  query?: Record<string, string>;
  cookies?: string[];
  headers?: Record<string, string>;
  domainName?: string;
  body?: string;
}

export function httpEvent(path: string, input: EventInput = {}): APIGatewayProxyEventV2 {
  const query = input.query ?? {};
  const rawQueryString = new URLSearchParams(query).toString();
  const domainName = input.domainName ?? '127.0.0.1:3000';
  return {
    version: '2.0',
    routeKey: `${input.method ?? 'GET'} ${path}`,
    rawPath: path,
    rawQueryString,
    ...(input.cookies ? { cookies: input.cookies } : {}),
    headers: { host: domainName, 'user-agent': 'vitest', ...input.headers },
    ...(Object.keys(query).length ? { queryStringParameters: query } : {}),
    requestContext: {
      accountId: 'offline',
      apiId: 'local',
      domainName,
      domainPrefix: '127',
      http: { method: input.method ?? 'GET', path, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'vitest' },
      requestId: randomUUID(),
      routeKey: `${input.method ?? 'GET'} ${path}`,
      stage: '$default',
      time: new Date().toUTCString(),
      timeEpoch: Date.now(),
    },
    ...(input.body !== undefined ? { body: input.body } : {}),
    isBase64Encoded: false,
  };
}

export function lambdaContext(functionName = 'test'): Context {
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:us-east-1:000000000000:function:${functionName}`,
    memoryLimitInMB: '256',
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'test',
    getRemainingTimeInMillis: () => 10_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}
