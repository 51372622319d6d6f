/**
 * The owner's webhook URL: a secret like the client secret (whoever has a Slack or Discord
 * webhook's URL can post to the owner's channel), so it never appears in the template or the
 * function's environment when deployed. Locally, NOTIFY_WEBHOOK_URL; deployed, the SSM
 * SecureString named by NOTIFY_WEBHOOK_URL_PARAM, read when the watch runs and kept for five
 * minutes. No such parameter: no webhook. A parameter that cannot be read, or that holds no URL
 * the service may post to, is logged by name only and the notices go on the other channels; the
 * webhook gets them on a later run.
 */
import { optional, type Env } from './config';
import { logger } from './logger';
import { ContainerMemory } from './memory';
import { webhookProblem } from './webhook';

const CACHE_MS = 300_000;

/** The URL by its parameter's name ('' for none). */
const urls = new ContainerMemory<string>({ bound: 1 });

export async function webhookUrl(env: Env = process.env): Promise<string | undefined> {
  const direct = optional(env, 'NOTIFY_WEBHOOK_URL');
  if (direct) return direct;
  const name = optional(env, 'NOTIFY_WEBHOOK_URL_PARAM');
  if (!name || env.IS_OFFLINE) return undefined;
  const url = urls.get(name) ?? (await urls.load(name, () => read(name)));
  return url || undefined;
}

async function read(name: string): Promise<string> {
  // Loaded on first use, as for the client secret: only the watch reads a webhook.
  const { decryptedParameter } = await import('./ssm');
  let url = '';
  try {
    url = (await decryptedParameter(name))?.trim() ?? '';
  } catch (error) {
    const kind = (error as Error)?.name ?? 'unknown';
    if (kind !== 'ParameterNotFound') {
      logger.warn('The webhook URL could not be read from SSM (NOTIFY_WEBHOOK_URL_PARAM): the notices go on the other channels', { reason: kind, parameter: name });
      return '';
    }
  }
  const problem = url ? webhookProblem(url) : undefined;
  if (problem) {
    logger.warn('The SSM parameter NOTIFY_WEBHOOK_URL_PARAM names holds no URL the service may post to: no webhook', { problem, parameter: name });
    url = '';
  }
  urls.set(name, url, Date.now() + CACHE_MS);
  return url;
}
