/**
 * Validation with the project's schema library (zod/mini: the same checks as zod, tree-shaken to
 * what is used). Each field's schema carries the message that names it, and a value that does
 * not fit is an InvalidRequest with that message.
 */
import * as z from 'zod/mini';
import { InvalidRequest } from './errors';

/** Values as a query string gives them: absent, or text. */
export type Params = Record<string, string | undefined> | undefined;

/** `field`: a whole number from 1 to `max`, written in digits only; `fallback` when absent. */
export function wholeNumber(field: string, max: number, fallback: number, orElse?: string) {
  const error = `${field} must be a whole number from 1 to ${max}${orElse ? `, ${orElse}` : ''}.`;
  const digits = z.string({ error }).check(z.regex(new RegExp(`^\\d{1,${String(max).length}}$`), { error }));
  return z._default(z.pipe(digits, z.pipe(z.transform(Number), z.number().check(z.minimum(1, { error }), z.maximum(max, { error })))), fallback);
}

/** `field`: one of `values`; `fallback` when absent. */
export function oneOf<const T extends readonly [string, ...string[]]>(field: string, values: T, fallback: T[number]) {
  const choices = values.length === 2 ? `${values[0]} or ${values[1]}` : `one of ${values.join(', ')}`;
  return z._default(z.enum(values, { error: `${field} must be ${choices}.` }), fallback);
}

/** `input` parsed by `schema`, or an InvalidRequest ('invalid_parameter') saying what does not fit. */
export function parseWith<S extends z.ZodMiniType>(schema: S, input: unknown): z.infer<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  throw new InvalidRequest('invalid_parameter', result.error.issues[0]?.message ?? 'The request is not valid.');
}
