/**
 * A small local stand-in for SNS's Publish, on 127.0.0.1, speaking SNS's query protocol as the AWS
 * SDK does: POST / with a form body (`Action=Publish&Version=2010-03-31&TopicArn=…&Message=…`),
 * a SigV4-signed request, XML answers, errors as `<ErrorResponse>` with SNS's codes and statuses.
 * Point the SDK at it with AWS_ENDPOINT_URL_SNS. It is as strict as SNS where the service could go
 * wrong: an unknown topic, a Subject SNS would refuse (not printable ASCII, a line break, 100
 * characters or more: "less than 100 characters long"), an empty Message or one over 256 KB.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export const STAND_IN_ACCOUNT = '123456789012';

/** The ARN of the topic `name` in the stand-in's account. */
export function topicArn(name: string, region = 'us-east-1'): string {
  return `arn:aws:sns:${region}:${STAND_IN_ACCOUNT}:${name}`;
}

/** What a Publish asked for. */
export interface PublishRequest {
  topicArn: string | null;
  subject: string | null;
  message: string | null;
  /** The region of the request's signature. */
  region: string | undefined;
}

export interface SnsStandIn {
  url: string;
  /** The topics that exist, by ARN. */
  topics: Set<string>;
  /** Topics Publish is refused for, as when the caller's role lacks sns:Publish on them. */
  denied: Set<string>;
  /** Topics Publish fails for with this error (SNS's code, and its status), e.g. Throttled. */
  failures: Map<string, { code: string; status: number }>;
  /** Every Publish that reached the checks, accepted or not. */
  requests: PublishRequest[];
  /** The Publishes SNS accepted. */
  published: PublishRequest[];
  close(): Promise<void>;
}

const XMLNS = 'http://sns.amazonaws.com/doc/2010-03-31/';
const SIGNATURE = /^AWS4-HMAC-SHA256 Credential=[^/]+\/\d{8}\/([a-z0-9-]+)\/sns\/aws4_request, SignedHeaders=[^,]+, Signature=[0-9a-f]{64}$/;
const MESSAGE_MAX_BYTES = 262_144;

const escapeXml = (text: string) => text.replace(/[<>&"']/g, (mark) => `&#${mark.charCodeAt(0)};`);

function answer(response: ServerResponse, status: number, xml: string): void {
  response.writeHead(status, { 'Content-Type': 'text/xml', 'x-amzn-RequestId': randomUUID() });
  response.end(`<?xml version="1.0"?>\n${xml}`);
}

function fail(response: ServerResponse, status: number, code: string, message: string): void {
  const type = status >= 500 ? 'Receiver' : 'Sender';
  answer(
    response,
    status,
    `<ErrorResponse xmlns="${XMLNS}"><Error><Type>${type}</Type><Code>${code}</Code><Message>${escapeXml(message)}</Message></Error><RequestId>${randomUUID()}</RequestId></ErrorResponse>`,
  );
}

async function bodyOf(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  // Decoded whole: a character may span two chunks of a large message.
  return Buffer.concat(chunks).toString('utf8');
}

/** Why SNS would refuse this Subject, if it would. */
function subjectProblem(subject: string): string | undefined {
  if (subject === '') return 'Subject must not be empty';
  if (/[\r\n]/.test(subject)) return 'Subject must not contain line breaks';
  if (/[^\x20-\x7e]/.test(subject)) return 'Subject must be ASCII text without control characters';
  if (subject.length >= 100) return 'Subject must be less than 100 characters long';
  return undefined;
}

export async function startSnsStandIn(): Promise<SnsStandIn> {
  const topics = new Set<string>();
  const denied = new Set<string>();
  const failures = new Map<string, { code: string; status: number }>();
  const requests: PublishRequest[] = [];
  const published: PublishRequest[] = [];

  const server = createServer(async (request, response) => {
    const text = await bodyOf(request);
    const signature = SIGNATURE.exec(request.headers.authorization ?? '');
    if (request.method !== 'POST' || request.url !== '/') return fail(response, 404, 'InvalidAction', 'Only POST / is served');
    if (!signature) return fail(response, 403, 'MissingAuthenticationToken', 'Request is missing Authentication Token');
    if (!(request.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')) {
      return fail(response, 400, 'MalformedQueryString', 'The request body must be form-urlencoded');
    }
    const form = new URLSearchParams(text);
    if (form.get('Action') !== 'Publish' || form.get('Version') !== '2010-03-31') {
      return fail(response, 400, 'InvalidAction', `Could not find operation ${form.get('Action')} for version ${form.get('Version')}`);
    }
    const region = signature[1];
    const publish: PublishRequest = { topicArn: form.get('TopicArn'), subject: form.get('Subject'), message: form.get('Message'), region };
    requests.push(publish);
    const { topicArn: arn, subject, message } = publish;
    if (!arn) return fail(response, 400, 'InvalidParameter', 'Invalid parameter: TopicArn or TargetArn Reason: no value for required parameter');
    if (!message) return fail(response, 400, 'InvalidParameter', 'Invalid parameter: Empty message');
    if (Buffer.byteLength(message, 'utf8') > MESSAGE_MAX_BYTES) return fail(response, 400, 'InvalidParameter', 'Invalid parameter: Message too long');
    const problem = subject === null ? undefined : subjectProblem(subject);
    if (problem) return fail(response, 400, 'InvalidParameter', `Invalid parameter: Subject (${problem})`);
    if (denied.has(arn)) {
      return fail(
        response,
        403,
        'AuthorizationError',
        `User: arn:aws:sts::${STAND_IN_ACCOUNT}:assumed-role/spotify-highlights-lambdaRole/spotify-highlights-watch is not authorized to perform: SNS:Publish on resource: ${arn} because no identity-based policy allows the SNS:Publish action`,
      );
    }
    const failure = failures.get(arn);
    if (failure) return fail(response, failure.status, failure.code, `${failure.code} (stand-in) for ${arn}`);
    if (!topics.has(arn)) return fail(response, 404, 'NotFound', 'Topic does not exist');
    published.push(publish);
    answer(
      response,
      200,
      `<PublishResponse xmlns="${XMLNS}"><PublishResult><MessageId>${randomUUID()}</MessageId></PublishResult><ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></PublishResponse>`,
    );
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    topics,
    denied,
    failures,
    requests,
    published,
    close: () => new Promise((done) => server.close(() => done())),
  };
}
