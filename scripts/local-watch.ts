/**
 * The watch on the local stack: serverless offline runs no schedules, so `npm start` invokes the
 * real `watch` function through offline's Lambda endpoint (the same handler, bundle and
 * environment as the HTTP functions) on WATCH_SCHEDULE, and `npm run watch` invokes it once.
 */

/** The function's name as serverless offline knows it: <service>-<stage>-<function>. */
export const WATCH_FUNCTION = 'spotify-highlights-local-watch';

const UNITS: Record<string, number> = { minute: 60_000, minutes: 60_000, hour: 3_600_000, hours: 3_600_000, day: 86_400_000, days: 86_400_000 };

/**
 * How often a schedule expression runs, for the local stack: rate(N unit) as EventBridge reads
 * it; a cron(…) expression is run daily locally (its exact times matter only on AWS).
 */
export function intervalOf(schedule: string): number {
  const rate = /^rate\((\d+) (minutes?|hours?|days?)\)$/.exec(schedule.trim());
  if (rate) return Number(rate[1]) * UNITS[rate[2]!]!;
  if (/^cron\(.+\)$/.test(schedule.trim())) return UNITS.day!;
  throw new Error(`WATCH_SCHEDULE must be rate(…) or cron(…), as EventBridge takes them: got ${JSON.stringify(schedule.slice(0, 60))}.`);
}

export interface WatchOutcome {
  ok: boolean;
  /** The function's answer (its report), or why it failed. */
  detail: string;
}

/** Invokes the watch once through serverless offline's Lambda endpoint on 127.0.0.1:lambdaPort. */
export async function invokeWatch(lambdaPort: number): Promise<WatchOutcome> {
  const url = `http://127.0.0.1:${lambdaPort}/2015-03-31/functions/${WATCH_FUNCTION}/invocations`;
  let response: Response;
  try {
    response = await fetch(url, { method: 'POST', body: '{}', signal: AbortSignal.timeout(60_000) });
  } catch {
    return { ok: false, detail: `nothing answers on 127.0.0.1:${lambdaPort}: is the local stack running (npm start)?` };
  }
  const text = await response.text();
  const failed = !response.ok || response.headers.has('x-amz-function-error') || response.headers.has('x-amzn-errortype');
  if (!failed) return { ok: true, detail: text.slice(0, 2000) };
  // A failed run answers its error with a stack trace: the message is what a person needs.
  let message = text.slice(0, 500);
  try {
    const error = JSON.parse(text) as { errorMessage?: unknown };
    if (typeof error.errorMessage === 'string') message = error.errorMessage;
  } catch {
    // not JSON: shown as it came
  }
  return { ok: false, detail: message };
}
