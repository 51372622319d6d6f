/**
 * A small local stand-in for SSM's GetParameter, on 127.0.0.1, speaking SSM's JSON 1.1 protocol
 * as the AWS SDK does: POST / with `X-Amz-Target: AmazonSSM.GetParameter`, a SigV4-signed
 * request, JSON in and out, errors as `{"__type": …}` with status 400. Point the SDK at it with
 * AWS_ENDPOINT_URL_SSM. It is as strict as SSM where the service could go wrong: a SecureString
 * read without WithDecryption gives its ciphertext, not the secret.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { vi } from 'vitest';
import { STAND_IN_AWS_ENV } from './aws-stand-in-env';

export const STAND_IN_ACCOUNT = '123456789012';

/** What a GetParameter asked for. */
export interface GetParameterRequest {
  name: unknown;
  withDecryption: unknown;
  /** The region of the request's signature. */
  region: string | undefined;
}

export interface SsmStandIn {
  url: string;
  /** SecureString parameters by name: their decrypted values. */
  parameters: Map<string, string>;
  /** Names GetParameter is refused for, as when the caller's role lacks ssm:GetParameter on them. */
  denied: Set<string>;
  /** Names GetParameter fails for with this error (SSM's `__type`, and its status), e.g. throttling. */
  failures: Map<string, { type: string; status: number }>;
  requests: GetParameterRequest[];
  close(): Promise<void>;
}

const SIGNATURE = /^AWS4-HMAC-SHA256 Credential=[^/]+\/\d{8}\/([a-z0-9-]+)\/ssm\/aws4_request, SignedHeaders=[^,]+, Signature=[0-9a-f]{64}$/;

function answer(response: ServerResponse, status: number, body: object): void {
  response.writeHead(status, { 'Content-Type': 'application/x-amz-json-1.1', 'x-amzn-RequestId': randomUUID() });
  response.end(JSON.stringify(body));
}

const error = (type: string, message?: string) => ({ __type: type, ...(message ? { message } : {}) });

async function bodyOf(request: IncomingMessage): Promise<string> {
  let text = '';
  for await (const chunk of request) text += chunk;
  return text;
}

export async function startSsmStandIn(): Promise<SsmStandIn> {
  const parameters = new Map<string, string>();
  const denied = new Set<string>();
  const failures = new Map<string, { type: string; status: number }>();
  const requests: GetParameterRequest[] = [];

  const server = createServer(async (request, response) => {
    const text = await bodyOf(request);
    const signature = SIGNATURE.exec(request.headers.authorization ?? '');
    if (request.method !== 'POST' || request.url !== '/') return answer(response, 404, error('UnknownOperationException'));
    if (!signature) return answer(response, 400, error('MissingAuthenticationTokenException', 'Missing Authentication Token'));
    if (request.headers['content-type'] !== 'application/x-amz-json-1.1') return answer(response, 400, error('SerializationException'));
    if (request.headers['x-amz-target'] !== 'AmazonSSM.GetParameter') return answer(response, 400, error('UnknownOperationException'));
    let input: { Name?: unknown; WithDecryption?: unknown };
    try {
      input = JSON.parse(text);
    } catch {
      return answer(response, 400, error('SerializationException'));
    }
    const region = signature[1];
    requests.push({ name: input.Name, withDecryption: input.WithDecryption, region });
    const { Name: name } = input;
    if (typeof name !== 'string' || name === '') {
      return answer(response, 400, error('ValidationException', "1 validation error detected: Value null at 'name' failed to satisfy constraint: Member must not be null"));
    }
    const arn = `arn:aws:ssm:${region}:${STAND_IN_ACCOUNT}:parameter${name.startsWith('/') ? '' : '/'}${name}`;
    if (denied.has(name)) {
      return answer(
        response,
        400,
        error(
          'AccessDeniedException',
          `User: arn:aws:sts::${STAND_IN_ACCOUNT}:assumed-role/spotify-highlights-lambdaRole/spotify-highlights is not authorized to perform: ssm:GetParameter on resource: ${arn} because no identity-based policy allows the ssm:GetParameter action`,
        ),
      );
    }
    const failure = failures.get(name);
    if (failure) return answer(response, failure.status, error(failure.type, `${failure.type} (stand-in)`));
    const value = parameters.get(name);
    if (value === undefined) return answer(response, 400, error('ParameterNotFound'));
    answer(response, 200, {
      Parameter: {
        ARN: arn,
        DataType: 'text',
        LastModifiedDate: Math.floor(Date.now() / 1000),
        Name: name,
        Type: 'SecureString',
        // Without decryption SSM hands out the KMS ciphertext, which is no use as a secret.
        Value: input.WithDecryption === true ? value : Buffer.from(`kms-ciphertext:${randomUUID()}`).toString('base64'),
        Version: 1,
      },
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    parameters,
    denied,
    failures,
    requests,
    close: () => new Promise((done) => server.close(() => done())),
  };
}

/**
 * The next modules loaded are a fresh container (its own SSM client and cache) whose SSM is at
 * `endpoint`, in `region`, with nothing of this machine's AWS setup.
 */
export function freshContainerOnSsm(endpoint: string, region: string): void {
  for (const name of Object.keys(process.env)) if (name.startsWith('AWS_')) delete process.env[name];
  Object.assign(process.env, STAND_IN_AWS_ENV, { AWS_REGION: region, AWS_ENDPOINT_URL_SSM: endpoint });
  vi.resetModules();
}
