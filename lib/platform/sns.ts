/**
 * Publishing the owner's notices to the SNS topic that emails them (serverless.yml creates it when
 * NOTIFY_EMAIL is set). The SDK is imported statically, like ssm.ts's, so the bundle require()s
 * the copy the nodejs24.x runtime provides (serverless.yml does not bundle it): the watch function
 * publishes a few messages a day at most, so its load time does not matter and its size would.
 */
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { awsCallOptions, awsClientLimits, shownToTests } from './aws-calls';

/** SNS takes a Subject of printable ASCII, with no line breaks, "less than 100 characters long". */
const SUBJECT_MAX = 99;
const ELLIPSIS = '...';

/** Punctuation a notice's subject may use that Unicode normalisation leaves outside ASCII. */
const PUNCTUATION: Record<string, string> = { '–': '-', '—': '-', '‘': "'", '’': "'", '“': '"', '”': '"' };

/**
 * `subject` as SNS accepts it: accents dropped (é → e), typographic punctuation as ASCII (… → ...),
 * line breaks and control characters as single spaces, anything else outside ASCII left out, and
 * cut with "..." to fit. Empty when nothing is left.
 */
function fitSubject(subject: string): string {
  const ascii = subject
    .normalize('NFKD')
    .replace(/[–—‘’“”]/g, (mark) => PUNCTUATION[mark] ?? '')
    .replace(/[^\x20-\x7e\s\p{Cc}]/gu, '')
    .replace(/[\s\p{Cc}]+/gu, ' ')
    .trim();
  return ascii.length <= SUBJECT_MAX ? ascii : `${ascii.slice(0, SUBJECT_MAX - ELLIPSIS.length).trimEnd()}${ELLIPSIS}`;
}

/** An AWS error's name (SNS's error code, or the SDK's TimeoutError, AbortError…), never its message. */
function nameOf(error: unknown): string {
  const name = error instanceof Error ? error.name : undefined;
  return name && /^[A-Za-z][\w.-]{0,63}$/.test(name) ? name : 'UnknownError';
}

let client: SNSClient | undefined;

/**
 * Publishes one notice to `topicArn`, within the client limits and the current deadline. A
 * failure is thrown as "SNS Publish failed: <error name>": what SNS said may quote the topic or
 * the message, so it is left out.
 */
export async function publishNotice(topicArn: string, subject: string, message: string): Promise<void> {
  client ??= shownToTests(new SNSClient(awsClientLimits()));
  const fitted = fitSubject(subject);
  try {
    await client.send(new PublishCommand({ TopicArn: topicArn, Message: message, ...(fitted ? { Subject: fitted } : {}) }), awsCallOptions());
  } catch (error) {
    throw new Error(`SNS Publish failed: ${nameOf(error)}`);
  }
}
