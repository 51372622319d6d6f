/** The /history query: `days` back from today (1–365, default 7), or `from` and `to` dates; a bad value is refused by name. */
import * as z from 'zod/mini';
import type { HistoryPeriod } from '../../listening/history';
import { InvalidRequest } from '../../platform/errors';
import { addDays } from '../../platform/time';
import { parseWith, wholeNumber, type Params } from '../../platform/validation';

export const MAX_DAYS = 365;

export type { HistoryPeriod };

const DATE = /^\d{4}-\d{2}-\d{2}$/;

function date(name: string, value: string): string {
  if (!DATE.test(value) || Number.isNaN(Date.parse(`${value}T00:00:00Z`)) || new Date(`${value}T00:00:00Z`).toISOString().slice(0, 10) !== value) {
    throw new InvalidRequest('invalid_parameter', `${name} must be a date written YYYY-MM-DD.`);
  }
  return value;
}

/** The period asked for, where `today` is today's date in the history's time zone. */
export function parseHistoryQuery(params: Params, today: string): HistoryPeriod {
  const { days } = parseWith(z.object({ days: wholeNumber('days', MAX_DAYS, 7) }), { days: params?.days });
  if (params?.from === undefined && params?.to === undefined) return { from: addDays(today, -(days - 1)), to: today };
  if (params?.days !== undefined) throw new InvalidRequest('invalid_parameter', 'days cannot be given with from or to: ask for days back from today, or for a period.');
  if (params?.from === undefined) throw new InvalidRequest('invalid_parameter', 'from must be given with to (a date written YYYY-MM-DD).');
  const from = date('from', params.from);
  const to = params.to === undefined ? today : date('to', params.to);
  if (from > to) throw new InvalidRequest('invalid_parameter', 'from must not be after to.');
  if (addDays(from, MAX_DAYS - 1) < to) throw new InvalidRequest('invalid_parameter', `from and to may span at most ${MAX_DAYS} days.`);
  return { from, to };
}
