/**
 * A JSON POST to the owner's webhook (NOTIFY_WEBHOOK_URL): https only, or plain http to a
 * loopback address for local runs; a short timeout; redirects are never followed (a 3xx is a
 * failure). A failure names what went wrong, never the URL: a Slack or Discord webhook URL is
 * itself a secret.
 */
import { isLoopback } from '../../config/loopback.cjs';

/** How long the webhook may take to answer. */
export const WEBHOOK_TIMEOUT_MS = 5_000;

export class WebhookError extends Error {
  override name = 'WebhookError';
}

/** The URL, if it is one the service may post to; why not, otherwise. */
export function webhookProblem(raw: string): string | undefined {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'NOTIFY_WEBHOOK_URL is not a URL.';
  }
  if (url.protocol === 'https:') return undefined;
  if (url.protocol === 'http:' && isLoopback(url.hostname)) return undefined;
  return 'NOTIFY_WEBHOOK_URL must be an https URL (plain http only to 127.0.0.1 or localhost, for local runs).';
}

export async function postJson(url: string, body: unknown, timeoutMs = WEBHOOK_TIMEOUT_MS): Promise<void> {
  const problem = webhookProblem(url);
  if (problem) throw new WebhookError(problem);
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'User-Agent': 'spotify-highlights' },
      body: JSON.stringify(body),
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    const timedOut = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
    throw new WebhookError(timedOut ? `the webhook did not answer within ${timeoutMs} ms` : 'the webhook could not be reached');
  }
  // The body is not needed: drain it so the connection is let go.
  await response.arrayBuffer().catch(() => undefined);
  if (response.status >= 300 && response.status < 400) throw new WebhookError(`the webhook answered a redirect (${response.status}), which is not followed`);
  if (!response.ok) throw new WebhookError(`the webhook answered ${response.status}`);
}
