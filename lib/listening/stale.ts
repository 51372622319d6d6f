/**
 * What a JSON answer says when it serves an older result: `stale`, the `reason` (the error's code)
 * and, when the day's calls are why, a sentence with when it ends ("Spotify's daily quota is spent
 * until …"). One shape for /highlights, /now-playing and /recently-played.
 */
import { dailyLimitMessage, type ServiceError } from '../platform/errors';

export interface StaleFields {
  stale?: true;
  reason?: string;
  message?: string;
}

export function staleFields(staleBecause: ServiceError | undefined): StaleFields {
  if (!staleBecause) return {};
  const message = dailyLimitMessage(staleBecause);
  return { stale: true, reason: staleBecause.code, ...(message ? { message } : {}) };
}
